"""个人端 beyond the 档案: 所属单位, 个人申报 from the 档案, the unit's review with 职能部门 sign-offs,
上报 into the chain, 申报进度 with messages, 删除账号."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from zhicheng import transaction
from zhicheng.extensions import db
from zhicheng.models import Attachment, AuditLog, CommitmentRecord, Material, ReviewRecord, User
from zhicheng.models import MaterialState as S
from zhicheng.persons import applications, membership
from zhicheng.persons.models import Membership, Person, PersonAchievement, PersonWork
from zhicheng.review import workflow

from .. import factories
from .conftest import outbox

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def fresh(m):
    db.session.expire_all()
    return db.session.get(Material, m.id)


def sms_texts(app, phone: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in outbox(app) if p.read_text(encoding="utf-8").startswith(f"To: {phone}\n")]


def uploads(app) -> set[str]:
    from pathlib import Path
    folder = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# --- 所属单位 ----------------------------------------------------------------------------------

def test_a_person_finds_his_unit_by_name_or_code_and_the_unit_confirms_him(org, auth, csrf):
    pa = auth.client("gerena")
    page = pa.get("/admin/person_unit/?q=甲单位").get_data(as_text=True)
    assert "甲单位科技有限公司" in page and "乙单位中学" not in page
    page = pa.get(f"/admin/person_unit/?q={org.unit_b.uscc}").get_data(as_text=True)
    assert "乙单位中学" in page and "甲单位科技有限公司" not in page
    r = pa.post("/admin/person_unit/join", data={"unit_id": org.unit_a.id, "csrf_token": csrf(pa, "/admin/person_unit/")})
    assert r.status_code == 302
    assert "已申请加入“甲单位科技有限公司”，等待单位确认" in pa.get("/admin/person_unit/").get_data(as_text=True)
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))

    # Unit B never sees the request; unit A sees it with the 证件号码, and confirms.
    ub = auth.client("unitb")
    assert person.id_number not in ub.get("/admin/unit_people/").get_data(as_text=True)
    row = db.session.scalar(select(Membership).where(Membership.user_id == org["person_a"].id))
    ub.post("/admin/unit_people/decide", data={"id": row.id, "answer": "confirm",
                                                "csrf_token": csrf(ub, "/admin/unit_people/")})
    assert db.session.get(Membership, row.id).state == "pending"
    ua = auth.client("unita")
    assert person.id_number in ua.get("/admin/unit_people/").get_data(as_text=True)
    ua.post("/admin/unit_people/decide", data={"id": row.id, "answer": "confirm",
                                                "csrf_token": csrf(ua, "/admin/unit_people/")})
    confirmed = ua.get("/admin/unit_people/").get_data(as_text=True)
    assert confirmed.index("已确认的工作人员") < confirmed.index(person.id_number)
    assert "当前所属单位：<strong>甲单位科技有限公司</strong>" in pa.get("/admin/person_unit/").get_data(as_text=True)


def test_a_declined_request_keeps_its_reason_and_the_history_lists_every_unit(org, auth, csrf):
    row = membership.request_join(org["person_a"], org.unit_b.id)
    transaction.commit()
    with pytest.raises(membership.MembershipError, match="请填写不同意的原因"):
        membership.decline(org["unit_b"], row.id, " ")
    membership.decline(org["unit_b"], row.id, "本校无此教师")
    factories.join(org["person_a"], org["unit_a"])
    second = membership.request_join(org["person_a"], org.unit_b.id)
    membership.confirm(org["unit_b"], second.id)
    transaction.commit()
    page = auth.client("gerena").get("/admin/person_unit/").get_data(as_text=True)
    history = page[page.index("单位历史"):]
    assert "本校无此教师" in history and "单位未同意" in history and "已离开" in history
    assert history.count("乙单位中学") == 2 and history.count("甲单位科技有限公司") == 1
    assert membership.confirmed_unit(org["person_a"]).id == org.unit_b.id


def test_without_a_confirmed_unit_there_is_no_application(org):
    membership.request_join(org["person_a"], org.unit_a.id)
    transaction.commit()
    with pytest.raises(applications.ApplicationError, match="经单位确认后才能申报"):
        applications.start(org["person_a"], org.projects["middle"].id)
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0


# --- 个人申报 ----------------------------------------------------------------------------------

def test_the_application_is_a_copy_of_the_archive_that_later_edits_leave_alone(org):
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    assert (m.state, m.unit_id, m.name) == (S.PERSON_DRAFT, org.unit_a.id, "钱个人")
    assert [e.school for e in m.educations] == ["浙江大学"]
    assert [w.employer for w in m.work_histories] == ["杭州某某科技有限公司"]
    assert "一种分布式存储方法" in m.achievements and "2023年度：优秀" in m.achievements
    assert ("【工作业绩】2019-03—2021-06 智慧园区管理平台建设，本人角色：项目负责人，主持平台架构设计与核心模块开发，"
            "成效：获区科技进步二等奖") in m.achievements.splitlines()
    # Not a teacher (系列 empty): his 公开课 and 教育教学 rows stay out.
    assert "公开课" not in m.achievements and "教育教学" not in m.achievements
    work = db.session.scalar(select(PersonWork).where(PersonWork.user_id == org["person_a"].id))
    work.employer = "改了名字的单位"
    item = db.session.scalar(select(PersonAchievement).where(PersonAchievement.user_id == org["person_a"].id))
    item.title = "改了名字的业绩"
    db.session.commit()
    assert [w.employer for w in fresh(m).work_histories] == ["杭州某某科技有限公司"]
    assert "智慧园区管理平台建设" in fresh(m).achievements and "改了名字的业绩" not in fresh(m).achievements


def test_a_teachers_application_carries_his_open_lessons_and_teaching(org, auth):
    factories.archive(org["person_b"])  # 系列 中小学教师
    factories.join(org["person_b"], org["unit_b"])
    m = factories.person_material(org["person_b"], org.projects["edu_rd"])
    lines = m.achievements.splitlines()
    assert "【公开课】2022-04-12 数学《一次函数的图像》，县（区）级，初二（3）班，主办：西湖区教研室" in lines
    assert "【教育教学】2021-09—2022-07 班主任工作：初二（3）班班主任，任教数学两个班，周课时12，考核评价：学生满意度98" in lines
    assert [x[:6] for x in lines] == ["【工作业绩】", "【论文】一种", "【公开课】2", "【教育教学】", "【培训】20", "【年度考核】"]
    # The printed 申报表 carries them in its 专业技术工作业绩.
    pdf = auth.client("gerenb").get(f"/admin/print-file/material/{m.id}.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", "")
    for words in ("智慧园区管理平台建设", "一次函数的图像", "班主任工作"):
        assert words in text, words


def test_an_archive_beyond_the_text_limit_is_cut_with_a_note(org):
    from zhicheng.materials.services import ACHIEVEMENTS_MAX
    owner = org["person_a"]
    db.session.add_all([PersonAchievement(user_id=owner.id, start_date=date(2010, 1, 1), title=f"业绩{i}",
                                          content="内容" * 240) for i in range(50)])
    db.session.commit()
    factories.join(owner, org["unit_a"])
    m = factories.person_material(owner, org.projects["middle"])
    assert len(m.achievements) <= ACHIEVEMENTS_MAX
    kept = m.achievements.splitlines()
    assert kept[-1] == f"（另有{50 - (len(kept) - 1)}项超出专业技术工作业绩的字数上限，未带入，请以附件上传）"
    assert kept[0].startswith("【工作业绩】2010-01—至今 业绩0，")


def test_a_review_project_is_chosen_by_board_and_group_and_asks_for_the_commitment(org, auth, csrf):
    from zhicheng.boards import boards
    from zhicheng.models import ReviewBoard
    project = factories.review_project(org)
    group = boards.add_subject_group(org["root"], db.session.get(ReviewBoard, project.board_id), "计算机组",
                                     ["计算机应用", "软件工程"])
    transaction.commit()
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    c = auth.client("gerena")
    page = c.get("/admin/person_apply/new").get_data(as_text=True)
    assert project.board_id and f"board={project.board_id}" in page
    page = c.get(f"/admin/person_apply/new?board={project.board_id}").get_data(as_text=True)
    assert f"group={group.id}" in page and "计算机组" in page
    page = c.get(f"/admin/person_apply/new?board={project.board_id}&group={group.id}").get_data(as_text=True)
    picked = page[page.index('id="board-projects"'):]
    assert project.name in picked and "软件工程" in picked
    token = csrf(c, "/admin/person_apply/new")
    r = c.post("/admin/person_apply/start", data={"project": project.id, "major": "软件工程", "csrf_token": token})
    assert r.status_code == 302 and "/commitment" in r.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0
    r = c.post(r.headers["Location"], data={"answer": "agree", "project": project.id, "major": "软件工程",
                                            "csrf_token": token})
    assert r.status_code == 302 and "/admin/person_apply/edit" in r.headers["Location"]
    record = db.session.scalar(select(CommitmentRecord).where(CommitmentRecord.user_id == org["person_a"].id))
    assert record is not None and record.project_id == project.id
    m = db.session.scalar(select(Material).where(Material.creator_id == org["person_a"].id))
    assert m.major == "软件工程" and m.project_id == project.id


def _file(data: bytes, name: str):
    return (io.BytesIO(data), name)


def test_files_go_in_their_category_with_name_and_description_and_bad_ones_store_nothing(app, org, auth, csrf):
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    c = auth.client("gerena")
    url = f"/admin/person_apply/edit?id={m.id}"
    token = csrf(c, url)
    r = c.post(f"/admin/person_apply/upload?id={m.id}", content_type="multipart/form-data",
               data={"kind": "paper", "title": "论文一", "description": "第一作者", "file": _file(PDF, "论文.pdf"),
                     "csrf_token": token})
    assert r.status_code == 302
    att = db.session.scalar(select(Attachment).where(Attachment.material_id == m.id))
    assert (att.kind, att.kind_label, att.title, att.description) == ("paper", "论文专著", "论文一", "第一作者")
    before = uploads(app)
    for data, fields, message in (
            (b"MZ\x90\x00 not a document", {"kind": "work", "title": "程序"}, "文件格式不正确"),
            (PDF + b"0" * (4 * 1024 * 1024), {"kind": "work", "title": "太大"}, "文件大小不能超过4M"),
            (PDF, {"kind": "work", "title": ""}, "请填写附件名称"),
            (PDF, {"kind": "nonsense", "title": "x"}, "请选择附件类别")):
        r = c.post(f"/admin/person_apply/upload?id={m.id}", content_type="multipart/form-data",
                   data={**fields, "file": _file(data, "x.pdf"), "csrf_token": token}, follow_redirects=True)
        assert r.status_code == 200 and message in r.get_data(as_text=True), message
    assert uploads(app) == before
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    page = c.get(url).get_data(as_text=True)
    assert "论文专著" in page and "第一作者" in page
    # Another person reaches neither the material nor its file.
    other = auth.client("gerenb")
    assert other.get(url).status_code == 404
    assert other.get(f"/admin/person_apply/file/{att.id}").status_code == 404
    assert c.get(f"/admin/person_apply/file/{att.id}").data == PDF


def test_the_printed_form_carries_the_application_and_the_person_submits_only_to_his_unit(org, auth, csrf):
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    c = auth.client("gerena")
    pdf = c.get(f"/admin/print-file/material/{m.id}.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "钱个人" in text and "甲单位科技有限公司" in text
    assert auth.client("gerenb").get(f"/admin/print-file/material/{m.id}.pdf").status_code == 404
    assert auth.client("unita").get(f"/admin/print-file/material/{m.id}.pdf").status_code == 404  # a draft of his
    # He left unit A for unit B: the draft made for A cannot go to A any more.
    second = membership.request_join(org["person_a"], org.unit_b.id)
    membership.confirm(org["unit_b"], second.id)
    transaction.commit()
    r = c.post(f"/admin/person_apply/submit?id={m.id}", data={"csrf_token": csrf(c, f"/admin/person_apply/edit?id={m.id}")},
               follow_redirects=True)
    assert "您已不是“甲单位科技有限公司”的工作人员" in r.get_data(as_text=True)
    assert fresh(m).state == S.PERSON_DRAFT


# --- the unit's review --------------------------------------------------------------------------

@pytest.fixture
def submitted(org):
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    return factories.person_material(org["person_a"], org.projects["middle"], submit=True)


def test_the_unit_sees_the_application_only_once_submitted_and_no_department_sees_it_yet(org, auth):
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    ua = auth.client("unita")
    assert m.number not in ua.get("/admin/unit_applications/?state=all").get_data(as_text=True)
    assert ua.get(f"/admin/unit_applications/view?id={m.id}").status_code == 404
    applications.submit_to_unit(org["person_a"], fresh(m))
    transaction.commit()
    assert m.number in ua.get("/admin/unit_applications/").get_data(as_text=True)
    assert ua.get(f"/admin/unit_applications/view?id={m.id}").status_code == 200
    assert auth.client("unitb").get(f"/admin/unit_applications/view?id={m.id}").status_code == 404
    assert m.number not in auth.client("rootadmin").get("/admin/dept_materials/").get_data(as_text=True)


def test_return_to_the_person_with_a_reason_then_resubmit(app, org, auth, csrf, submitted):
    m = submitted
    ua = auth.client("unita")
    url = f"/admin/unit_applications/view?id={m.id}"
    r = ua.post(f"/admin/unit_applications/return?id={m.id}", data={"reason": "", "csrf_token": csrf(ua, url)},
                follow_redirects=True)
    assert "请填写退回原因" in r.get_data(as_text=True) and fresh(m).state == S.UNIT_REVIEW
    ua.post(f"/admin/unit_applications/return?id={m.id}", data={"reason": "请补充论文检索证明",
                                                               "csrf_token": csrf(ua, url)})
    assert fresh(m).state == S.PERSON_RETURNED
    texts = sms_texts(app, "13900000001")
    assert any("已被单位退回，原因：请补充论文检索证明" in t for t in texts)
    c = auth.client("gerena")
    page = c.get(f"/admin/person_apply/edit?id={m.id}").get_data(as_text=True)
    assert "退回个人" in page and "请补充论文检索证明" in page and "甲单位科技有限公司" in page
    applications.submit_to_unit(org["person_a"], fresh(m))
    transaction.commit()
    assert fresh(m).state == S.UNIT_REVIEW


def test_signoffs_run_in_parallel_and_report_waits_for_all_of_them(app, org, auth, csrf, submitted):
    m = submitted
    ethics = factories.sub(org.unit_a, "dangweiban")
    teaching = factories.sub(org.unit_a, "jiaowuchu")
    db.session.commit()
    applications.add_step(org["unit_a"], "师德", "党委办", ethics.id)
    applications.add_step(org["unit_a"], "教学", "教务处", teaching.id)
    transaction.commit()
    with pytest.raises(applications.ApplicationError, match="请选择本单位的工作账号"):
        applications.add_step(org["unit_a"], "论文", "科研处", org["sub_b_full"].id)

    ua = auth.client("unita")
    url = f"/admin/unit_applications/view?id={m.id}"
    report = {"operator_name": "王经办", "operator_phone": "13812345678"}
    r = ua.post(f"/admin/unit_applications/report?id={m.id}", data={**report, "csrf_token": csrf(ua, url)},
                follow_redirects=True)
    assert "尚未填写单位意见" in r.get_data(as_text=True)
    ua.post(f"/admin/unit_applications/opinion?id={m.id}", content_type="multipart/form-data",
            data={"opinion": "情况属实，同意推荐", "title": "推荐意见", "file": _file(PDF, "推荐.pdf"),
                  "csrf_token": csrf(ua, url)})
    assert fresh(m).unit_opinion == "情况属实，同意推荐"
    assert [a.kind_label for a in fresh(m).attachments] == ["单位意见附件"]
    r = ua.post(f"/admin/unit_applications/report?id={m.id}", data={**report, "csrf_token": csrf(ua, url)},
                follow_redirects=True)
    assert "尚待党委办师德审核、教务处教学审核" in r.get_data(as_text=True) and fresh(m).state == S.UNIT_REVIEW

    # Each reviewer sees it in his own queue, and only his own step.
    ce, ct = auth.client("dangweiban"), auth.client("jiaowuchu")
    assert m.number in ce.get("/admin/signoffs/").get_data(as_text=True)
    assert auth.client("unita001").get("/admin/signoffs/").status_code == 403
    steps = {s.name: s for s, _ in applications.signoffs_of(fresh(m))}
    r = ce.post(f"/admin/signoffs/view?id={m.id}", data={"step": steps["教学"].id, "result": "agree",
                                                          "csrf_token": csrf(ce, f"/admin/signoffs/view?id={m.id}")},
                follow_redirects=True)
    assert "该审核事项不由您负责" in r.get_data(as_text=True)
    ce.post(f"/admin/signoffs/view?id={m.id}", data={"step": steps["师德"].id, "result": "agree", "opinion": "师德良好",
                                                      "csrf_token": csrf(ce, f"/admin/signoffs/view?id={m.id}")})
    r = ua.post(f"/admin/unit_applications/report?id={m.id}", data={**report, "csrf_token": csrf(ua, url)},
                follow_redirects=True)
    assert "尚待教务处教学审核" in r.get_data(as_text=True)
    ct.post(f"/admin/signoffs/view?id={m.id}", data={"step": steps["教学"].id, "result": "agree",
                                                      "csrf_token": csrf(ct, f"/admin/signoffs/view?id={m.id}")})
    signoff_rows = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == m.id,
                                                                 ReviewRecord.action == "signoff")).all()
    assert sorted(r.reason for r in signoff_rows) == ["党委办·师德：同意。师德良好", "教务处·教学：同意"]
    ua.post(f"/admin/unit_applications/report?id={m.id}", data={**report, "csrf_token": csrf(ua, url)})
    done = fresh(m)
    assert (done.state, done.current_department_id) == (S.IN_REVIEW, org.xihu.id)
    assert any("已由单位审核通过并上报至西湖区人才职改办" in t for t in sms_texts(app, "13900000001"))
    # Now the department has it; the PDF prints the unit's opinion.
    assert m.number in auth.client("xihureview").get("/admin/review/").get_data(as_text=True)
    pdf = auth.client("gerena").get(f"/admin/print-file/material/{m.id}.pdf")
    assert "情况属实，同意推荐" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    # 申报进度: every step, with its department and result.
    page = auth.client("gerena").get(f"/admin/person_apply/edit?id={m.id}").get_data(as_text=True)
    progress = page[page.index('id="progress"'):]
    for text in ("提交单位", "职能部门审核", "上报", "西湖区人才职改办", "审核中"):
        assert text in progress, text
    workflow.pass_materials(org["xihu_review"], [m.id])
    transaction.commit()
    assert any("已通过西湖区人才职改办审核，上报至杭州市人力资源和社会保障局" in t for t in sms_texts(app, "13900000001"))


def test_a_disagreeing_signoff_blocks_the_report(org, submitted):
    reviewer = factories.sub(org.unit_a, "kyc")
    db.session.commit()
    step = applications.add_step(org["unit_a"], "论文", "科研处", reviewer.id)
    applications.save_unit_opinion(org["unit_a"], submitted, "同意")
    transaction.commit()
    with pytest.raises(workflow.WorkflowError, match="不同意时请填写审核意见"):
        workflow.sign_off(reviewer, fresh(submitted), step, "disagree", "")
    workflow.sign_off(reviewer, fresh(submitted), step, "disagree", "论文与专业不符")
    transaction.commit()
    with pytest.raises(workflow.WorkflowError, match="科研处论文审核意见为不同意"):
        workflow.submit_materials(org["unit_a"], [submitted.id], "王经办", "13812345678")
    workflow.unit_return(org["unit_a"], [submitted.id], "请更换论文")
    transaction.commit()
    assert applications.signoffs_of(fresh(submitted))[0][1] is None  # the next round asks again


def test_the_seal_hook_prints_the_units_seal_on_its_opinion(org, auth, submitted, monkeypatch):
    from zhicheng.org import seal as seal_module
    applications.save_unit_opinion(org["unit_a"], submitted, "同意推荐")
    transaction.commit()
    c = auth.client("unita")
    plain = c.get(f"/admin/print-file/material/{submitted.id}.pdf").data
    monkeypatch.setattr(seal_module, "seal_for",
                        lambda unit: seal_module.Seal(PNG, 1, 1) if unit.id == org.unit_a.id else None)
    sealed = c.get(f"/admin/print-file/material/{submitted.id}.pdf").data
    assert b"/Subtype /Image" not in plain and b"/Subtype /Image" in sealed


# --- 删除账号 ----------------------------------------------------------------------------------

def test_an_account_with_a_submitted_material_cannot_be_deleted(org, auth, csrf, submitted):
    c = auth.client("gerena")
    assert "不能删除账号" in c.get("/admin/person_account/").get_data(as_text=True)
    c.post("/admin/person_account/", data={"password": factories.PASSWORD,
                                           "csrf_token": csrf(c, "/admin/person_unit/")})
    assert db.session.get(User, org["person_a"].id).enabled


def test_deleting_the_account_erases_the_person_and_keeps_the_audit(app, org, auth, csrf):
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    applications.add_file(org["person_a"], m, "other", "证书", "", _werkzeug_file(PDF, "证书.pdf"))
    transaction.commit()
    stored = db.session.scalar(select(Attachment.stored_name))
    uid = org["person_a"].id
    c = auth.client("gerena")
    token = csrf(c, "/admin/person_account/")
    r = c.post("/admin/person_account/", data={"password": "wrong", "csrf_token": token}, follow_redirects=True)
    assert "密码不正确" in r.get_data(as_text=True)
    r = c.post("/admin/person_account/", data={"password": factories.PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Person).where(Person.user_id == uid)) is None
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
    assert stored not in uploads(app)
    user = db.session.get(User, uid)
    assert not user.enabled and user.real_name == "" and user.phone == "" and user.username.startswith("deleted-")
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.actor_id == uid)))
    assert {"person.apply", "person.delete_account"} <= actions
    # Nobody logs in with the old name, phone or ID number.
    for ident in ("gerena", "13900000001"):
        anon = app.test_client()
        r = anon.post("/login", data={"username": ident, "password": factories.PASSWORD,
                                      "csrf_token": csrf(anon, "/login")})
        assert r.status_code == 200 and "/admin" not in r.headers.get("Location", "")


def _werkzeug_file(data: bytes, name: str):
    from werkzeug.datastructures import FileStorage
    return FileStorage(io.BytesIO(data), filename=name)


def test_the_project_window_is_checked_when_starting(org):
    factories.join(org["person_a"], org["unit_a"])
    with pytest.raises(applications.ApplicationError, match="当前不在申报时间内"):
        applications.start(org["person_a"], org.projects["closed"].id)
    assert date.today() <= org.projects["middle"].end_date


def test_the_basic_fields_keep_the_materials_rules_whoever_saves_them(org, auth, csrf):
    """个人申报's 基本信息 keeps the rules of every material (materials.services.checked_basic), in the
    service itself: 业绩 within its limit, 破格 with its reason; the page shows the refusal and
    nothing is saved."""
    from zhicheng.materials.services import ACHIEVEMENTS_MAX
    from zhicheng.persons.applications import ApplicationError
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    before = m.achievements
    with pytest.raises(ApplicationError, match=f"专业技术工作业绩不超过{ACHIEVEMENTS_MAX}字"):
        applications.update_basic(org["person_a"], m, {"achievements": "字" * (ACHIEVEMENTS_MAX + 1)})
    db.session.rollback()
    with pytest.raises(ApplicationError, match="破格"):
        applications.update_basic(org["person_a"], fresh(m), {"exceptional": True, "exception_reason": ""})
    db.session.rollback()
    c = auth.client("gerena")
    url = f"/admin/person_apply/edit?id={m.id}"
    r = c.post(url, data={"achievements": "字" * (ACHIEVEMENTS_MAX + 1), "csrf_token": csrf(c, url)},
               follow_redirects=True)
    assert f"专业技术工作业绩不超过{ACHIEVEMENTS_MAX}字" in r.get_data(as_text=True)
    assert fresh(m).achievements == before and not fresh(m).exceptional
