"""Demo data for the reviewers' checks: a 可申报资格表 for the demo's 资格名称, the 现有资格 of the
demo's applicants, and one example of each check waiting at a reviewer: a 破格 application, a
duplicate application (the same person at both demo units) blocked at 转评委会, and a material
returned and resubmitted with a corrected field and a new attachment."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from stdnum.cn import ric

from zhicheng.checks import eligibility
from zhicheng.demodata.materials import add_material
from zhicheng.extensions import db
from zhicheng.models import Material, Project, User

#: (可申报资格, 学历, 现有资格, 任职年限): after the usual rules of the 工程, 经济 and 会计 series (初级:
#: 本科 after a year of work, 大专 after three, 中专 after five, a master at once; 中级: four years in the
#: 初级 qualification with 本科 or 大专, two with a master's degree, a doctor at once).
TABLE = [
    (junior, education, "", years)
    for junior in ("助理工程师", "助理经济师", "助理会计师")
    for education, years in (("中专", 5), ("大专", 3), ("本科", 1), ("硕士研究生", 0), ("博士研究生", 0))
] + [
    (middle, education, junior if junior_years is not None else "", junior_years if junior_years is not None else 0)
    for middle, junior in (("工程师", "助理工程师"), ("经济师", "助理经济师"), ("会计师", "助理会计师"))
    for education, junior_years in (("大专", 4), ("本科", 4), ("硕士研究生", 2), ("博士研究生", None))
]


def _id_card(birth: date, seq: int) -> str:
    body = f"330106{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with a check digit on the end


def _material(project: Project, unit_user: User, name: str, seq: int, **fields) -> Material:
    birth = date(1984, 10, 8 + seq % 20)
    values = {"gender": "男", "birth_date": birth, "id_card": _id_card(birth, seq), "work_start_date": date(2007, 7, 1),
              "current_title": "工程技术人员", "current_qualification": "助理工程师",
              "current_qualification_date": date(2012, 9, 1), "achievements": "负责单位信息化项目的需求分析与系统设计。"}
    return add_material(project, unit_user, name, **{**values, **fields})


def load_demo_checks(root_admin: User, xihu_review: User, xihu_return: User, xhsz: User, szsz: User,
                     middle: Project, today: date) -> list[tuple[str, str, str]]:
    from zhicheng.review.workflow import pass_materials, return_materials, submit_materials
    for qualification, education, current, years in TABLE:
        eligibility.save_rule(root_admin, None, qualification=qualification, education=education,
                              current_qualification=current, min_years=years)
    # The applicants loaded before hold 助理工程师 since a year after they started work.
    db.session.execute(update(Material).where(Material.current_qualification == "", Material.work_start_date.isnot(None),
                                              Material.qualification == "工程师")
                       .values(current_qualification="助理工程师"))
    for m in db.session.scalars(select(Material).where(Material.current_qualification_date.is_(None),
                                                       Material.current_qualification == "助理工程师")):
        m.current_qualification_date = m.work_start_date.replace(year=m.work_start_date.year + 1)

    # 破格: two years as 助理工程师 only, with a reason; waiting at 西湖区.
    exceptional = _material(middle, xhsz, "钱破格", 601, current_qualification_date=date(today.year - 2, 9, 1),
                            exceptional=True, exception_reason="主持完成省级重点研发项目，获浙江省科学技术进步二等奖")
    # Returned with a reason, corrected and resubmitted: the reviewer sees what changed.
    corrected = _material(middle, xhsz, "孙退回", 602, phone="13800000000")
    submit_materials(xhsz, [exceptional.id, corrected.id], "张建国", "13900001111", today=today)
    return_materials(xihu_return, [corrected.id], "手机号码有误，请核对后重新上报")
    corrected.phone = "13812345678"  # as 修改材料 would
    db.session.flush()
    submit_materials(xhsz, [corrected.id], "张建国", "13900001111", today=today)

    # 重复申报: 评审 project applicant who passed 初审 at the root office, and the same person at the
    # school (教育系统初级认定), in review: 转评委会 waits until one is returned or resolved.
    review = db.session.scalar(select(Project).where(Project.kind == "ps_middle").order_by(Project.id))
    junior = db.session.scalar(select(Project).where(Project.kind == "rd_junior").order_by(Project.id))
    twice = _material(review, xhsz, "李重复", 603)
    again = _material(junior, szsz, "李重复", 603, series="教师", major="中学数学", qualification="中学二级教师",
                      current_qualification="", current_qualification_date=None)
    submit_materials(xhsz, [twice.id], "张建国", "13900001111", today=today)
    submit_materials(szsz, [again.id], "李文华", "13900002222", today=today)
    pass_materials(xihu_review, [twice.id])
    pass_materials(root_admin, [twice.id], "材料齐全，符合评审条件")
    db.session.flush()
    return [("xihu_review", "", (f"审核提示演示：待审核材料中 {exceptional.number} 为破格申报，{corrected.number} "
                                 "退回后重新上报（详情页显示修改内容）")),
            ("rsj_admin", "", (f"重复申报演示：转评委会中 {twice.number} 与 {again.number} 为同一人同一年度申报，"
                               "登记处理意见（材料审核 → 重复申报）或退回其一后才能转评委会"))]
