"""可申报资格表: the root office keeps it, departments read it; the applicant is warned while
filling (unit form, 个人申报 page, and the live hint), the reviewer sees 不符合申报条件 / 破格申报 on
his list and details, and a 破格 application's reason is in the 审核记录 of its 上报."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.checks import eligibility
from zhicheng.checks.eligibility import MET, UNCHECKED, UNMET, EligibilityError, Facts
from zhicheng.checks.models import EligibilityRule
from zhicheng.extensions import db
from zhicheng.models import AuditLog, Material, ReviewRecord
from zhicheng.review import workflow

from .. import factories
from ..materials.test_materials_views import form_data, fresh, post_form, submitted

TABLE = [  # (可申报资格, 学历, 现有资格, 任职年限)
    ("工程师", "本科", "助理工程师", 4),
    ("工程师", "硕士研究生", "助理工程师", 2),
    ("工程师", "博士研究生", "", 0),
    ("助理工程师", "本科", "", 1),
]
UNMET_TEXT = "不符合可申报资格表"


@pytest.fixture
def rules(org):
    for qualification, education, current, years in TABLE:
        eligibility.save_rule(org["root"], None, qualification=qualification, education=education,
                              current_qualification=current, min_years=years)
    transaction.commit()
    return db.session.scalars(select(EligibilityRule)).all()


def facts(**kw) -> Facts:
    base = {"qualification": "工程师", "education": "本科", "current_qualification": "助理工程师",
            "current_qualification_date": date(2020, 7, 1), "work_start_date": date(2016, 7, 1), "year": 2025}
    return Facts(**{**base, **kw})


def test_the_evaluation(org, rules):
    assert eligibility.evaluate(facts()).status == MET  # 2020-07 → 2025-12-31: 5 full years
    short = eligibility.evaluate(facts(current_qualification_date=date(2022, 7, 1)))
    assert short.status == UNMET and short.flag == "不符合申报条件"
    assert "本科，取得助理工程师满4年" in short.message and "满3年" in short.message
    assert eligibility.evaluate(facts(education="硕士研究生", current_qualification_date=date(2023, 7, 1))).status == MET
    # a rule without a 现有资格 takes anybody with that 学历, counting from 参加工作时间
    assert eligibility.evaluate(facts(education="博士研究生", current_qualification="")).status == MET
    assert eligibility.evaluate(facts(qualification="助理工程师", current_qualification="",
                                      work_start_date=date(2025, 7, 1))).status == UNMET
    assert eligibility.evaluate(facts(qualification="助理工程师", current_qualification="",
                                      work_start_date=date(2024, 7, 1))).status == MET
    # the wrong 现有资格, or none; a 资格 the table does not name is not checked
    assert eligibility.evaluate(facts(current_qualification="助理经济师")).status == UNMET
    assert eligibility.evaluate(facts(current_qualification="", current_qualification_date=None)).status == UNMET
    assert eligibility.evaluate(facts(qualification="经济师")).status == UNCHECKED
    # an inactive row no longer counts
    doctor = next(r for r in rules if r.education == "博士研究生")
    eligibility.save_rule(org["root"], doctor, qualification="工程师", education="博士研究生", min_years=0,
                          active=False)
    assert eligibility.evaluate(facts(education="博士研究生", current_qualification="")).status == UNMET


def test_only_the_root_offices_dictionary_staff_keep_the_table(org, rules, auth, csrf):
    with pytest.raises(EligibilityError, match="字典维护"):
        eligibility.save_rule(org["xihu_admin"], None, qualification="经济师", education="本科", min_years=4)
    with pytest.raises(EligibilityError, match="已有"):
        eligibility.save_rule(org["root"], None, qualification="工程师", education="本科",
                              current_qualification="助理工程师", min_years=5)
    with pytest.raises(EligibilityError, match="0至60"):
        eligibility.save_rule(org["root"], None, qualification="经济师", education="本科", min_years="四")
    # every department reads it; only the root office sees 新建 and may post
    page = auth.client("xihuadmin").get("/admin/eligibility/").get_data(as_text=True)
    assert "硕士研究生" in page and "不限" in page and "/admin/eligibility/new/" not in page
    assert auth.client("xihuadmin").get("/admin/eligibility/new/").status_code == 404
    c = auth.client("xihuadmin")
    r = c.post("/admin/eligibility/new/", data={"qualification": "经济师", "education": "本科", "min_years": "4",
                                                "csrf_token": csrf(c, "/password")})
    assert r.status_code == 404
    assert auth.client("unita").get("/admin/eligibility/").status_code == 403
    root = auth.client("rootadmin")
    r = root.post("/admin/eligibility/new/", data={"qualification": "经济师", "education": "本科",
                                                   "current_qualification": "助理经济师", "min_years": "4",
                                                   "note": "经济系列", "active": "y",
                                                   "csrf_token": csrf(root, "/admin/eligibility/new/")})
    assert r.status_code == 302
    row = db.session.scalar(select(EligibilityRule).where(EligibilityRule.qualification == "经济师"))
    assert (row.education, row.current_qualification, row.min_years) == ("本科", "助理经济师", 4)
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "eligibility.create",
                                                           AuditLog.target_id == row.id)).endswith("→ 经济师")
    r = root.post(f"/admin/eligibility/edit/?id={row.id}", data={
        "qualification": "经济师", "education": "本科", "current_qualification": "助理经济师", "min_years": "九十",
        "csrf_token": csrf(root, f"/admin/eligibility/edit/?id={row.id}")})
    assert "任职年限请填写0至60之间的整数" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EligibilityRule, row.id).min_years == 4


def test_the_unit_is_warned_while_filling_and_marks_an_exception_with_its_reason(org, rules, auth, csrf):
    c = auth.client("unita")
    project = org.projects["middle"]
    data = form_data(qualification="工程师", education="本科", current_qualification="助理工程师",
                     current_qualification_date=f"{project.year - 2}-07-01")
    r = post_form(c, f"/admin/materials/fill/?project={project.id}", data, csrf)
    assert r.status_code == 302
    m = db.session.scalar(select(Material))
    url = f"/admin/materials/modify/?id={m.id}"
    page = c.get(url).get_data(as_text=True)
    assert UNMET_TEXT in page and "如确需申报，请勾选“破格申报”并填写破格理由" in page
    # 破格 without a reason is refused, nothing saved
    page = post_form(c, url, dict(data, exceptional="y"), csrf).get_data(as_text=True)
    assert "勾选“破格申报”时请填写破格理由" in page
    assert fresh(m).exceptional is False
    r = post_form(c, url, dict(data, exceptional="y", exception_reason="获省级科技进步二等奖"), csrf)
    assert r.status_code == 302
    m = fresh(m)
    assert m.exceptional and m.exception_reason == "获省级科技进步二等奖"
    assert "已勾选破格申报" in c.get(url).get_data(as_text=True)
    # the 上报 record says so
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    transaction.commit()
    reason = db.session.scalar(select(ReviewRecord.reason).where(ReviewRecord.material_id == m.id,
                                                                 ReviewRecord.action == "submit"))
    assert reason.endswith("破格申报，理由：获省级科技进步二等奖")
    # 破格 unticked: the reason goes with it
    m2 = factories.material(project, org["unit_a"], name="不破格", seq=9)
    post_form(c, f"/admin/materials/modify/?id={m2.id}",
              dict(data, id_card=m2.id_card, birth_date="1990-05-17", exception_reason="不该留下"), csrf)
    assert fresh(m2).exception_reason == ""


def test_the_live_hint_evaluates_what_is_typed(org, rules, auth):
    project = org.projects["middle"]
    url = (f"/admin/eligibility_check/?project={project.id}&qualification=工程师&education=本科"
           f"&current_qualification=助理工程师&current_qualification_date={project.year - 1}-01-01")
    got = auth.client("unita").get(url).get_json()
    assert got["status"] == UNMET and "本科，取得助理工程师满4年" in got["message"]
    got = auth.client("gerena").get(url.replace(f"{project.year - 1}-01-01", "2001-01-01")).get_json()
    assert got["status"] == MET
    assert auth.client("unita").get("/admin/eligibility_check/?qualification=经济师").get_json()["status"] == UNCHECKED
    assert auth.client("unitaonlyprint").get(url).status_code == 403
    assert auth.client("xihureview").get(url).status_code == 403
    r = auth.client().get(url)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_person_is_warned_on_his_application_and_marks_an_exception(org, rules, auth, csrf):
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    c = auth.client("gerena")
    url = f"/admin/person_apply/edit?id={m.id}"
    token = csrf(c, url)
    base = {"qualification": "工程师", "education": "本科", "current_qualification": "助理工程师",
            "current_qualification_date": "2024-03-01", "csrf_token": token}
    c.post(url, data=dict(base, exception_reason=""))
    page = c.get(url).get_data(as_text=True)
    assert UNMET_TEXT in page and 'id="eligibility-hint"' in page
    r = c.post(url, data=dict(base, exceptional="y", exception_reason=""))
    assert "勾选“破格申报”时请填写破格理由" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert fresh(m).exceptional is False
    c.post(url, data=dict(base, exceptional="y", exception_reason="主持国家级课题"))
    m = fresh(m)
    assert (m.exceptional, m.exception_reason, m.current_qualification_date) == (True, "主持国家级课题",
                                                                               date(2024, 3, 1))
    c.post(f"/admin/person_apply/submit?id={m.id}", data={"csrf_token": token})
    reason = db.session.scalar(select(ReviewRecord.reason).where(ReviewRecord.material_id == m.id,
                                                                 ReviewRecord.action == "person_submit"))
    assert reason.endswith("破格申报，理由：主持国家级课题")


def test_the_reviewer_sees_the_flags_on_his_list_and_details(org, rules, auth):
    year = org.projects["xihu_junior"].year
    # (the factory's materials apply for 工程师 with 本科)
    unmet = submitted(org, name="不符合的", seq=1, current_qualification="助理工程师",
                      current_qualification_date=date(year - 1, 1, 1))
    poge = submitted(org, name="破格的", seq=2, exceptional=True, exception_reason="获全国技术能手称号")
    fine = submitted(org, name="符合的", seq=3, current_qualification="助理工程师",
                     current_qualification_date=date(year - 6, 1, 1))
    c = auth.client("xihureview")
    page = c.get("/admin/review/").get_data(as_text=True)
    rows = {m.name: row_of(page, m.number) for m in (unmet, poge, fine)}
    assert "不符合申报条件" in rows["不符合的"] and "破格申报" not in rows["不符合的"]
    assert "破格申报" in rows["破格的"] and "获全国技术能手称号" in rows["破格的"]
    assert "不符合申报条件" not in rows["符合的"] and "破格申报" not in rows["符合的"]
    details = c.get(f"/admin/review/details/?id={poge.id}").get_data(as_text=True)
    assert 'id="check-exception"' in details and "破格理由：获全国技术能手称号" in details
    assert UNMET_TEXT in details
    details = c.get(f"/admin/review/details/?id={fine.id}").get_data(as_text=True)
    assert "符合可申报资格表：本科，取得助理工程师满4年" in details and 'id="check-exception"' not in details


def row_of(page: str, number: str) -> str:
    start = page.index(number)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]


def test_the_demo_has_a_table_and_one_example_of_each_check(app, auth):
    from zhicheng.demodata.demo import DEMO_PASSWORD, load_demo
    from zhicheng.review.consistency import check_consistency
    logins = load_demo()
    transaction.commit()
    assert check_consistency() == []
    assert db.session.scalar(select(EligibilityRule.id).where(EligibilityRule.qualification == "工程师",
                                                              EligibilityRule.education == "本科")) is not None
    review = auth.client("xihu_review", password=DEMO_PASSWORD).get("/admin/review/").get_data(as_text=True)
    assert "破格申报" in review
    exceptional = db.session.scalar(select(Material).where(Material.name == "钱破格"))
    corrected = db.session.scalar(select(Material).where(Material.name == "孙退回"))
    page = auth.client("xihu_review", password=DEMO_PASSWORD).get(
        f"/admin/review/details/?id={corrected.id}").get_data(as_text=True)
    assert "手机号码有误" in page and "13800000000" in page and "13812345678" in page
    assert exceptional.number in review and corrected.number in review
    root = auth.client("rsj_admin", password=DEMO_PASSWORD)
    transfer = root.get("/admin/board_transfer/").get_data(as_text=True)
    assert "重复申报" in transfer
    assert "李重复" in root.get("/admin/duplicates/").get_data(as_text=True)
    assert any("重复申报演示" in what for _, _, what in logins)
