"""所属单位: a person asks to belong to a unit (found by its name or 统一社会信用代码); the unit
confirms him (he joins its 工作人员, known by his 证件号码) or declines with a reason. Every request
stays as a row: the person's history of units. One request is open or confirmed at a time: a
confirmed new unit ends the old membership (已离开)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from zhicheng import scope
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Unit
from zhicheng.persons.models import Membership, MembershipState, Person
from zhicheng.policy import P, require
from zhicheng.system import audit

M = MembershipState
SEARCH_LIMIT = 20


class MembershipError(DomainError):
    pass


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def find_units(text: str) -> list[Unit]:
    """Units whose name contains `text` or whose 统一社会信用代码 is `text` (enabled ones only)."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    code = text.upper()
    return list(db.session.scalars(
        select(Unit).where(Unit.enabled, or_(Unit.uscc == code, Unit.name.contains(text, autoescape=True)))
        .order_by(Unit.name).limit(SEARCH_LIMIT)))


def history(user) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(scope.memberships(user), Membership.user_id == user.id)
                                   .order_by(Membership.requested_at.desc(), Membership.id.desc())))


def current(user) -> Membership | None:
    """The person's pending or confirmed membership (at most one)."""
    return db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.state.in_((M.PENDING, M.CONFIRMED)))
        .order_by(Membership.id.desc()).limit(1))


def confirmed_unit(user) -> Unit | None:
    found = current(user)
    return found.unit if found is not None and found.state == M.CONFIRMED else None


def request_join(user, unit_id) -> Membership:
    """申请加入: a pending request to the unit (replacing a pending one to another unit)."""
    require(user, P.PERSON, error=MembershipError)
    try:
        unit = db.session.get(Unit, int(unit_id))
    except (TypeError, ValueError):
        unit = None
    if unit is None or not unit.enabled:
        raise MembershipError("所选单位不存在")
    person = db.session.scalar(select(Person).where(Person.user_id == user.id))
    if person is None:
        raise MembershipError("请先完善个人基础信息")
    open_one = current(user)
    if open_one is not None and open_one.unit_id == unit.id:
        what = "已是该单位的工作人员" if open_one.state == M.CONFIRMED else "已向该单位提出申请，请等待单位确认"
        raise MembershipError(what)
    if open_one is not None and open_one.state == M.PENDING:
        open_one.state, open_one.ended_at = M.WITHDRAWN, _now()
    row = Membership(user_id=user.id, unit_id=unit.id, name=person.name, id_number=person.id_number,
                     requested_at=_now())
    db.session.add(row)
    db.session.flush()
    audit.record("person.join_request", unit, f"{person.name} 申请加入 {unit.name}", actor=user)
    return row


def withdraw(user, membership_id) -> Membership:
    row = _pending(user, membership_id, P.PERSON, "不能撤回")
    row.state, row.ended_at = M.WITHDRAWN, _now()
    audit.record("person.join_withdraw", row.unit, f"{row.name} 撤回加入 {row.unit.name} 的申请", actor=user)
    db.session.flush()
    return row


def _own(user, membership_id) -> Membership:
    try:
        row = db.session.scalar(select(Membership).where(Membership.id == int(membership_id),
                                                         scope.memberships(user)))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise MembershipError("该申请不存在或无权操作")
    return row


def _pending(user, membership_id, permission, refusal: str) -> Membership:
    """A request still waiting for the unit, that the user (holding `permission`) may act on;
    MembershipError ending with `refusal` once it is no longer waiting."""
    require(user, permission, error=MembershipError)
    row = _own(user, membership_id)
    if row.state != M.PENDING:
        raise MembershipError(f"该申请状态为“{row.state_label}”，{refusal}")
    return row


def _pending_of_unit(user, membership_id) -> Membership:
    return _pending(user, membership_id, P.UNIT_PEOPLE, "已处理过")


def confirm(user, membership_id) -> Membership:
    """确认: the person becomes one of the unit's 工作人员; his confirmed membership elsewhere ends."""
    row = _pending_of_unit(user, membership_id)
    now = _now()
    for old in db.session.scalars(select(Membership).where(
            Membership.user_id == row.user_id, Membership.state == M.CONFIRMED, Membership.id != row.id)):
        old.state, old.ended_at = M.LEFT, now
    row.state, row.decided_at, row.decided_by_id = M.CONFIRMED, now, user.id
    audit.record("person.join_confirm", row.unit, f"确认 {row.name}（{row.id_number}）为本单位工作人员", actor=user)
    db.session.flush()
    return row


def decline(user, membership_id, reason: str) -> Membership:
    """不同意, with the reason the person reads in his history."""
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("请填写不同意的原因")
    if len(reason) > 300:
        raise MembershipError("原因不能超过300字")
    row = _pending_of_unit(user, membership_id)
    row.state, row.decided_at, row.decided_by_id, row.reason = M.DECLINED, _now(), user.id, reason
    row.ended_at = row.decided_at
    audit.record("person.join_decline", row.unit, f"不同意 {row.name} 加入：{reason}", actor=user)
    db.session.flush()
    return row


def is_member(user_id: int, unit_id: int) -> bool:
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == user_id, Membership.unit_id == unit_id, Membership.state == M.CONFIRMED)) is not None
