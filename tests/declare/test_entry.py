"""录入高中级申报信息: a department types in an applicant's 评审简表 for a unit of its subtree; the
material starts 审核中 at that department, in its 待审核材料, with a 审核记录 and an audit row, and
then follows the chain like any 上报 one."""
from __future__ import annotations

from datetime import date

import pytest

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Material, MaterialState, ReviewRecord
from zhicheng.review import workflow
from zhicheng.review.consistency import check_consistency

from .. import factories
from .world import pdf_text

URL = "/admin/declare_entry/"


def _form(name="冯录入", seq=41, **over):
    birth = date(1988, 4, 6)
    data = {"name": name, "gender": "女", "birth_date": birth.isoformat(),
            "id_card": factories.make_id_card(birth, seq), "phone": "13912345678", "work_start_date": "2010-07-01",
            "current_major": "建筑设计", "series": "工程", "major": "建筑工程", "qualification": "工程师",
            "education": "本科", "current_title": "助理工程师",
            "educations-0-start_date": "2006-09-01", "educations-0-end_date": "2010-06-30",
            "educations-0-school": "浙江工业大学", "educations-0-major": "土木工程", "educations-0-education": "本科",
            "educations-0-degree": "学士", "work_histories-0-start_date": "2010-07-01",
            "work_histories-0-employer": "甲单位科技有限公司", "work_histories-0-post": "设计员",
            "achievements": "主持设计某住宅小区项目。"}
    data.update(over)
    return data


def _enter(c, csrf, unit, project, **over):
    url = f"{URL}?unit={unit.id}&project={project.id}"
    return c.post(url, data={**_form(**over), "csrf_token": csrf(c, url)})


def test_a_department_enters_a_material_that_starts_at_its_own_desk(org, auth, csrf):
    c = auth.client("xihureview")
    page = c.get(URL + "?q=甲单位").get_data(as_text=True)
    assert org.unit_a.name in page and org.unit_b.name not in page  # only units of its subtree
    page = c.get(f"{URL}?unit={org.unit_a.id}").get_data(as_text=True)
    assert "中级初定项目" in page and "西湖区初级初定项目" not in page  # 高中级 projects only
    assert "已截止的中级项目" not in page
    r = _enter(c, csrf, org.unit_a, org.projects["middle"])
    assert r.status_code == 302
    m = db.session.query(Material).filter_by(name="冯录入").one()
    assert (m.state, m.current_department_id, m.unit_id) == (MaterialState.IN_REVIEW, org.xihu.id, org.unit_a.id)
    assert m.number and m.educations[0].school == "浙江工业大学" and m.submitted_at is not None
    (record,) = m.review_records
    assert record.action == "enter" and record.action_label == "部门录入"
    assert "西湖区人才职改办依据甲单位科技有限公司报送的纸质评审简表录入" in record.reason
    assert db.session.query(AuditLog).filter_by(action="material.enter", target_id=m.id).count() == 1
    # in the department's 待审核材料, and in the unit's 上报材料跟踪 (read-only)
    assert "冯录入" in c.get("/admin/review/").get_data(as_text=True)
    assert "冯录入" in auth.client("unita").get("/admin/tracking/").get_data(as_text=True)
    assert "冯录入" not in auth.client("unita001").get("/admin/tracking/").get_data(as_text=True)
    # then the chain as usual: 西湖区 passes it up, the root office (issuer) approves it
    workflow.pass_materials(org["xihu_review"], [m.id])
    workflow.pass_materials(org["root"], [m.id])
    db.session.commit()
    assert check_consistency() == []
    text = pdf_text(c.get(f"/admin/print-file/material/{m.id}.pdf"))
    assert "冯录入" in text and "同意上报" in text and "审核通过" in text  # the opinions of this submission


def test_a_returned_entry_goes_to_the_unit_which_may_correct_and_submit_it(org, auth, csrf):
    c = auth.client("xihureview")
    _enter(c, csrf, org.unit_a, org.projects["middle"])
    m = db.session.query(Material).filter_by(name="冯录入").one()
    workflow.return_materials(org["xihu_return"], [m.id], "请补充学历证明")
    db.session.commit()
    db.session.refresh(m)
    assert m.state == MaterialState.RETURNED and m.editable
    workflow.submit_materials(org["unit_a"], [m.id], "甲经办", "13900001111")
    db.session.commit()
    assert [r.action for r in db.session.query(ReviewRecord).filter_by(material_id=m.id).order_by(ReviewRecord.id)] \
        == ["enter", "return", "submit"]
    assert check_consistency() == []


def test_entry_is_refused_outside_the_subtree_and_for_bad_data(org, auth, csrf):
    edu = auth.client("edureview")
    assert edu.get(f"{URL}?unit={org.unit_a.id}").status_code == 404
    assert edu.post(f"{URL}?unit={org.unit_a.id}&project={org.projects['middle'].id}",
                    data={**_form(), "csrf_token": csrf(edu, URL)}).status_code == 404
    c = auth.client("xihureview")
    # a 初级 project of the unit's chain is not one of this menu's; the closed one neither
    for key in ("xihu_junior", "closed"):
        page = c.get(f"{URL}?unit={org.unit_a.id}&project={org.projects[key].id}").get_data(as_text=True)
        assert "请选择本部门或上级部门发布的、正在申报时间内的高中级申报项目" in page
    page = _enter(c, csrf, org.unit_a, org.projects["middle"], id_card="330106198804061234").get_data(as_text=True)
    assert "保存失败" in page
    assert db.session.query(Material).count() == 0
    # staff without 审核经办 cannot enter
    assert auth.client("xihuadmin").get(URL).status_code == 403
    assert auth.client("unita").get(URL).status_code == 403


def test_the_workflow_refuses_to_enter_someone_elses_draft(org):
    import pytest

    from zhicheng.review.workflow import WorkflowError
    draft = factories.material(org.projects["middle"], org["unit_a"], name="单位草稿", seq=51)
    with pytest.raises(WorkflowError):
        workflow.enter_material(org["xihu_review"], draft)
    db.session.rollback()
    assert db.session.get(Material, draft.id).state == MaterialState.DRAFT


def test_the_department_corrects_its_entry_until_a_reviewer_acts_on_it(org, auth, csrf):
    """修改 of an entered material: by its department (any of its staff with 审核), while it is still
    here as entered; not by another department, not once it has been passed on or returned."""
    c = auth.client("xihureview")
    _enter(c, csrf, org.unit_a, org.projects["middle"])
    m = db.session.query(Material).filter_by(name="冯录入").one()
    listed = c.get(f"/admin/declare/?number={m.number}").get_data(as_text=True)
    assert f'{URL}edit/?id={m.id}' in listed
    url = f"{URL}edit/?id={m.id}"
    page = c.get(url).get_data(as_text=True)
    assert "修改录入的申报信息" in page and "冯录入" in page and "浙江工业大学" in page
    r = c.post(url, data={**_form(current_title="工程师", achievements="主持设计两个住宅小区项目。"),
                          "csrf_token": csrf(c, url)})
    assert r.status_code == 302
    db.session.expire_all()
    m = db.session.get(Material, m.id)
    assert (m.current_title, m.achievements) == ("工程师", "主持设计两个住宅小区项目。")
    assert m.state == MaterialState.IN_REVIEW and [r.action for r in m.review_records] == ["enter"]
    assert db.session.query(AuditLog).filter_by(action="material.update", target_id=m.id).count() == 1
    # bad input: a clear message, nothing changed
    r = c.post(url, data={**_form(name="", current_title="高级工程师"), "csrf_token": csrf(c, url)})
    assert r.status_code == 200 and "保存失败" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Material, m.id).current_title == "工程师"
    # another department, the unit and the root office: no such page for this material
    for username in ("edureview", "unita", "rootadmin"):
        assert auth.client(username).get(url).status_code in (403, 404), username
    # once 通过 (here: passed up to the root office) it is a material of the chain: no more 修改
    workflow.pass_materials(org["xihu_review"], [m.id])
    db.session.commit()
    assert c.get(url).status_code == 404
    assert f'{URL}edit/?id={m.id}' not in c.get(f"/admin/declare/?number={m.number}").get_data(as_text=True)
    r = c.post(url, data={**_form(current_title="正高级工程师"), "csrf_token": csrf(c, "/admin/declare/")})
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(Material, m.id).current_title == "工程师"


def test_a_correction_refused_by_the_workflow_is_flashed_on_the_list(org, auth, csrf, monkeypatch):
    """保存 of 修改 that the workflow refuses: its message on 高中级申报信息管理 at the material's
    编号; a saved one: "材料…已保存" and the form again."""
    from zhicheng.declare import entry
    c = auth.client("xihureview")
    _enter(c, csrf, org.unit_a, org.projects["middle"])
    m = db.session.query(Material).filter_by(name="冯录入").one()
    url = f"{URL}edit/?id={m.id}"
    r = c.post(url, data={**_form(current_title="工程师"), "csrf_token": csrf(c, url)})
    assert r.status_code == 302 and r.headers["Location"].endswith(url)
    assert f"材料{m.number}已保存" in c.get(r.headers["Location"]).get_data(as_text=True)

    def refuse(*args, **kwargs):
        raise workflow.WorkflowError(f"材料{m.number}不是本部门录入、仍在本部门待审核的材料，不能修改")
    monkeypatch.setattr(entry, "update_entry", refuse)
    r = c.post(url, data={**_form(current_title="高级工程师"), "csrf_token": csrf(c, url)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/declare/?number={m.number}")
    assert "不能修改" in c.get(r.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Material, m.id).current_title == "工程师"


def test_a_correction_racing_a_review_step_is_refused(org, auth, csrf):
    """The form was opened while the material was still as entered; a colleague 退回 it before 保存:
    the 保存 is refused with a clear message and changes nothing."""
    from zhicheng.declare import entry
    from zhicheng.materials.services import MaterialInput
    c = auth.client("xihureview")
    _enter(c, csrf, org.unit_a, org.projects["middle"])
    m = db.session.query(Material).filter_by(name="冯录入").one()
    held = entry.editable_entry(org["xihu_review"], m.id)
    assert held is not None
    workflow.return_materials(org["xihu_return"], [m.id], "请补充学历证明")
    db.session.commit()
    with pytest.raises(workflow.WorkflowError, match="不是本部门录入"):
        entry.update_entry(org["xihu_review"], held, MaterialInput(basic={"current_title": "工程师"}))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Material, m.id).current_title == "助理工程师"
