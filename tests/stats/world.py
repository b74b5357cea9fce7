"""Materials for the statistics: four 归口部门 branches, every counted state, two years, three 系列, all
three 级别, 评审 results, a 公示, 评定 and certificates; and drafts that no figure may count."""
from __future__ import annotations

from datetime import date, timedelta

from zhicheng import transaction
from zhicheng.certificates import issuing
from zhicheng.extensions import db
from zhicheng.models import Material, Project
from zhicheng.review import workflow

from .. import factories
from ..certificates.world import confirmed, publish


def _submit(account, m):
    workflow.submit_materials(account, [m.id], "王经办", "13812345678")
    transaction.commit()


def build(org) -> dict:
    today = date.today()
    # 杭州市教育局's own unit (本级 for its staff) and one of 杭州市人才服务局.
    _, org.users["unit_c"] = factories.unit("丙单位研究院", org.edu, "unitc", 3)
    _, org.users["unit_d"] = factories.unit("丁单位建设集团", org.talent, "unitd", 4)
    last_year = Project(name="上年度中级初定（经济）", kind="cd_middle", year=today.year - 1, series="经济",
                        start_date=today - timedelta(days=10), end_date=today + timedelta(days=20), issuer=org.root,
                        majors="经济", scope="在杭单位", requirements="上年度")
    db.session.add(last_year)
    db.session.commit()
    org.projects["last_year"] = last_year
    review = factories.review_project(org)
    org.projects["review"] = review
    a, b, c, d = org["unit_a"], org["unit_b"], org["unit_c"], org["unit_d"]
    p = org.projects
    seq = iter(range(100, 200))

    def new(project, account, name, series=None):
        m = factories.material(project, account, name=name, seq=next(seq))
        if series is not None:  # the factory fills 工程
            m.series = series
            db.session.commit()
        return m

    # Drafts, never counted.
    new(p["middle"], a, "甲草稿")
    new(p["edu_rd"], b, "乙草稿", series="教师")
    # 西湖区 (unit A): 审核中 at 西湖区 and at the root office, 被退回, 审核通过 of its own 初级 project.
    m = new(p["middle"], a, "甲在区审核")
    _submit(a, m)
    m = new(p["middle"], a, "甲在市审核")
    _submit(a, m)
    workflow.pass_materials(org["xihu_review"], [m.id])
    m = new(p["middle"], a, "甲市审核通过")
    _submit(a, m)
    workflow.pass_materials(org["xihu_review"], [m.id])
    workflow.pass_materials(org["root"], [m.id])
    m = new(p["xihu_junior"], a, "甲退回")
    _submit(a, m)
    workflow.return_materials(org["xihu_return"], [m.id], "请补充学历证明")
    m = new(p["last_year"], a, "甲上年度", series="经济")
    _submit(a, m)
    transaction.commit()
    # 评审: passed, failed, still before the 评委会, and one passed then 公示.
    results = []
    for name, passed in (("甲评审通过", True), ("甲评审未通过", False), ("甲评审公示", True), ("甲评审中", None)):
        m = factories.passed_first_review(org, review, name, next(seq))
        workflow.transfer_to_board(org["xihu_review"], [m.id])
        if passed is not None:
            workflow.record_board_result(db.session.get(Material, m.id), passed, "同意5票，不同意1票，弃权0票")
        transaction.commit()
        results.append(m)
    publish(org, [results[2]], "评审结果公示")
    # 评定 and 发文 of two 初级 results (certificates), and one 初级 result on 公示.
    done = []
    for name in ("甲发证一", "甲发证二"):
        m = new(p["xihu_junior"], a, name)
        _submit(a, m)
        workflow.pass_materials(org["xihu_review"], [m.id])
        transaction.commit()
        done.append(m)
    batch = confirmed(org, done, "初级评定")
    issuing.issue_batch(org["root"], batch.id, "杭人社发〔2026〕9号", "杭州市人社局", today)
    transaction.commit()
    m = new(p["xihu_junior"], a, "甲初级公示")
    _submit(a, m)
    workflow.pass_materials(org["xihu_review"], [m.id])
    transaction.commit()
    publish(org, [m], "初级公示")
    # 教育局直属学校管理处 (unit B): 教师 at its own level, passed up, approved by 教育局.
    m = new(p["edu_rd"], b, "乙在处审核", series="教师")
    _submit(b, m)
    m = new(p["edu_rd"], b, "乙局审核通过", series="教师")
    _submit(b, m)
    workflow.pass_materials(org["edusub_review"], [m.id])
    workflow.pass_materials(org["edu_review"], [m.id])
    # 教育局 itself (unit C): 本级 for the bureau; 卫生 has no project of its own.
    m = new(p["edu_rd"], c, "丙在局审核", series="卫生")
    _submit(c, m)
    # 人才服务局 (unit D).
    m = new(p["middle"], d, "丁在局审核")
    _submit(d, m)
    transaction.commit()
    db.session.expire_all()
    return {"review": review, "last_year": last_year}
