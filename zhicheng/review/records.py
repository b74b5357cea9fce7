"""What a change of state leaves besides the state (zhicheng.review.workflow makes the change): its
审核记录 row, with the 破格 reason on a 上报 / 提交, and the notice to a 个人申报's applicant."""
from __future__ import annotations

from datetime import datetime

from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def add_record(material: Material, action: str, actor, state_after: str, department_id=None,
               to_department_id=None, reason: str = "") -> ReviewRecord:
    record = ReviewRecord(
        material_id=material.id, action=action, department_id=department_id,
        to_department_id=to_department_id, actor_id=actor.id,
        actor_name=actor.display_name, reason=reason, state_after=state_after, at=now())
    db.session.add(record)
    tell_person(material, action, reason, department_id, to_department_id)
    return record


def with_exception(material: Material, text: str) -> str:
    """The 上报 / 提交 record's text, with the 破格 reason when the applicant marked it."""
    from zhicheng.checks.eligibility import exception_note
    note = exception_note(material)
    return f"{text}；{note}" if note else text


def tell_person(material: Material, action: str, reason: str = "", department_id=None,
                to_department_id=None) -> None:
    """A 个人申报's applicant hears (SMS, mail) when it is returned or passes a stage."""
    from zhicheng.persons import notify
    notify.material_moved(material, action, reason, department_id, to_department_id)
