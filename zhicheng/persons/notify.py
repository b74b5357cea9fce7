"""申报进度 messages: the applicant of a 个人申报 gets an SMS (and a mail when his 档案 has an
address) when his material is returned or passes a stage. Sent as jobs once the transaction has
committed (zhicheng.jobs), through the SMS provider and zhicheng.mail (outboxes by default)."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng import jobs
from zhicheng.extensions import db
from zhicheng.persons import sms
from zhicheng.persons.models import Person

#: What the applicant reads, per 审核记录 action ({reason} is the record's reason).
MESSAGES = {
    "unit_return": "您的申报材料{number}（{project}）已被单位退回，原因：{reason}。请登录系统修改后重新提交。",
    "return": "您的申报材料{number}（{project}）已被{department}退回单位，原因：{reason}。",
    "change_department": "您的申报材料{number}（{project}）因单位修改归口部门已退回单位，待单位重新上报。",
    "submit": "您的申报材料{number}（{project}）已由单位审核通过并上报至{to}。",
    "pass": "您的申报材料{number}（{project}）已通过{department}审核，上报至{to}。",
    "approve": "您的申报材料{number}（{project}）已审核通过。",
    "to_board": "您的申报材料{number}（{project}）已转评委会评审。",
    "board_pass": "您的申报材料{number}（{project}）评审通过。",
    "board_fail": "您的申报材料{number}（{project}）评审未通过。",
}


def material_moved(material, action: str, reason: str = "", department_id=None, to_department_id=None) -> None:
    materials_moved([(material, action, reason)], department_id, to_department_id)


def materials_moved(moves, department_id=None, to_department_id=None) -> None:
    """material_moved for several materials at once ((material, action, reason) each, as a closed
    meeting's results): their applicants read in one statement."""
    moves = [(m, action, reason) for m, action, reason in moves if action in MESSAGES]
    if not moves:
        return
    creators = {m.creator_id for m, _, _ in moves}
    persons = {p.user_id: p for p in db.session.scalars(select(Person).where(Person.user_id.in_(creators)))}
    if not persons:  # units' own materials, or erased accounts
        return
    from zhicheng.models import Department

    def name(dept_id, default: str) -> str:
        dept = db.session.get(Department, dept_id) if dept_id else None
        return dept.name if dept else default

    for material, action, reason in moves:
        person = persons.get(material.creator_id)
        if person is None:
            continue
        text = "【职称申报】" + MESSAGES[action].format(
            number=material.number or "", project=material.project.name, reason=reason or "无",
            department=name(department_id, "审核部门"), to=name(to_department_id, "上级部门"))
        sms.send(person.phone, text)
        if person.email:
            jobs.enqueue("zhicheng.mail.send_mail", person.email, "职称申报评审系统 · 申报进度", text)
