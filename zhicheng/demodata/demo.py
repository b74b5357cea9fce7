"""Demo data: a small deterministic organisation for trying the system by hand."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_STAFF, KIND_SUB, KIND_UNIT
from zhicheng.extensions import db
from zhicheng.models import Department, DictItem, Project, Unit, UnitRegistry, User
from zhicheng.org.departments import create_department

DEMO_PASSWORD = "Demo2026pass"

DICTS = {
    "series": ["工程", "经济", "会计", "卫生", "教师", "农业"],
    "board": ["杭州市工程系列中级评审委员会", "杭州市经济系列中级评审委员会", "杭州市会计系列中级评审委员会",
              "杭州市中小学教师中级评审委员会"],
    "major": ["计算机应用", "建筑工程", "机械工程", "财务会计", "临床医学", "中学数学", "中学语文", "人力资源管理", "农学"],
    "qualification": ["助理工程师", "工程师", "助理经济师", "经济师", "助理会计师", "会计师", "医师", "主治医师",
                      "中学二级教师", "中学一级教师", "助理农艺师", "农艺师"],
    "post": ["技术员", "助理工程师", "工程师", "高级工程师", "会计", "会计师", "中学二级教师", "中学一级教师"],
    "education": ["中专", "大专", "本科", "硕士研究生", "博士研究生"],
    "level": ["员级", "助理级", "中级", "副高级", "正高级"],
    "unit_nature": ["机关", "事业单位", "国有企业", "非公企业", "社会团体", "民办非企业单位"],
}

#: The 系列 each 专业 and 资格名称 belongs to (the forms offer those of the chosen 系列).
SERIES_OF = {
    "计算机应用": "工程", "建筑工程": "工程", "机械工程": "工程", "助理工程师": "工程", "工程师": "工程",
    "人力资源管理": "经济", "助理经济师": "经济", "经济师": "经济",
    "财务会计": "会计", "助理会计师": "会计", "会计师": "会计",
    "临床医学": "卫生", "医师": "卫生", "主治医师": "卫生",
    "中学数学": "教师", "中学语文": "教师", "中学二级教师": "教师", "中学一级教师": "教师",
    "农学": "农业", "助理农艺师": "农业", "农艺师": "农业",
}


def of_series(kind: str, series: str) -> list[str]:
    """The demo 专业 or 资格名称 of a 系列."""
    return [name for name in DICTS[kind] if SERIES_OF.get(name) == series]


# Valid codes (GB 32100-2015 check characters).
REGISTRY = [
    ("91330106MA27XF1234", "张建国", "杭州西湖数字科技有限公司"),
    ("12330100470116614F", "李文华", "杭州市第十四中学"),
    ("91330100MA2CFRN77H", "王海峰", "杭州云栖软件有限公司"),
]


def _uscc(code17: str) -> str:
    from stdnum.cn import uscc
    return code17 + uscc.calc_check_digit(code17)


def _staff(username, dept, real_name, **roles):
    user = User(kind=KIND_STAFF, username=username, password_hash=passwords.hash_chosen(DEMO_PASSWORD),
                department=dept, real_name=real_name, **roles)
    db.session.add(user)
    return user


def load_demo(today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo organisation. Returns [(username, password, who)] to print."""
    if db.session.scalar(select(Department.id).limit(1)) is not None:
        raise RuntimeError("数据库中已有数据，演示数据只能装入空数据库")
    today = today or date.today()
    logins: list[tuple[str, str, str]] = []

    series = {}
    for kind, names in DICTS.items():
        for i, name in enumerate(names, 1):
            item = DictItem(kind=kind, code=f"{i:02d}", name=name, sort=i,
                            parent=series.get(SERIES_OF.get(name)) if kind in ("major", "qualification") else None)
            db.session.add(item)
            if kind == "series":
                series[name] = item
    for code17, rep, name in REGISTRY:
        db.session.add(UnitRegistry(uscc=_uscc(code17[:17]), legal_rep=rep, name=name))

    root = create_department("杭州市人力资源和社会保障局", None)
    xihu = create_department("西湖区人才职改办", root)
    edu = create_department("杭州市教育局", root)
    edu_sub = create_department("杭州市教育局直属学校管理处", edu)
    talent = create_department("杭州市人才服务局", root)

    all_roles = dict(role_admin=True, role_review=True, role_return=True, role_publish=True)
    root_admin = _staff("rsj_admin", root, "市人社局管理员", role_dict=True, **all_roles)
    staff = {}
    logins.append(("rsj_admin", DEMO_PASSWORD, "市人社局 管理员（全部角色，含字典维护）"))
    for prefix, dept, label in [("xihu", xihu, "西湖区人才职改办"), ("jyj", edu, "杭州市教育局"),
                                ("jyjzs", edu_sub, "教育局直属学校管理处"), ("rcfw", talent, "杭州市人才服务局")]:
        _staff(f"{prefix}_admin", dept, f"{label}管理员", role_admin=True)
        staff[f"{prefix}_review"] = _staff(f"{prefix}_review", dept, f"{label}审核经办", role_review=True)
        _staff(f"{prefix}_return", dept, f"{label}退回审查", role_return=True)
        _staff(f"{prefix}_publish", dept, f"{label}项目发布", role_publish=True)
        logins.append((f"{prefix}_admin / _review / _return / _publish", DEMO_PASSWORD, f"{label} 各角色"))

    units = []
    for (code17, rep, name), dept, username, unit_type, industry, region in [
            (REGISTRY[0], xihu, "xhsz", "非公企业", "I", "330106"), (REGISTRY[1], edu_sub, "szsz", "事业单位", "P", "330102")]:
        unit = Unit(uscc=_uscc(code17[:17]), legal_rep=rep, name=name, department=dept,
                    email=f"{username}@example.com", in_registry=True, contact_name=rep, contact_phone="0571-88888888",
                    unit_type=unit_type, industry=industry, region=region)
        db.session.add(unit)
        db.session.flush()
        staff[username] = User(kind=KIND_UNIT, username=username, password_hash=passwords.hash_chosen(DEMO_PASSWORD),
                               unit=unit, real_name=rep, email=unit.email)
        db.session.add(staff[username])
        for i, perms in enumerate([dict(perm_fill=True, perm_submit=True, perm_print=True, perm_export=True,
                                        perm_view=True, perm_edit_info=True, perm_change_password=True),
                                   dict(perm_fill=True, perm_view=True, perm_change_password=True)], 1):
            db.session.add(User(kind=KIND_SUB, username=f"{username}{i:03d}",
                                password_hash=passwords.hash_chosen(DEMO_PASSWORD), unit=unit,
                                real_name=f"申报人{i}", **perms))
        logins.append((username, DEMO_PASSWORD, f"单位：{name}（归口 {dept.name}）"))
        logins.append((f"{username}001 / {username}002", DEMO_PASSWORD, f"{name} 的工作账号"))
        units.append(unit)

    year = today.year
    start, end = today - timedelta(days=30), today + timedelta(days=60)
    middle = Project(name=f"{year}年度杭州市中级专业技术资格初定", kind="cd_middle", year=year, series="工程",
                     majors="计算机应用、建筑工程、机械工程", scope="在杭单位中从事专业技术工作的人员",
                     requirements=f"关于{year}年度杭州市中级专业技术资格初定工作的通知：请各单位按要求组织申报，于{end}前完成网上申报。",
                     start_date=start, end_date=end, issuer=root)
    db.session.add_all([
        middle,
        Project(name=f"{year}年度西湖区初级专业技术资格初定", kind="cd_junior", year=year, series="工程",
                majors="计算机应用、建筑工程", scope="归口西湖区的单位",
                requirements="西湖区初级专业技术资格初定申报须知。", start_date=start, end_date=end, issuer=xihu),
        Project(name=f"{year}年度教育系统初级专业技术资格认定", kind="rd_junior", year=year, series="教师",
                majors="中学数学、中学语文", scope="市教育局所属学校",
                requirements="教育系统初级专业技术资格认定申报须知。", start_date=start, end_date=end, issuer=edu),
    ])
    db.session.flush()
    from zhicheng.demodata.boards import load_demo_boards
    logins += load_demo_boards(root_admin, root, staff["xhsz"], staff["xihu_review"], DEMO_PASSWORD, today)
    from zhicheng.demodata.persons import load_demo_persons
    logins += load_demo_persons(DEMO_PASSWORD, today)
    from zhicheng.demodata.certificates import load_demo_certificates
    logins += load_demo_certificates(root_admin, staff["xihu_review"], staff["xhsz"], middle, today)
    from zhicheng.demodata.checks import load_demo_checks
    xihu_return = db.session.scalar(select(User).where(User.username == "xihu_return"))
    logins += load_demo_checks(root_admin, staff["xihu_review"], xihu_return, staff["xhsz"], staff["szsz"], middle,
                               today)
    from zhicheng.demodata.people import load_demo_people
    logins += load_demo_people(root_admin, today)
    return logins
