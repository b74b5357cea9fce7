"""人员基本信息 and 聘任: the checks, saving and deleting (services flush; the request commits).

Every row is reached through zhicheng.scope (person_records, appointments, people_units): a row
outside the user's units is not found, whoever asks. The same checks serve the forms and the
imports, so a row the form refuses is refused by an import with the same words.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from zhicheng import scope, textcheck
from zhicheng.extensions import db
from zhicheng.models import Material, Unit
from zhicheng.people.models import (
    GRADE_LEVELS,
    LEVELS,
    QUOTA_MODES,
    Appointment,
    PersonRecord,
    PostQuota,
    grade_label,
)
from zhicheng.persons.models import ID_TYPE_LABELS, IdType
from zhicheng.persons.services import normalise_id_number
from zhicheng.policy import P, require
from zhicheng.security import parse_id
from zhicheng.system import audit
from zhicheng.validators import ValidationError, birth_date_of, check_phone, gender_of


class PeopleError(ValidationError):
    """A 人员 or 聘任 refused: `field` names the form input the message belongs to."""


GENDERS = ("男", "女")
#: Words people write for a 级别 (资格级别 or 岗位级别) in a spreadsheet.
LEVEL_WORDS = {**{label: code for code, label in LEVELS.items()}, **{code: code for code in LEVELS},
               "正高": "senior", "副高": "deputy", "高级": "deputy", "助理级": "junior", "员级": "junior"}
ID_TYPE_WORDS = {**{label: code for code, label in ID_TYPE_LABELS.items()}, **{str(c): str(c) for c in IdType},
                 "身份证": IdType.RESIDENT, "港澳台居民居住证": IdType.HMT_PERMIT}


# --- reading values ------------------------------------------------------------------------

def text(value, label: str, limit: int, *, required: bool = False, field: str | None = None) -> str:
    """A cell or form value as stripped text, checked for length and invisible characters."""
    if value is None:
        value = ""
    elif isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a spreadsheet cell
    out = str(value).strip()
    if required and not out:
        raise PeopleError(f"请填写{label}", field=field)
    if len(out) > limit:
        raise PeopleError(f"{label}不能超过{limit}字", field=field)
    try:
        return textcheck.check(out, label)
    except ValidationError as e:
        raise PeopleError(str(e), field=field) from None


def parse_date(value, label: str, *, field: str | None = None) -> date | None:
    """A date from a form, a date cell or text such as 2015-06-30, 2015/6/30, 2015.06.30 or
    2015年6月30日 (a month alone, 2015-06, is its first day); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    cleaned = raw.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    parts = [p for p in cleaned.split("-") if p != ""]
    try:
        if len(parts) == 1 and len(parts[0]) == 8 and parts[0].isdigit():
            parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
        numbers = [int(p) for p in parts]
        if len(numbers) == 2:
            numbers.append(1)
        if len(numbers) != 3:
            raise ValueError
        return date(*numbers)
    except ValueError:
        raise PeopleError(f"{label}格式不正确（如2015-06-30）", field=field) from None


def level_code(value, label: str, *, field: str | None = None, required: bool = False) -> str:
    word = text(value, label, 10, field=field).replace(" ", "")
    if not word:
        if required:
            raise PeopleError(f"请选择{label}", field=field)
        return ""
    code = LEVEL_WORDS.get(word)
    if code is None:
        raise PeopleError(f"{label}应为正高级、副高级、中级或初级", field=field)
    return code


def grade_number(value, *, field: str | None = "grade") -> int | None:
    """岗位等级 from 7, 7.0, 七级, 专业技术七级 or 专业技术七级岗位; None when empty."""
    word = text(value, "岗位等级", 20, field=field).replace("专业技术", "").replace("岗位", "").replace("级", "")
    if not word:
        return None
    numerals = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                "十一": 11, "十二": 12, "十三": 13}
    number = numerals.get(word) or (int(word) if word.isdigit() else None)
    if number not in GRADE_LEVELS:
        raise PeopleError("岗位等级应为专业技术一级至十三级", field=field)
    return number


# --- 人员基本信息 ------------------------------------------------------------------------------

PERSON_FIELDS = ("id_type", "id_number", "name", "gender", "birth_date", "education", "major", "qualification",
                 "qualification_level", "qualified_on", "phone")


def clean_person(raw: Mapping, today: date | None = None) -> dict:
    """The person's fields checked and normalised (PeopleError naming the first wrong one). For a
    居民身份证 or 港澳台居民居住证, 性别 and 出生日期 come from the number when left empty and must
    agree with it when given."""
    today = today or date.today()
    out: dict = {"name": text(raw.get("name"), "姓名", 50, required=True, field="name")}
    id_type = ID_TYPE_WORDS.get(text(raw.get("id_type"), "证件类型", 20, field="id_type") or IdType.RESIDENT)
    if id_type is None:
        raise PeopleError("证件类型应为居民身份证、港澳台居民居住证或护照", field="id_type")
    out["id_type"] = str(id_type)
    try:
        out["id_number"] = normalise_id_number(id_type, text(raw.get("id_number"), "证件号码", 32, field="id_number"))
    except ValidationError as e:
        raise PeopleError(str(e), field="id_number") from None
    gender = text(raw.get("gender"), "性别", 4, field="gender")
    if gender and gender not in GENDERS:
        raise PeopleError("性别应为男或女", field="gender")
    born = parse_date(raw.get("birth_date"), "出生日期", field="birth_date")
    if id_type in (IdType.RESIDENT, IdType.HMT_PERMIT):
        own_gender, own_birth = gender_of(out["id_number"]), birth_date_of(out["id_number"])
        if gender and gender != own_gender:
            raise PeopleError(f"性别与证件号码不符（证件号码为{own_gender}性）", field="gender")
        if born and born != own_birth:
            raise PeopleError(f"出生日期与证件号码不符（证件号码为{own_birth:%Y-%m-%d}）", field="birth_date")
        gender, born = own_gender, own_birth
    if born and born > today:
        raise PeopleError("出生日期不能晚于今天", field="birth_date")
    out["gender"], out["birth_date"] = gender, born
    out["education"] = text(raw.get("education"), "学历", 50, field="education")
    out["major"] = text(raw.get("major"), "现从事专业", 100, field="major")
    out["qualification"] = text(raw.get("qualification"), "现有资格", 100, field="qualification")
    out["qualification_level"] = level_code(raw.get("qualification_level"), "资格级别", field="qualification_level")
    out["qualified_on"] = parse_date(raw.get("qualified_on"), "取得时间", field="qualified_on")
    if out["qualified_on"] and out["qualified_on"] > today:
        raise PeopleError("取得时间不能晚于今天", field="qualified_on")
    if out["qualified_on"] and born and out["qualified_on"] <= born:
        raise PeopleError("取得时间应晚于出生日期", field="qualified_on")
    phone = text(raw.get("phone"), "联系电话", 30, field="phone")
    try:
        out["phone"] = check_phone(phone) if phone else ""
    except ValidationError as e:
        raise PeopleError(str(e), field="phone") from None
    return out


def visible_person(user, person_id) -> PersonRecord | None:
    person_id = parse_id(person_id)
    if person_id is None:
        return None
    return db.session.scalar(select(PersonRecord).where(PersonRecord.id == person_id, scope.person_records(user)))


def visible_unit(user, unit_id) -> Unit | None:
    """A unit whose people the user manages, by its id (as posted: text), or None."""
    unit_id = parse_id(unit_id)
    if unit_id is None:
        return None
    return db.session.scalar(select(Unit).where(Unit.id == unit_id, scope.people_units(user)))


def unit_choices(user) -> list[tuple[int, str]]:
    """The units of the user's 人员 and 聘任 dropdowns (his own; the units under his department)."""
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.uscc).where(scope.people_units(user))
                              .order_by(Unit.name, Unit.id)).all()
    return [(r.id, f"{r.name}（{r.uscc}）") for r in rows]


def _unit_for(actor, unit_id) -> Unit:
    """The unit a record or 聘任 is saved for: a unit account's own; for staff one they manage."""
    if actor.is_unit:
        unit_id = actor.unit_id
    unit = visible_unit(actor, unit_id)
    if unit is None:
        raise PeopleError("请选择本部门管辖的单位", field="unit_id")
    return unit


def _record_with(id_number: str) -> PersonRecord | None:
    return db.session.scalar(select(PersonRecord).where(PersonRecord.id_number == id_number))


def refuse_other_unit(actor, existing: PersonRecord) -> None:
    """A 证件号码 already registered: named for those who see it, without a word on the unit for others."""
    if visible_person(actor, existing.id) is not None:
        raise PeopleError(f"证件号码{existing.id_number}已登记（{existing.name}），请在人员列表中查找后修改",
                          field="id_number")
    raise PeopleError("该证件号码的人员已登记在其他单位；如已调入，请联系主管部门办理调动", field="id_number")


def add_person(actor, raw: Mapping, unit_id=None, source: str = "manual") -> PersonRecord:
    require(actor, P.PEOPLE_EDIT)
    data = clean_person(raw)
    unit = _unit_for(actor, unit_id)
    existing = _record_with(data["id_number"])
    if existing is not None:
        refuse_other_unit(actor, existing)
    record = PersonRecord(unit_id=unit.id, source=source, **data)
    db.session.add(record)
    db.session.flush()
    audit.record("person_record.create", record, f"新增人员基本信息：{record.name}（{unit.name}）", actor=actor)
    return record


def update_person(actor, record: PersonRecord, raw: Mapping, unit_id=None) -> PersonRecord:
    """修改 (证件类型 and 证件号码 are the key and stay); staff may move the person to another unit
    they manage (调动)."""
    require(actor, P.PEOPLE_EDIT)
    if visible_person(actor, record.id) is None:
        raise PeopleError("该人员不存在或不在本单位（部门）管辖范围内")
    data = clean_person({**raw, "id_type": record.id_type, "id_number": record.id_number})
    unit = _unit_for(actor, unit_id if not actor.is_unit else record.unit_id)
    moved = unit.id != record.unit_id
    before = record.unit.name
    for key, value in data.items():
        setattr(record, key, value)
    record.unit_id = unit.id
    db.session.flush()
    detail = f"修改人员基本信息：{record.name}" + (f"，由{before}调至{unit.name}" if moved else "")
    audit.record("person_record.update", record, detail, actor=actor)
    return record


def delete_person(actor, record: PersonRecord) -> None:
    require(actor, P.PEOPLE_EDIT)
    if visible_person(actor, record.id) is None:
        raise PeopleError("该人员不存在或不在本单位（部门）管辖范围内")
    if db.session.scalar(select(Appointment.id).where(Appointment.person_id == record.id).limit(1)) is not None:
        raise PeopleError(f"{record.name}有聘任记录，不能删除；请先删除其聘任记录")
    audit.record("person_record.delete", record, f"删除人员基本信息：{record.name}（{record.id_number}）", actor=actor)
    db.session.delete(record)
    db.session.flush()


#: A certificate's 级别 as a 资格级别 (its 高级 may be 正高 or 副高: left for a person to say).
CERTIFICATE_LEVELS = {"junior": "junior", "middle": "middle"}


def _latest_certificates(numbers: list[str]) -> dict:
    """The latest valid certificate (issued or imported) of each 证件号码: the person's 现有资格."""
    from zhicheng.certificates.models import Certificate
    out = {}
    for i in range(0, len(numbers), 900):
        for cert in db.session.scalars(select(Certificate).where(
                Certificate.id_card.in_(numbers[i:i + 900]), Certificate.state == "valid")
                .order_by(Certificate.obtained_on, Certificate.id)):
            out[cert.id_card] = cert
    return out


def collect_from_materials(actor) -> tuple[int, int, int]:
    """从申报材料生成: a record for each applicant (by 身份证号) of the materials the user sees who has
    none yet, filled from his latest material, in that material's unit (性别 and 出生日期 from the
    身份证号; 现有资格 from his latest valid certificate, if any). Returns (added, already recorded, left out: data that no longer passes the checks)."""
    require(actor, P.PEOPLE_EDIT)
    rows = db.session.execute(
        select(Material.id_card, Material.name, Material.unit_id, Material.education, Material.current_major,
               Material.current_title, Material.phone)
        .where(scope.materials(actor), Material.unit_id.in_(select(Unit.id).where(scope.people_units(actor))))
        .order_by(Material.id.desc())).all()
    latest: dict[str, tuple] = {}
    for row in rows:
        latest.setdefault(row.id_card, row)
    known = set()
    numbers = list(latest)
    for i in range(0, len(numbers), 900):
        known.update(db.session.scalars(select(PersonRecord.id_number).where(
            PersonRecord.id_number.in_(numbers[i:i + 900]))))
    certified = _latest_certificates([n for n in numbers if n not in known])
    added, left_out = [], 0
    for number, row in latest.items():
        if number in known:
            continue
        cert = certified.get(number)
        try:
            data = clean_person({
                "name": row.name, "id_number": number, "education": row.education, "major": row.current_major,
                "qualification": cert.qualification if cert else row.current_title,
                "qualification_level": CERTIFICATE_LEVELS.get(cert.level, "") if cert else "",
                "qualified_on": cert.obtained_on if cert else None, "phone": row.phone})
        except ValidationError:
            left_out += 1  # for a person to enter by hand
            continue
        added.append(PersonRecord(unit_id=row.unit_id, source="materials", **data))
    db.session.add_all(added)
    db.session.flush()
    audit.record("person_record.collect", None, f"从申报材料生成人员基本信息：新增{len(added)}人", actor=actor)
    return len(added), len(known), left_out


# --- 结构比例 and 聘任 --------------------------------------------------------------------------

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
    unit = _unit_for(actor, unit_id if unit_id is not None else (appointment.unit_id if appointment else person.unit_id))
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
