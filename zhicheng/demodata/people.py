"""Demo 人员基本信息与聘任: the applicants of both demo units gathered from their materials (陈证书 and
林证书 with their certificates), a few more people, 聘任 records, and each unit's 岗位结构比例 — one by
numbers of posts (西湖数字科技, whose third 中级 聘任 went over it with a recorded reason), one by
ratios (十四中)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Unit, User
from zhicheng.people import appointments, services
from zhicheng.people.models import PersonRecord

EXTRA = {
    "杭州西湖数字科技有限公司": [
        ("郑高工", "330106197508121234", "研究生", "软件工程", "高级工程师", "副高级", date(2016, 12, 20)),
        ("冯助工", "330106199603150021", "大学本科", "计算机应用", "助理工程师", "初级", date(2021, 9, 30)),
    ],
    "杭州市第十四中学": [
        ("何老师", "330102198207070044", "研究生", "中学数学", "一级教师", "中级", date(2012, 8, 31)),
        ("许老师", "330102199211110016", "大学本科", "中学语文", "二级教师", "初级", date(2016, 8, 31)),
        ("谢老师", "330102197906060027", "大学本科", "中学英语", "高级教师", "副高级", date(2015, 12, 31)),
    ],
}
#: (姓名, 聘任职务, 岗位级别, 岗位等级, years before today it began, 超比例聘任理由)
APPOINTMENTS = {
    "杭州西湖数字科技有限公司": [
        ("郑高工", "高级工程师", "副高级", 6, 8, ""),
        ("陈证书", "工程师", "中级", 10, 0, ""),
        ("林证书", "工程师", "中级", 10, 0, ""),
        ("周明远", "工程师", "中级", 9, 0, "承担市重点研发项目，经单位研究同意超比例聘任一年"),
        ("冯助工", "助理工程师", "初级", 12, 3, ""),
    ],
    "杭州市第十四中学": [
        ("何老师", "一级教师", "中级", 9, 10, ""),
        ("许老师", "二级教师", "初级", 12, 7, ""),
        ("谢老师", "高级教师", "副高级", 7, 9, ""),
    ],
}


def _id_number(body17: str) -> str:
    from stdnum.cn import ric
    return body17 + ric.calc_check_digit(body17 + "0")


def load_demo_people(root_admin: User, today: date) -> list[tuple[str, str, str]]:
    """After the materials and certificates: each demo unit's applicants become its people (从申报材料生成,
    as the unit would), the others are added, then the quotas and 聘任 (the quotas first, so that
    the over-quota 聘任 is checked and its reason recorded as on the page)."""
    units = {u.name: u for u in db.session.scalars(select(Unit).where(Unit.name.in_(list(EXTRA))))}
    for unit in units.values():
        account = db.session.scalar(select(User).where(User.unit_id == unit.id, User.kind == "unit"))
        services.collect_from_materials(account)
        for name, number, education, major, qualification, level, qualified_on in EXTRA[unit.name]:
            services.add_person(root_admin, {"name": name, "id_number": _id_number(number[:17]),
                                             "education": education, "major": major, "qualification": qualification,
                                             "qualification_level": level, "qualified_on": qualified_on}, unit.id)
    appointments.set_quota(root_admin, units["杭州西湖数字科技有限公司"].id,
                       {"mode": "count", "senior": 0, "deputy": 1, "middle": 2, "junior": 3,
                        "note": "西人社〔2025〕8号"})
    appointments.set_quota(root_admin, units["杭州市第十四中学"].id,
                       {"mode": "ratio", "total": 40, "senior": 2, "deputy": 20, "middle": 40, "junior": 38,
                        "note": "杭教人〔2024〕15号"})
    for unit_name, rows in APPOINTMENTS.items():
        unit = units[unit_name]
        for name, title, level, grade, years, reason in rows:
            person = db.session.scalar(select(PersonRecord).where(PersonRecord.name == name,
                                                                  PersonRecord.unit_id == unit.id))
            start = date(today.year - years, 1, 1) if years else today.replace(day=1)
            appointments.save_appointment(root_admin, None, person, {
                "post_title": title, "level": level, "grade": grade, "start_date": start,
                "over_quota_reason": reason}, unit.id, today=today)
    return [("xhsz / xihu_admin", "", "人员基本信息与聘任（机构管理）：周明远的中级聘任超出岗位结构比例，理由已记录")]
