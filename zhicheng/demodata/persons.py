"""Demo 个人端: a registered person with his 档案, confirmed by 杭州西湖数字科技有限公司, and his
个人申报 of the 中级初定 project submitted to the unit (which sets a 师德 sign-off by its 工作账号
xhsz001); a second person's join request waits for the unit."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_PERSON
from zhicheng.extensions import db
from zhicheng.models import Project, Unit, User
from zhicheng.persons import applications, membership
from zhicheng.persons.models import (
    Person,
    PersonAchievement,
    PersonAssessment,
    PersonEducation,
    PersonResearch,
    PersonTraining,
    PersonWork,
)


def _person(username: str, name: str, id_number: str, phone: str, password: str, birth: date, gender: str) -> User:
    user = User(kind=KIND_PERSON, username=username, password_hash=passwords.hash_chosen(password), real_name=name,
                phone=phone)
    db.session.add(user)
    db.session.flush()
    db.session.add(Person(user_id=user.id, name=name, id_type="resident", id_number=id_number, phone=phone,
                          gender=gender, birth_date=birth, agreed_at=datetime.now().replace(microsecond=0),
                          agreed_address="127.0.0.1", agreement_version="2026-12", email=f"{username}@example.com"))
    return user


def load_demo_persons(password: str, today: date | None = None) -> list[tuple[str, str, str]]:
    unit = db.session.scalar(select(Unit).where(Unit.name == "杭州西湖数字科技有限公司"))
    unit_account = db.session.scalar(select(User).where(User.unit_id == unit.id, User.kind == "unit"))
    reviewer = db.session.scalar(select(User).where(User.username == "xhsz001"))
    project = db.session.scalar(select(Project).where(Project.kind == "cd_middle").order_by(Project.id))

    zhou = _person("geren001", "周明远", "330106198804123417", "13700000001", password, date(1988, 4, 12), "男")
    wu = _person("geren002", "吴晓燕", "330106199109204527", "13700000002", password, date(1991, 9, 20), "女")
    db.session.add_all([
        PersonEducation(user_id=zhou.id, start_date=date(2006, 9, 1), end_date=date(2010, 7, 1), school="浙江工业大学",
                        major="计算机科学与技术", education="本科", degree="工学学士"),
        PersonWork(user_id=zhou.id, start_date=date(2010, 7, 15), employer="杭州西湖数字科技有限公司",
                   position="软件工程师"),
        PersonTraining(user_id=zhou.id, start_date=date(2024, 5, 6), end_date=date(2024, 5, 8),
                       subject="专业技术人员继续教育公需科目", organiser="杭州市人才服务局", hours=24),
        PersonAchievement(user_id=zhou.id, start_date=date(2021, 3, 1), end_date=date(2022, 12, 31),
                          title="西湖区政务数据共享平台", role="技术负责人",
                          content="负责平台总体架构和数据交换模块的设计与开发", outcome="平台接入部门32个，获区信息化优秀项目"),
        PersonResearch(user_id=zhou.id, kind="paper", title="基于微服务的政务数据共享平台设计", source="计算机应用与软件",
                       number="CN 31-1260/TP", published_on=date(2023, 6, 1), url="https://kns.cnki.net/",
                       role="第一作者"),
        PersonAssessment(user_id=zhou.id, year=(today or date.today()).year - 1, result="excellent"),
    ])
    db.session.flush()
    membership.confirm(unit_account, membership.request_join(zhou, unit.id).id)
    membership.request_join(wu, unit.id)
    applications.add_step(unit_account, "师德", "党委办", reviewer.id)
    material = applications.start(zhou, project.id, today)
    material.major, material.qualification = "计算机应用", "工程师"
    db.session.flush()
    from zhicheng.review import workflow
    workflow.person_submit(zhou, material)
    return [("geren001（或手机号 13700000001）", password,
             f"个人用户 周明远：所属单位已确认，申报材料 {material.number} 已提交单位审核"),
            ("geren002", password, "个人用户 吴晓燕：加入单位的申请待确认"),
            ("xhsz001", password, "杭州西湖数字科技有限公司 党委办·师德审核人（职能部门审核）")]
