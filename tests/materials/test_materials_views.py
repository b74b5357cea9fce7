"""Unit side of the declaration workflow: 填写材料, 管理材料, 上报材料, 被退回的材料,
上报材料跟踪, 修改归口部门, attachments, home-page links, sub-account permissions."""
from __future__ import annotations

import io
import os
import re
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Attachment, Education, Material, ReviewRecord, WorkHistory
from zhicheng.models import MaterialState as S
from zhicheng.review import workflow

from .. import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
BIRTH = date(1988, 3, 9)


def form_data(**over) -> dict:
    data = {
        "name": "李四", "gender": "女", "birth_date": BIRTH.isoformat(),
        "id_card": factories.make_id_card(BIRTH, 222), "phone": "139 1234 5678",
        "work_start_date": "2010-07-01", "current_major": "建筑工程", "series": "工程", "major": "建筑工程",
        "qualification": "助理工程师", "education": "本科", "current_title": "技术员",
        "educations-0-start_date": "2006-09-01", "educations-0-end_date": "2010-06-30",
        "educations-0-school": "浙江大学", "educations-0-major": "土木工程", "educations-0-education": "本科",
        "educations-0-degree": "学士",
        "work_histories-0-start_date": "2010-07-01", "work_histories-0-employer": "甲单位科技有限公司",
        "work_histories-0-post": "技术员", "work_histories-0-duty": "施工管理",
        "achievements": "参与某大桥施工管理。",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def fill_url(project) -> str:
    return f"/admin/materials/fill/?project={project.id}"


def post_form(client, url, data, csrf, files=None):
    payload = dict(data, csrf_token=csrf(client, url))
    payload.update(files or {})
    return client.post(url, data=payload, content_type="multipart/form-data")


def post_action(client, list_url, action, ids, csrf):
    return client.post(list_url.split("?")[0] + "action/",
                       data={"action": action, "rowid": [str(i) for i in ids],
                             "csrf_token": csrf(client, list_url)})


def assert_confirmation_refuses_bad_ids(client, csrf, list_url, action, confirm_url, message, mine, other, form):
    """A list action with a confirmation page (上报, 退回): with no ticked row, or only rows outside
    the user's reach, the list asks again (`message`); the confirmation page without ids, with a
    non-number or with one id outside the reach answers 404 to GET and POST (`form`)."""
    for ids in ([], [other.id]):
        r = post_action(client, list_url, action, ids, csrf)
        assert r.status_code == 302 and confirm_url not in r.headers["Location"], ids
        assert message in client.get(r.headers["Location"]).get_data(as_text=True)
    token = csrf(client, list_url)
    for query in ("", "?id=", "?id=abc", f"?id={mine.id}&id=x1", f"?id={mine.id}&id={other.id}"):
        url = confirm_url + query
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={**form, "csrf_token": token}).status_code == 404, url


def uploads(app) -> list[str]:
    path = app.config["UPLOAD_DIR"]
    return os.listdir(path) if os.path.isdir(path) else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(m) -> Material | None:
    db.session.expire_all()
    return db.session.get(Material, m.id)


def submitted(org, project="xihu_junior", creator="unit_a", **kw) -> Material:
    m = factories.material(org.projects[project], org[creator], **kw)
    workflow.submit_materials(org[creator], [m.id], "王经办", "13812345678")
    return fresh(m)


# --- 填写材料 (the project list) ----------------------------------------------------------

def test_project_list_shows_projects_with_tooltips_requirements_and_buttons(org, auth):
    page = auth.client("unita").get("/admin/projects/").get_data(as_text=True)
    for name in ("中级初定项目", "西湖区初级初定项目", "已截止的中级项目"):
        assert name in page
    assert "教育局初级认定项目" not in page, "unit_a's 归口部门 is not under the education bureau"
    assert 'title="建筑工程"' in page and 'title="西湖区单位"' in page
    assert f'/admin/project_info/requirements?id={org.projects["middle"].id}' in page
    assert fill_url(org.projects["xihu_junior"]) in page
    assert fill_url(org.projects["closed"]) not in page, "no 填写材料 outside the window"
    for label in ("管理材料", "上报材料", "进入修改", "进入查看"):
        assert label in page


def test_project_list_search_by_keyword_issuer_and_year(org, auth):
    c = auth.client("unita")
    page = c.get("/admin/projects/?search=西湖").get_data(as_text=True)
    assert "西湖区初级初定项目" in page and "中级初定项目</td>" not in page
    page = c.get(f"/admin/projects/?flt0_0={org.xihu.id}").get_data(as_text=True)
    assert "西湖区初级初定项目" in page and "已截止的中级项目" not in page
    year = date.today().year
    assert "中级初定项目" in c.get(f"/admin/projects/?flt0_1={year}").get_data(as_text=True)
    assert "中级初定项目" not in c.get(f"/admin/projects/?flt0_1={year - 5}").get_data(as_text=True)


def test_requirements_page_is_scoped(org, auth):
    c = auth.client("unita")
    r = c.get(f"/admin/project_info/requirements?id={org.projects['xihu_junior'].id}")
    assert r.status_code == 200 and "西湖区初级相关要求" in r.get_data(as_text=True)
    assert c.get(f"/admin/project_info/requirements?id={org.projects['edu_rd'].id}").status_code == 404
    assert c.get("/admin/project_info/requirements?id=abc").status_code == 404


# --- 填写材料 / 管理材料 -------------------------------------------------------------------

def test_fill_saves_every_tab_with_one_save(app, org, auth, csrf):
    c = auth.client("unita")
    project = org.projects["xihu_junior"]
    page = c.get(fill_url(project)).get_data(as_text=True)
    for label in ("基本信息", "学历学位", "工作经历", "专业技术工作业绩", "附件"):
        assert label in page
    assert re.search(r'<label for="id_card">身份证号<span class="required-star"[^>]*>\*</span></label>', page)
    r = post_form(c, fill_url(project), form_data(**{
        "educations-3-start_date": "2010-09-01", "educations-3-school": "浙江工业大学",
        "educations-3-education": "研究生"}), csrf,
        files={"review_form": (io.BytesIO(PDF), "李四评审表.pdf"),
               "scans": [(io.BytesIO(PNG), "学历证书.png"), (io.BytesIO(PDF), "职称证书.pdf")]})
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    assert m.number == f"{project.year}-{project.id:03d}-{m.id:07d}"
    assert (m.name, m.phone, m.state, m.unit_id, m.creator_id) == (
        "李四", "13912345678", S.DRAFT, org.unit_a.id, org["unit_a"].id)
    assert [e.school for e in m.educations] == ["浙江大学", "浙江工业大学"]
    assert [w.employer for w in m.work_histories] == ["甲单位科技有限公司"]
    assert m.achievements == "参与某大桥施工管理。"
    assert sorted((a.kind, a.original_name) for a in m.attachments) == [
        ("review_form", "李四评审表.pdf"), ("scan", "学历证书.png"), ("scan", "职称证书.pdf")]
    assert len(uploads(app)) == 3
    assert m.number in c.get(f"/admin/materials/?project={project.id}").get_data(as_text=True)


@pytest.mark.parametrize("over,field_message", [
    ({"id_card": "330106198803091234"}, "身份证号校验位不正确"),
    ({"birth_date": "1988-03-10"}, "出生日期与身份证号不一致"),
    ({"phone": "12345"}, "手机号码格式不正确"),
    ({"name": "  "}, "请填写姓名"),
    ({"work_start_date": "2010-13-01"}, "日期格式不正确"),
    ({"educations-0-end_date": "2005-01-01"}, "结束时间不能早于开始时间"),
    ({"work_histories-0-employer": ""}, "请填写工作单位"),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(app, org, auth, csrf, over, field_message):
    c = auth.client("unita")
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(**over), csrf,
                  files={"review_form": (io.BytesIO(PDF), "评审表.pdf")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert re.search(r'invalid-feedback d-block">[^<]*' + field_message, page)
    assert "所有标签的内容均未保存" in page
    assert (count(Material), count(Education), count(WorkHistory), count(Attachment)) == (0, 0, 0, 0)
    assert uploads(app) == []


def test_bad_upload_stores_nothing(app, org, auth, csrf):
    c = auth.client("unita")
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(), csrf,
                  files={"scans": [(io.BytesIO(PDF), "好的.pdf"), (io.BytesIO(b"MZ\x90\x00not a scan"), "病毒.exe")],
                         "review_form": (io.BytesIO(PNG), "评审表.png")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "文件格式不正确" in page
    assert count(Material) == 0 and count(Attachment) == 0 and uploads(app) == []
    big = PDF + b"0" * (4 * 1024 * 1024)
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(), csrf,
                  files={"review_form": (io.BytesIO(big), "太大的评审表.pdf")})
    assert "文件大小不能超过4M" in r.get_data(as_text=True)
    assert count(Material) == 0 and uploads(app) == []


def test_fill_refused_outside_window_or_scope_or_permission(org, auth, csrf):
    c = auth.client("unita")
    r = c.get(fill_url(org.projects["closed"]), follow_redirects=True)
    assert "当前不在申报时间内，不能填写材料" in r.get_data(as_text=True)
    r = c.post(fill_url(org.projects["closed"]), data=dict(form_data(), csrf_token=csrf(c, "/admin/projects/")))
    assert r.status_code == 302 and count(Material) == 0
    assert c.get(fill_url(org.projects["edu_rd"])).status_code == 404
    sub = auth.client(org["sub_a_perm_submit"].username)
    assert sub.get(fill_url(org.projects["xihu_junior"])).status_code == 403
    assert sub.get("/admin/projects/").status_code == 403
    assert sub.get("/admin/materials/").status_code == 403


def test_edit_changes_every_tab_rows_and_attachments(app, org, auth, csrf):
    c = auth.client("unita")
    post_form(c, fill_url(org.projects["xihu_junior"]), form_data(), csrf,
              files={"review_form": (io.BytesIO(PDF), "旧评审表.pdf"), "scans": [(io.BytesIO(PNG), "证书.png")]})
    m = db.session.scalars(select(Material)).one()
    old_form = next(a for a in m.attachments if a.kind == "review_form").stored_name
    scan = next(a for a in m.attachments if a.kind == "scan")
    url = f"/admin/materials/modify/?id={m.id}"
    page = c.get(url).get_data(as_text=True)
    assert 'value="李四"' in page and "浙江大学" in page and "旧评审表.pdf" in page
    data = form_data(name="李四改", **{"educations-0-school": None, "educations-0-start_date": None,
                                      "educations-0-end_date": None, "educations-0-major": None,
                                      "educations-0-education": None, "educations-0-degree": None,
                                      "work_histories-1-start_date": "2015-01-01",
                                      "work_histories-1-employer": "乙公司"})
    data["remove_attachment"] = str(scan.id)
    r = post_form(c, url, data, csrf, files={"review_form": (io.BytesIO(PDF), "新评审表.pdf")})
    assert r.status_code == 302
    m = fresh(m)
    assert m.name == "李四改" and m.educations == []
    assert [w.employer for w in m.work_histories] == ["甲单位科技有限公司", "乙公司"]
    assert [a.original_name for a in m.attachments] == ["新评审表.pdf"]
    assert sorted(uploads(app)) == [m.attachments[0].stored_name]
    assert old_form not in uploads(app)


def test_submitted_material_cannot_be_edited_or_deleted_even_by_crafted_requests(org, auth, csrf):
    m = submitted(org)
    c = auth.client("unita")
    url = f"/admin/materials/modify/?id={m.id}"
    r = c.get(url, follow_redirects=True)
    assert "已上报的材料不可修改" in r.get_data(as_text=True)
    token = csrf(c, "/admin/materials/")
    r = c.post(url, data=dict(form_data(name="篡改"), csrf_token=token))
    assert r.status_code == 302 and fresh(m).name == "张三"
    r = post_action(c, "/admin/materials/", "delete_materials", [m.id], csrf)
    assert r.status_code == 302 and fresh(m) is not None
    assert "不可删除" in c.get("/admin/materials/").get_data(as_text=True)


def test_delete_drafts_from_the_list(org, auth, csrf):
    keep = factories.material(org.projects["xihu_junior"], org["unit_a"], name="保留", seq=1)
    gone = factories.material(org.projects["xihu_junior"], org["unit_a"], name="删除我", seq=2).id
    c = auth.client("unita")
    r = post_action(c, "/admin/materials/", "delete_materials", [gone], csrf)
    assert r.status_code == 302
    assert db.session.get(Material, gone) is None and fresh(keep) is not None
    assert "已删除1份材料" in c.get("/admin/materials/").get_data(as_text=True)


def test_other_units_ids_are_not_found_and_nothing_changes(org, auth, csrf):
    mine = factories.material(org.projects["middle"], org["unit_b"], name="乙的材料")
    c = auth.client("unita")
    for url in (f"/admin/materials/modify/?id={mine.id}", f"/admin/materials/details/?id={mine.id}",
                f"/admin/submit/confirm/?id={mine.id}"):
        assert c.get(url).status_code == 404, url
    token = csrf(c, "/admin/materials/")
    assert c.post(f"/admin/materials/modify/?id={mine.id}",
                  data=dict(form_data(name="篡改"), csrf_token=token)).status_code == 404
    assert post_action(c, "/admin/materials/", "delete_materials", [mine.id], csrf).status_code == 404
    r = c.post(f"/admin/submit/confirm/?id={mine.id}",
               data={"operator_name": "甲", "operator_phone": "13812345678", "csrf_token": token})
    assert r.status_code == 404
    m = fresh(mine)
    assert (m.name, m.state) == ("乙的材料", S.DRAFT)


# --- attachments ---------------------------------------------------------------------------

def test_attachment_download_keeps_chinese_name_and_is_scoped(app, org, auth, csrf):
    c = auth.client("unita")
    post_form(c, fill_url(org.projects["xihu_junior"]), form_data(), csrf,
              files={"review_form": (io.BytesIO(PDF), "李四评审表.pdf")})
    att = db.session.scalars(select(Attachment)).one()
    url = f"/admin/materials/attachment/{att.id}"
    assert url in c.get(f"/admin/materials/modify/?id={att.material_id}").get_data(as_text=True)
    r = c.get(url)
    assert r.status_code == 200 and r.data == PDF and r.mimetype == "application/pdf"
    assert quote("李四评审表.pdf") in r.headers["Content-Disposition"]
    assert auth.client("unitb").get(url).status_code == 404
    assert auth.client(org["sub_a_full"].username).get(url).status_code == 404, "created by the unit account"
    review_url = f"/admin/review/attachment/{att.id}"
    assert auth.client("xihureview").get(review_url).status_code == 404, "not submitted yet"
    workflow.submit_materials(org["unit_a"], [att.material_id], "王经办", "13812345678")
    reviewer = auth.client("xihureview")
    assert review_url in reviewer.get(f"/admin/review/details/?id={att.material_id}").get_data(as_text=True)
    r = reviewer.get(review_url)
    assert r.status_code == 200 and r.data == PDF
    assert auth.client("edureview").get(review_url).status_code == 404
    assert auth.client("edureview").get(f"/admin/dept_materials/attachment/{att.id}").status_code == 404
    assert c.get(f"/admin/tracking/attachment/{att.id}").status_code == 200
    assert c.get("/admin/materials/attachment/999999").status_code == 404


# --- 上报材料 ------------------------------------------------------------------------------

def test_submit_asks_operator_then_sends_materials(org, auth, csrf):
    a = factories.material(org.projects["xihu_junior"], org["unit_a"], name="甲", seq=1)
    b = factories.material(org.projects["middle"], org["unit_a"], name="乙", seq=2)
    c = auth.client("unita")
    page = c.get("/admin/submit/").get_data(as_text=True)
    assert a.number in page and b.number in page and ">上报<" in page
    r = post_action(c, "/admin/submit/", "submit", [a.id, b.id], csrf)
    assert r.status_code == 302 and "/admin/submit/confirm/" in r.headers["Location"]
    confirm = r.headers["Location"]
    page = c.get(confirm).get_data(as_text=True)
    assert '<label for="operator_name">操作人姓名' in page and '<label for="operator_phone">联系电话' in page
    token = csrf(c, confirm)
    r = c.post(confirm, data={"operator_name": "王经办", "operator_phone": "", "csrf_token": token})
    assert "请填写联系电话" in r.get_data(as_text=True) and fresh(a).state == S.DRAFT
    r = c.post(confirm, data={"operator_name": "王经办", "operator_phone": "13812345678", "csrf_token": token},
               follow_redirects=True)
    assert "已上报2份材料" in r.get_data(as_text=True)
    assert fresh(a).state == fresh(b).state == S.IN_REVIEW
    assert fresh(a).submitter_name == "王经办"
    assert a.number not in c.get("/admin/submit/").get_data(as_text=True)


def test_submit_refusal_is_flashed(org, auth, csrf):
    m = factories.material(org.projects["closed"], org["unit_a"])
    c = auth.client("unita")
    confirm = f"/admin/submit/confirm/?id={m.id}"
    r = c.post(confirm, data={"operator_name": "王经办", "operator_phone": "13812345678",
                              "csrf_token": csrf(c, confirm)})
    assert "当前不在申报时间内，不能上报" in r.get_data(as_text=True)
    assert fresh(m).state == S.DRAFT


def test_submit_with_nothing_or_bad_ids_asks_again_or_is_not_found(org, auth, csrf):
    """上报 with no ticked material (or only another unit's): "请先勾选要上报的材料" on the list;
    its confirmation page without ids, with a non-number or with one id outside the unit: 404,
    nothing submitted."""
    mine = factories.material(org.projects["xihu_junior"], org["unit_a"], name="甲", seq=1)
    other = factories.material(org.projects["middle"], org["unit_b"], name="乙的材料", seq=2)
    assert_confirmation_refuses_bad_ids(auth.client("unita"), csrf, "/admin/submit/", "submit", "/admin/submit/confirm/",
                                        "请先勾选要上报的材料", mine, other,
                                        {"operator_name": "王经办", "operator_phone": "13812345678"})
    assert fresh(mine).state == fresh(other).state == S.DRAFT


def test_modify_refused_by_the_workflow_is_flashed_on_the_details(org, auth, csrf, monkeypatch):
    """保存 of 修改 that the workflow refuses (the material changed meanwhile): its message on the
    material's details page; a saved one: "材料…已保存" and the form again."""
    from zhicheng.materials import admin_unit
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="张三", seq=1)
    c = auth.client("unita")
    url = f"/admin/materials/modify/?id={m.id}"
    data = form_data(name="张三改", id_card=m.id_card, birth_date=m.birth_date.isoformat())
    r = post_form(c, url, data, csrf)
    assert r.status_code == 302 and r.headers["Location"].endswith(url)
    assert f"材料{m.number}已保存" in c.get(r.headers["Location"]).get_data(as_text=True)

    def refuse(*args, **kwargs):
        raise workflow.WorkflowError(f"材料{m.number}：{workflow.ALREADY_HANDLED}")
    monkeypatch.setattr(admin_unit, "update_material", refuse)
    r = post_form(c, url, dict(data, name="张三再改"), csrf)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/materials/details/?id={m.id}")
    assert workflow.ALREADY_HANDLED in c.get(r.headers["Location"]).get_data(as_text=True)
    assert fresh(m).name == "张三改"


def test_submit_needs_perm_submit(org, auth, csrf):
    m = factories.material(org.projects["xihu_junior"], org["sub_a_perm_fill"])
    c = auth.client(org["sub_a_perm_fill"].username)
    assert c.get("/admin/submit/").status_code == 403
    assert c.get(f"/admin/submit/confirm/?id={m.id}").status_code == 403
    token = csrf(c, "/admin/materials/")
    r = c.post(f"/admin/submit/confirm/?id={m.id}",
               data={"operator_name": "甲", "operator_phone": "13812345678", "csrf_token": token})
    assert r.status_code == 403 and fresh(m).state == S.DRAFT
    r = c.post("/admin/submit/action/", data={"action": "submit", "rowid": [str(m.id)], "csrf_token": token})
    assert r.status_code == 403


# --- 被退回的材料 / 上报材料跟踪 ------------------------------------------------------------

def test_returned_material_is_edited_with_its_review_record_then_resubmitted(org, auth, csrf):
    m = submitted(org)
    workflow.return_materials(org["xihu_return"], [m.id], "学历证书扫描件不清晰")
    c = auth.client("unita")
    page = c.get("/admin/returned/").get_data(as_text=True)
    assert m.number in page and "学历证书扫描件不清晰" in page
    url = f"/admin/materials/modify/?id={m.id}"
    page = c.get(url).get_data(as_text=True)
    assert "审核记录" in page and "西湖区人才职改办" in page and "学历证书扫描件不清晰" in page
    r = post_form(c, url, form_data(name="张三", id_card=fresh(m).id_card, birth_date="1990-05-17"), csrf)
    assert r.status_code == 302
    assert fresh(m).state == S.RETURNED, "saving does not submit"
    assert m.number in c.get("/admin/submit/").get_data(as_text=True)
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    assert m.number not in c.get("/admin/returned/").get_data(as_text=True)


def test_tracking_shows_department_state_and_records(org, auth):
    draft = factories.material(org.projects["middle"], org["unit_a"], name="草稿人", seq=9)
    m = submitted(org, "middle")
    workflow.pass_materials(org["xihu_review"], [m.id])
    c = auth.client("unita")
    page = c.get("/admin/tracking/").get_data(as_text=True)
    assert m.number in page and draft.number not in page
    assert "杭州市人力资源和社会保障局" in page and "审核中" in page
    details = c.get(f"/admin/tracking/details/?id={m.id}").get_data(as_text=True)
    assert "审核通过并上报" in details and "西湖区人才职改办" in details
    assert "修改材料" not in details
    assert c.get(f"/admin/tracking/details/?id={draft.id}").status_code == 404


def test_sub_account_sees_only_its_own_materials_and_permitted_menus(org, auth):
    own = factories.material(org.projects["xihu_junior"], org["sub_a_full"], name="子账号材料", seq=1)
    unit = factories.material(org.projects["xihu_junior"], org["unit_a"], name="单位材料", seq=2)
    page = auth.client(org["sub_a_full"].username).get("/admin/materials/").get_data(as_text=True)
    assert own.number in page and unit.number not in page
    assert own.number in auth.client("unita").get("/admin/materials/").get_data(as_text=True)

    fill_only = auth.client(org["sub_a_perm_fill"].username)
    home = fill_only.get("/admin/").get_data(as_text=True)
    assert "填写材料" in home and "管理材料" in home
    assert 'href="/admin/submit/"' not in home and 'href="/admin/tracking/"' not in home
    assert fill_only.get("/admin/tracking/").status_code == 403
    assert fill_only.get("/admin/change_department/").status_code == 403

    view_only = auth.client(org["sub_a_perm_view"].username)
    assert view_only.get("/admin/tracking/").status_code == 200
    assert 'href="/admin/projects/"' not in view_only.get("/admin/").get_data(as_text=True)
    for url in ("/admin/projects/", "/admin/materials/", "/admin/submit/", "/admin/returned/"):
        assert view_only.get(url).status_code == 403, url
    assert auth.client(org["sub_a_none"].username).get("/admin/tracking/").status_code == 403


def test_staff_cannot_open_unit_pages(org, auth):
    c = auth.client("xihuadmin")
    for url in ("/admin/projects/", "/admin/materials/", "/admin/submit/", "/admin/tracking/",
                "/admin/change_department/", fill_url(org.projects["xihu_junior"])):
        assert c.get(url).status_code == 403, url


# --- 修改归口部门 ---------------------------------------------------------------------------

def test_change_department_page_confirms_and_reports_count(org, auth, csrf):
    m = submitted(org, "middle")
    approved = submitted(org, "xihu_junior", name="已通过", seq=2)
    workflow.pass_materials(org["xihu_review"], [approved.id])
    c = auth.client("unita")
    page = c.get("/admin/change_department/").get_data(as_text=True)
    assert re.search(r'id="affected-count">1<', page)
    assert "杭州市人才服务局" in page
    options = re.findall(r'<option value="(\d+)"', page)
    assert str(org.xihu.id) not in options and str(org.root.id) not in options
    token = csrf(c, "/admin/change_department/")
    r = c.post("/admin/change_department/", data={"department": org.talent.id, "csrf_token": token})
    assert "请勾选确认后再保存" in r.get_data(as_text=True) and fresh(m).state == S.IN_REVIEW
    r = c.post("/admin/change_department/", data={"department": org.talent.id, "confirm": "y",
                                                   "csrf_token": token}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "归口部门已修改为“杭州市人才服务局”，1份材料已退回到“待上报”状态" in page
    assert fresh(m).state == S.DRAFT and fresh(approved).state == S.APPROVED
    assert db.session.scalar(select(ReviewRecord.reason).where(
        ReviewRecord.material_id == m.id, ReviewRecord.action == "change_department")).startswith("单位修改归口部门")
    assert auth.client(org["sub_a_full"].username).get("/admin/change_department/").status_code == 403


# --- home page -----------------------------------------------------------------------------

def test_home_counts_link_to_the_matching_lists(org, auth):
    p = org.projects["xihu_junior"]
    factories.material(p, org["unit_a"], name="草稿甲", seq=1)
    sent = submitted(org, name="已上报乙", seq=2)
    other = factories.material(org.projects["middle"], org["unit_a"], name="别的项目", seq=3)
    c = auth.client("unita")
    home = c.get("/admin/").get_data(as_text=True)
    draft_link = re.search(rf'<tr data-project="{p.id}">.*?data-state="draft"><a href="([^"]+)">1</a>', home, re.S)
    review_link = re.search(rf'<tr data-project="{p.id}">.*?data-state="in_review"><a href="([^"]+)">1</a>', home, re.S)
    assert draft_link and review_link
    page = c.get(draft_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "草稿甲" in page and "已上报乙" not in page and other.number not in page
    page = c.get(review_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert sent.number in page and "草稿甲" not in page

    home = auth.client(org["sub_a_perm_fill"].username).get("/admin/").get_data(as_text=True)
    assert "/admin/tracking/" not in home and "/admin/materials/" in home


def _filter_options(page: str) -> str:
    import json
    import re
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1))
    return " ".join(label for group in groups.values() for flt in group for _, label in (flt["options"] or []))


def test_the_project_filter_offers_the_projects_in_scope_and_a_new_one_at_once(org, auth):
    from datetime import date

    from zhicheng.extensions import db
    from zhicheng.models import Project

    c = auth.client("unita")
    options = _filter_options(c.get("/admin/materials/").get_data(as_text=True))
    assert "中级初定项目" in options and "西湖区初级初定项目" in options
    assert "教育局初级认定项目" not in options  # issued by another branch of the tree
    db.session.add(Project(name="西湖区新发布的项目", kind="cd_junior", year=date.today().year,
                           start_date=date.today(), end_date=date.today(), issuer=org.xihu, requirements=""))
    db.session.commit()
    assert "西湖区新发布的项目" in _filter_options(c.get("/admin/materials/").get_data(as_text=True))
    # another unit's account under another department gets its own options, not these
    other = _filter_options(auth.client("unitb").get("/admin/materials/").get_data(as_text=True))
    assert "教育局初级认定项目" in other and "西湖区新发布的项目" not in other
