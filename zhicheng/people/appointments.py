"""聘任 and 岗位结构比例: the checks, saving and deleting (services flush; the request commits).

Every row is reached through zhicheng.scope (appointments, people_units): a 聘任 or unit outside
the user's units is not found, whoever asks. The form and the import share these checks.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import Unit
from zhicheng.people.models import GRADE_LEVELS, LEVELS, QUOTA_MODES, Appointment, PersonRecord, PostQuota, grade_label
from zhicheng.people.services import unit_for, visible_person, visible_unit
from zhicheng.people.values import PeopleError, grade_number, level_code, parse_date, text
from zhicheng.policy import P, require
from zhicheng.system import audit


def active_on(day: date):
    """聘任 in force on `day`."""
    return (Appointment.start_date <= day) & ((Appointment.end_date.is_(None)) | (Appointment.end_date >= day))


def quota_of(unit_id: int) -> PostQuota | None:
    return db.session.scalar(select(PostQuota).where(PostQuota.unit_id == unit_id))


@dataclass(frozen=True)
class QuotaExcess:
    """A 聘任 that would take its unit over the posts of its 级别."""

    unit_name: str
    level: str
    allowed: int
    holding: int  # the unit's other 聘任 of the 级别 in force

    @property
    def summary(self) -> str:
        return f"{self.unit_name}{LEVELS[self.level]}岗位核定{self.allowed}个，已聘任{self.holding}人"

    @property
    def message(self) -> str:
        return f"{self.summary}，此次聘任将超出岗位结构比例。确需聘任的，请填写超比例聘任理由"


class QuotaExceeded(PeopleError):
    def __init__(self, excess: QuotaExcess):
        super().__init__(excess.message, field="over_quota_reason")
        self.excess = excess


def quota_excess(unit: Unit, level: str, start: date, end: date | None, exclude_id: int | None = None,
                 today: date | None = None) -> QuotaExcess | None:
    """Whether a 聘任 of `level` at `unit` from `start` to `end` takes the unit over its quota: counted
    on the day it is in force (today, or its start if later); one that ended before today is history
    and is not counted against anything."""
    day = max(start, today or date.today())
    if end is not None and end < day:
        return None
    quota = quota_of(unit.id)
    if quota is None:
        return None
    stmt = select(func.count()).select_from(Appointment).where(
        Appointment.unit_id == unit.id, Appointment.level == level, active_on(day))
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    holding = db.session.scalar(stmt)
    allowed = quota.posts(level)
    return QuotaExcess(unit.name, level, allowed, holding) if holding + 1 > allowed else None


def clean_appointment(raw: Mapping) -> dict:
    out = {"post_title": text(raw.get("post_title"), "聘任职务", 100, required=True, field="post_title"),
           "level": level_code(raw.get("level"), "岗位级别", field="level", required=True),
           "grade": grade_number(raw.get("grade")),
           "start_date": parse_date(raw.get("start_date"), "聘任起始日期", field="start_date"),
           "end_date": parse_date(raw.get("end_date"), "聘任终止日期", field="end_date"),
           "reason": text(raw.get("over_quota_reason"), "超比例聘任理由", 500, field="over_quota_reason")}
    if out["grade"] is not None and GRADE_LEVELS[out["grade"]] != out["level"]:
        raise PeopleError(f"岗位等级与岗位级别不一致：{grade_label(out['grade'])}属于"
                          f"{LEVELS[GRADE_LEVELS[out['grade']]]}岗位", field="grade")
    if out["start_date"] is None:
        raise PeopleError("请填写聘任起始日期", field="start_date")
    if out["end_date"] is not None and out["end_date"] < out["start_date"]:
        raise PeopleError("聘任终止日期不能早于起始日期", field="end_date")
    return out


def _overlapping(person_id: int, unit_id: int, start: date, end: date | None, exclude_id: int | None):
    far = date.max
    stmt = select(Appointment).where(
        Appointment.person_id == person_id, Appointment.unit_id == unit_id,
        Appointment.start_date <= (end or far),
        (Appointment.end_date.is_(None)) | (Appointment.end_date >= start))
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    return db.session.scalar(stmt.limit(1))


def save_appointment(actor, appointment: Appointment | None, person: PersonRecord, raw: Mapping, unit_id=None,
                     *, today: date | None = None, audited: bool = True) -> Appointment:
    """新增 (appointment None) or 修改 a 聘任 of `person`. Refused when it overlaps another 聘任 of his
    at the same unit; one that takes the unit over its 岗位结构比例 needs 超比例聘任理由 (QuotaExceeded
    otherwise), which is kept with it. Nothing is written before every check passed."""
    require(actor, P.PEOPLE_EDIT)
    if appointment is None:
        if visible_person(actor, person.id) is None:
            raise PeopleError("该人员不存在或不在本单位（部门）管辖范围内")
    # A unit keeps the 聘任 it made of a person who has since moved on: it may still end it.
    elif appointment.person_id != person.id or db.session.scalar(select(Appointment.id).where(
            Appointment.id == appointment.id, scope.appointments(actor))) is None:
        raise PeopleError("该聘任记录不存在或不在本单位（部门）管辖范围内")
    data = clean_appointment(raw)
    unit = unit_for(actor, unit_id if unit_id is not None else (appointment.unit_id if appointment else person.unit_id))
    exclude = appointment.id if appointment is not None else None
    other = _overlapping(person.id, unit.id, data["start_date"], data["end_date"], exclude)
    if other is not None:
        until = f"至{other.end_date}" if other.end_date else "至今"
        raise PeopleError(f"与{person.name}在{unit.name}的另一聘任（{other.start_date}{until}，{other.post_title}）"
                          "时间重叠", field="start_date")
    excess = quota_excess(unit, data["level"], data["start_date"], data["end_date"], exclude, today)
    reason = data.pop("reason")
    if excess is not None and not reason:
        raise QuotaExceeded(excess)
    created = appointment is None
    if created:
        appointment = Appointment(person_id=person.id, created_by=actor.username)
        db.session.add(appointment)
    appointment.unit_id = unit.id
    for key, value in data.items():
        setattr(appointment, key, value)
    appointment.over_quota = excess is not None
    appointment.over_quota_reason = reason if excess is not None else ""
    db.session.flush()
    if audited:
        verb = "新增" if created else "修改"
        audit.record(f"appointment.{'create' if created else 'update'}", appointment,
                     f"{verb}聘任：{person.name}，{unit.name}，{appointment.post_title}（{appointment.level_label}），"
                     f"{appointment.start_date}起", actor=actor)
    if excess is not None:
        audit.record("appointment.over_quota", appointment,
                     f"超比例聘任：{excess.summary}；理由：{reason}", actor=actor)
    return appointment


def delete_appointment(actor, appointment: Appointment) -> None:
    require(actor, P.PEOPLE_EDIT)
    if db.session.scalar(select(Appointment.id).where(Appointment.id == appointment.id,
                                                      scope.appointments(actor))) is None:
        raise PeopleError("该聘任记录不存在或不在本单位（部门）管辖范围内")
    audit.record("appointment.delete", appointment,
                 f"删除聘任：{appointment.person.name}，{appointment.unit.name}，{appointment.post_title}，"
                 f"{appointment.start_date}起", actor=actor)
    db.session.delete(appointment)
    db.session.flush()


def clean_quota(raw: Mapping) -> dict:
    mode = str(raw.get("mode") or "count")
    if mode not in QUOTA_MODES:
        raise PeopleError("请选择核定方式", field="mode")
    out: dict = {"mode": mode, "note": text(raw.get("note"), "核准文号或说明", 200, field="note")}
    unit_word = "%" if mode == "ratio" else "个"
    for level, label in LEVELS.items():
        value = raw.get(level)
        value = "" if value is None else str(value).strip()
        if not value:
            value = "0"
        if not value.isdigit() or len(value) > 6:
            raise PeopleError(f"{label}应为不小于0的整数（{unit_word}）", field=level)
        out[level] = int(value)
    if mode == "ratio":
        total = str(raw.get("total") or "").strip()
        if not total.isdigit() or int(total) <= 0 or len(total) > 6:
            raise PeopleError("按比例核定时，请填写专业技术岗位总量（大于0的整数）", field="total")
        out["total"] = int(total)
        if any(out[level] > 100 for level in LEVELS):
            raise PeopleError("各级别比例应在0至100%之间", field=next(lv for lv in LEVELS if out[lv] > 100))
        if sum(out[level] for level in LEVELS) > 100:
            raise PeopleError("各级别比例之和不能超过100%", field="junior")
    else:
        out["total"] = None
    return out


def set_quota(actor, unit_id, raw: Mapping) -> PostQuota:
    """设置岗位结构比例 of a unit under the staff member's department (his own subtree)."""
    require(actor, P.POST_QUOTA)
    unit = visible_unit(actor, unit_id)
    if unit is None:
        raise PeopleError("该单位不存在或不在本部门管辖范围内")
    data = clean_quota(raw)
    quota = quota_of(unit.id)
    if quota is None:
        quota = PostQuota(unit_id=unit.id)
        db.session.add(quota)
    for key, value in data.items():
        setattr(quota, key, value)
    quota.updated_by = actor.username
    db.session.flush()
    audit.record("post_quota.update", quota, f"设置岗位结构比例：{unit.name}，{quota.describe()}", actor=actor)
    return quota


def clear_quota(actor, unit_id) -> None:
    require(actor, P.POST_QUOTA)
    unit = visible_unit(actor, unit_id)
    quota = quota_of(unit.id) if unit is not None else None
    if quota is None:
        raise PeopleError("该单位未设置岗位结构比例")
    audit.record("post_quota.delete", quota, f"清除岗位结构比例：{unit.name}", actor=actor)
    db.session.delete(quota)
    db.session.flush()
