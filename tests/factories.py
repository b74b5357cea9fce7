"""Test data: a small organisation like the demo one, built fast (cheap password hashes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import Workbook
from stdnum.cn import ric, uscc
from werkzeug.security import generate_password_hash

from zhicheng.accounts.models import KIND_PERSON, KIND_STAFF, KIND_SUB, KIND_UNIT, SUB_PERMISSIONS
from zhicheng.extensions import db
from zhicheng.models import Department, Material, Person, Project, Unit, UnitRegistry, User
from zhicheng.org.departments import create_department

PASSWORD = "Passw0rd123"
_HASH = None


def pw_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return _HASH


def make_uscc(seq: int, prefix: str = "91330106MA") -> str:
    body = f"{prefix}{seq:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_id_card(birth: date = date(1990, 5, 17), seq: int = 123, area: str = "330106") -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    # stdnum's calc_check_digit expects the number with a (placeholder) check digit on the end.
    return body + ric.calc_check_digit(body + "0")


def staff(username, dept, **roles) -> User:
    u = User(kind=KIND_STAFF, username=username, password_hash=pw_hash(), department=dept,
             real_name=username, **roles)
    db.session.add(u)
    return u


def unit(name, dept, username, seq) -> tuple[Unit, User]:
    u = Unit(uscc=make_uscc(seq), legal_rep="法人" + str(seq), name=name, department=dept,
             email=f"{username}@example.com")
    db.session.add(u)
    db.session.flush()
    acct = User(kind=KIND_UNIT, username=username, password_hash=pw_hash(), unit=u, email=u.email)
    db.session.add(acct)
    return u, acct


def sub(unit_obj, username, **perms) -> User:
    u = User(kind=KIND_SUB, username=username, password_hash=pw_hash(), unit=unit_obj, real_name=username,
             **perms)
    db.session.add(u)
    return u


def person(name: str, username: str, phone: str, seq: int, series: str = "") -> User:
    """A 个人用户 with his profile (居民身份证, consent recorded) and his 系列."""
    birth = date(1985, 3, 9)
    acct = User(kind=KIND_PERSON, username=username, password_hash=pw_hash(), real_name=name, phone=phone)
    db.session.add(acct)
    db.session.flush()
    db.session.add(Person(user_id=acct.id, name=name, id_type="resident", id_number=make_id_card(birth, seq),
                          phone=phone, gender="男", birth_date=birth, agreed_at=datetime(2026, 1, 5, 9, 30),
                          agreed_address="127.0.0.1", agreement_version="2026-12", series=series))
    return acct


def archive(owner: User) -> None:
    """One row in each section of a person's 档案 (the teachers' 公开课 and 教育教学 included: they
    count only when his 系列 is a teacher's)."""
    from zhicheng.persons import models as pm
    db.session.add_all([
        pm.PersonEducation(user_id=owner.id, start_date=date(2003, 9, 1), end_date=date(2007, 7, 1), school="浙江大学",
                           major="计算机科学与技术", education="大学本科", degree="工学学士"),
        pm.PersonWork(user_id=owner.id, start_date=date(2007, 8, 1), employer="杭州某某科技有限公司", position="工程师"),
        pm.PersonTraining(user_id=owner.id, start_date=date(2020, 5, 1), end_date=date(2020, 5, 3),
                          subject="继续教育公需科目", organiser="杭州市人才服务局", hours=24),
        pm.PersonAchievement(user_id=owner.id, start_date=date(2019, 3, 1), end_date=date(2021, 6, 30),
                             title="智慧园区管理平台建设", role="项目负责人", content="主持平台架构设计与核心模块开发",
                             outcome="获区科技进步二等奖"),
        pm.PersonResearch(user_id=owner.id, kind="paper", title="一种分布式存储方法", source="计算机工程",
                          number="CN 31-1289/TP", published_on=date(2021, 3, 1), url="https://kns.cnki.net/x"),
        pm.PersonAssessment(user_id=owner.id, year=2023, result="excellent"),
        pm.PersonOpenLesson(user_id=owner.id, taught_on=date(2022, 4, 12), subject="数学", title="一次函数的图像",
                            audience="初二（3）班", level="county", organiser="西湖区教研室"),
        pm.PersonTeaching(user_id=owner.id, start_date=date(2021, 9, 1), end_date=date(2022, 7, 15),
                          kind="head_teacher", content="初二（3）班班主任，任教数学两个班", weekly_hours=12, evaluation="学生满意度98"),
    ])
    db.session.commit()


ALL_PERMS = {k: True for k in SUB_PERMISSIONS}


@dataclass
class Org:
    root: Department
    xihu: Department
    edu: Department
    edu_sub: Department
    talent: Department
    unit_a: Unit
    unit_b: Unit
    users: dict[str, User] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)

    def __getitem__(self, name) -> User:
        return self.users[name]


def build_org(today: date | None = None) -> Org:
    today = today or date.today()
    root = create_department("杭州市人力资源和社会保障局", None)
    xihu = create_department("西湖区人才职改办", root)
    edu = create_department("杭州市教育局", root)
    edu_sub = create_department("杭州市教育局直属学校管理处", edu)
    talent = create_department("杭州市人才服务局", root)
    users = {}
    all_roles = dict(role_admin=True, role_review=True, role_return=True, role_publish=True)
    users["root"] = staff("rootadmin", root, role_dict=True, **all_roles)
    for key, dept in [("xihu", xihu), ("edu", edu), ("edusub", edu_sub), ("talent", talent)]:
        users[f"{key}_admin"] = staff(f"{key}admin", dept, role_admin=True)
        users[f"{key}_review"] = staff(f"{key}review", dept, role_review=True)
        users[f"{key}_return"] = staff(f"{key}return", dept, role_return=True)
        users[f"{key}_publish"] = staff(f"{key}publish", dept, role_publish=True)
    unit_a, users["unit_a"] = unit("甲单位科技有限公司", xihu, "unita", 1)
    unit_b, users["unit_b"] = unit("乙单位中学", edu_sub, "unitb", 2)
    users["sub_a_full"] = sub(unit_a, "unita001", **ALL_PERMS)
    users["sub_a_none"] = sub(unit_a, "unita002")
    for perm in SUB_PERMISSIONS:
        users[f"sub_a_{perm}"] = sub(unit_a, f"unitaonly{perm.replace('perm_', '').replace('_', '')}", **{perm: True})
    users["sub_b_full"] = sub(unit_b, "unitb001", **ALL_PERMS)
    users["person_a"] = person("钱个人", "gerena", "13900000001", 501)
    users["person_b"] = person("孙个人", "gerenb", "13900000002", 502, series="中小学教师")  # a teacher
    db.session.add(UnitRegistry(uscc=make_uscc(900), legal_rep="赵名录", name="名录内的杭州某某有限公司"))
    start, end = today - timedelta(days=10), today + timedelta(days=20)
    projects = {
        "middle": Project(name="中级初定项目", kind="cd_middle", year=today.year, start_date=start, end_date=end,
                          issuer=root, series="工程", majors="计算机应用", scope="在杭单位", requirements="中级初定相关要求"),
        "xihu_junior": Project(name="西湖区初级初定项目", kind="cd_junior", year=today.year, start_date=start,
                               end_date=end, issuer=xihu, series="工程", majors="建筑工程", scope="西湖区单位",
                               requirements="西湖区初级相关要求"),
        "edu_rd": Project(name="教育局初级认定项目", kind="rd_junior", year=today.year, start_date=start,
                          end_date=end, issuer=edu, series="教师", majors="中学数学", scope="教育系统",
                          requirements="教育局认定相关要求"),
        "closed": Project(name="已截止的中级项目", kind="cd_middle", year=today.year, start_date=start - timedelta(days=60),
                          end_date=start - timedelta(days=30), issuer=root, requirements="已截止"),
    }
    db.session.add_all(projects.values())
    db.session.commit()
    return Org(root, xihu, edu, edu_sub, talent, unit_a, unit_b, users, projects)


def material(project: Project, creator: User, name: str = "张三", seq: int = 1, **fields) -> Material:
    """A draft material with valid data, numbered like the real ones."""
    birth = fields.pop("birth_date", date(1990, 5, 17))
    m = Material(project=project, unit_id=creator.unit_id, creator=creator, name=name, gender="男",
                 birth_date=birth, id_card=fields.pop("id_card", make_id_card(birth, seq)),
                 phone="13800138000", work_start_date=date(2012, 7, 1), current_major="计算机应用",
                 series="工程", major="计算机应用", qualification="工程师", education="本科", **fields)
    db.session.add(m)
    db.session.flush()
    from zhicheng.materials.services import assign_number
    assign_number(m)
    db.session.commit()
    return m


def review_project(org, *, requires_exam: bool = False, name: str = "2026年度工程系列中级评审") -> Project:
    """A 中级评审 project of 西湖区人才职改办, for a 评委会 it formed."""
    from zhicheng import transaction
    from zhicheng.boards import boards
    board = boards.create_board(org["root"], f"{name}评委会", org.xihu, "middle", series="工程")
    transaction.commit()
    today = date.today()
    p = Project(name=name, kind="ps_middle", year=today.year, series="工程", requirements="评审通知",
                start_date=today - timedelta(days=1), end_date=today + timedelta(days=30), issuer=org.xihu,
                board_id=board.id, requires_exam=requires_exam)
    db.session.add(p)
    db.session.commit()
    return p


def passed_first_review(org, project: Project, name: str, seq: int) -> Material:
    """A material of `project` through 初审: 上报 by unit A, 通过 (and so 审核通过) at 西湖区."""
    from zhicheng.review import workflow
    m = material(project, org["unit_a"], name=name, seq=seq)
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    workflow.pass_materials(org["xihu_review"], [m.id])
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Material, m.id)


def join(person_user: User, unit_user: User):
    """The person asks to join the unit of `unit_user`, which confirms him."""
    from zhicheng.persons import membership
    row = membership.request_join(person_user, unit_user.unit_id)
    membership.confirm(unit_user, row.id)
    db.session.commit()
    return row


def person_material(person_user: User, project: Project, *, submit: bool = False) -> Material:
    """A 个人申报 of a confirmed person, filled from his 档案; `submit`: 提交 to his unit."""
    from zhicheng.persons import applications
    m = applications.start(person_user, project.id)
    db.session.commit()
    if submit:
        applications.submit_to_unit(person_user, m)
        db.session.commit()
    db.session.expire_all()
    return db.session.get(Material, m.id)


def xlsx(rows) -> BytesIO:
    """An .xlsx file of the rows (the first one the header), as a user uploads it."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out
