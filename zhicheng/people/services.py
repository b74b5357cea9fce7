"""人员基本信息: the checks, saving and deleting (services flush; the request commits).

Every row is reached through zhicheng.scope (person_records, appointments, people_units): a row
outside the user's units is not found, whoever asks. The same checks serve the forms and the
imports, so a row the form refuses is refused by an import with the same words.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import Material, Unit
from zhicheng.people.models import Appointment, PersonRecord
from zhicheng.people.values import GENDERS, ID_TYPE_WORDS, PeopleError, level_code, parse_date, text
from zhicheng.persons.models import IdType
from zhicheng.persons.services import normalise_id_number
from zhicheng.policy import P, require
from zhicheng.security import parse_id
from zhicheng.system import audit
from zhicheng.validators import ValidationError, birth_date_of, check_phone, gender_of

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


def unit_for(actor, unit_id) -> Unit:
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
    unit = unit_for(actor, unit_id)
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
    unit = unit_for(actor, unit_id if not actor.is_unit else record.unit_id)
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
