"""导入 of 人员基本信息 (also 接收原系统数据: historical people from the former system) and of 聘任,
from .xlsx files whose first row names the columns (the columns of 导出, so an exported file can be
imported again).

Each row is checked whole before anything of it is written: a row is applied entirely or not at
all, and the report says for every row 新增, 更新 (with what changed), 跳过 (nothing to change) or
未导入 with the reason. Importing the same file again changes nothing. An empty cell never clears
what is recorded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy import text as sql

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import Department, Unit
from zhicheng.people import appointments
from zhicheng.people.models import Appointment, PersonRecord, PostQuota
from zhicheng.people.services import clean_person
from zhicheng.people.values import PeopleError, text
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError

#: (key, header, other headers accepted, required)
UNIT_COLUMNS = [("unit_code", "单位代码", ("统一社会信用代码", "机构代码"), False),
                ("department", "主管单位", ("归口部门",), False)]
PERSON_COLUMNS = [
    ("name", "姓名", (), True),
    ("id_type", "证件类型", (), False),
    ("id_number", "证件号码", ("身份证号", "身份证号码"), True),
    ("gender", "性别", (), False),
    ("birth_date", "出生日期", (), False),
    *UNIT_COLUMNS,
    ("education", "学历", (), False),
    ("major", "现从事专业", ("专业",), False),
    ("qualification", "现有资格", ("资格名称",), False),
    ("qualification_level", "资格级别", (), False),
    ("qualified_on", "取得时间", ("资格取得时间",), False),
    ("phone", "联系电话", ("手机号码",), False),
]
APPOINTMENT_COLUMNS = [
    ("id_number", "证件号码", ("身份证号", "身份证号码"), True),
    ("name", "姓名", (), True),
    *UNIT_COLUMNS,
    ("post_title", "聘任职务", (), True),
    ("level", "岗位级别", (), True),
    ("grade", "岗位等级", (), False),
    ("start_date", "聘任起始日期", ("起始日期",), True),
    ("end_date", "聘任终止日期", ("终止日期",), False),
    ("over_quota_reason", "超比例聘任理由", (), False),
]
#: What an import may change on a recorded person (姓名 and 证件 are his key: a different 姓名 is refused).
UPDATABLE = {"gender": "性别", "birth_date": "出生日期", "education": "学历", "major": "现从事专业",
             "qualification": "现有资格", "qualification_level": "资格级别", "qualified_on": "取得时间",
             "phone": "联系电话"}
APPOINTMENT_FIELDS = {"post_title": "聘任职务", "level": "岗位级别", "grade": "岗位等级", "end_date": "聘任终止日期"}
STATUS_LABELS = {"added": "新增", "updated": "更新", "unchanged": "跳过", "rejected": "未导入"}
CHUNK = 900  # values in one IN (…): under SQLite's limit of bound parameters
ANALYZE_AFTER = 1000


@dataclass
class ReportRow:
    line: int
    name: str
    id_number: str
    status: str = ""
    reason: str = ""
    unit: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Report:
    title: str
    rows: list[ReportRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUS_LABELS}

    def summary(self) -> str:
        c = self.counts
        return (f"新增{c['added']}条，更新{c['updated']}条，跳过{c['unchanged']}条（信息未变化），"
                f"未导入{c['rejected']}条")


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


@dataclass(frozen=True)
class _UnitRef:
    id: int
    name: str
    uscc: str
    department: str


class UnitResolver:
    """单位代码 (统一社会信用代码) → a unit the importer manages; a code registered under several
    departments is told apart by 主管单位 (the department's name)."""

    def __init__(self, actor):
        self.actor = actor
        self.by_code: dict[str, list[_UnitRef]] = {}
        for row in db.session.execute(
                select(Unit.id, Unit.name, Unit.uscc, Department.name.label("department"))
                .join(Department, Department.id == Unit.department_id).where(scope.people_units(actor))):
            self.by_code.setdefault(row.uscc.upper(), []).append(_UnitRef(row.id, row.name, row.uscc, row.department))
        self.names = {ref.id: ref.name for refs in self.by_code.values() for ref in refs}

    def __call__(self, raw: dict) -> int | None:
        """The unit of the row; None when the row names none (staff: the person's recorded unit)."""
        code = text(raw.get("unit_code"), "单位代码", 30).upper().replace(" ", "")
        if self.actor.is_unit:
            own = self.by_code and next(iter(self.by_code.values()))[0]
            if code and (not own or code != own.uscc.upper()):
                raise PeopleError(f"单位代码{code}不是本单位的统一社会信用代码（单位只能导入本单位的人员）")
            return self.actor.unit_id
        if not code:
            return None
        found = self.by_code.get(code)
        if not found:
            raise PeopleError(f"单位代码{code}不是本部门管辖的注册单位")
        if len(found) > 1:
            department = text(raw.get("department"), "主管单位", 100)
            found = [ref for ref in found if ref.department == department]
            if len(found) != 1:
                raise PeopleError(f"单位代码{code}在多个主管部门下注册，请在“主管单位”列填写其归口部门名称")
        return found[0].id


def _visible_units(actor) -> set[int] | None:
    """Ids of the units whose people the importer may change; None: every unit (the root office)."""
    if actor.is_staff and actor.department is not None and actor.department.is_root:
        return None
    return set(db.session.scalars(select(Unit.id).where(scope.people_units(actor))))


def import_people(actor, rows: list[tuple[int, dict]], today: date | None = None) -> Report:
    """人员基本信息 / 接收原系统数据. `rows` are (row number, {column key: cell}) (read_xlsx_records with
    PERSON_COLUMNS). New people are inserted and changed ones updated in bulk: 10,000 rows take a
    few seconds."""
    require(actor, P.PEOPLE_EDIT)
    report = Report("导入人员基本信息")
    resolve = UnitResolver(actor)
    checked: list[tuple[ReportRow, dict, int | None, dict]] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        entry = ReportRow(line, str(raw.get("name") or "").strip()[:50], str(raw.get("id_number") or "").strip()[:32])
        report.rows.append(entry)
        try:
            data = clean_person(raw, today)
            entry.id_number = data["id_number"]
            if data["id_number"] in seen:
                raise PeopleError(f"与第{seen[data['id_number']]}行的证件号码重复")
            seen[data["id_number"]] = line
            unit_id = resolve(raw)
        except ValidationError as e:
            entry.status, entry.reason = "rejected", str(e)
            continue
        checked.append((entry, data, unit_id, raw))

    numbers = [data["id_number"] for _, data, _, _ in checked]
    existing = {}
    for i in range(0, len(numbers), CHUNK):
        for row in db.session.execute(select(
                PersonRecord.id, PersonRecord.id_number, PersonRecord.name, PersonRecord.unit_id,
                *(getattr(PersonRecord, key) for key in UPDATABLE)).where(
                PersonRecord.id_number.in_(numbers[i:i + CHUNK]))):
            existing[row.id_number] = row
    visible = _visible_units(actor)
    now = datetime.now().replace(microsecond=0)
    inserts, updates = [], []
    for entry, data, unit_id, raw in checked:
        old = existing.get(data["id_number"])
        if old is None:
            if unit_id is None:
                entry.status, entry.reason = "rejected", "请填写单位代码（新增人员须指明所在单位）"
                continue
            inserts.append({**data, "unit_id": unit_id, "source": "import", "created_at": now, "updated_at": now})
            entry.status, entry.unit = "added", resolve.names.get(unit_id, "")
            continue
        if visible is not None and old.unit_id not in visible:
            entry.status, entry.reason = "rejected", "该证件号码的人员已登记在其他单位；如已调入，请联系主管部门办理调动"
            continue
        if old.name != data["name"]:
            entry.status = "rejected"
            entry.reason = f"该证件号码已登记为“{old.name}”，与姓名不符；如已更名，请在人员信息中修改"
            continue
        changes = {key: data[key] for key in UPDATABLE
                   if not _blank(raw.get(key)) or (key in ("gender", "birth_date") and data[key])
                   if data[key] != getattr(old, key)}
        labels = [UPDATABLE[key] for key in changes]
        if unit_id is not None and unit_id != old.unit_id:
            changes["unit_id"] = unit_id
            labels.append(f"所在单位（调至{resolve.names.get(unit_id, '')}）")
        entry.unit = resolve.names.get(changes.get("unit_id", old.unit_id), "")
        if not changes:
            entry.status, entry.reason = "unchanged", "信息未变化"
            continue
        updates.append({"id": old.id, **changes, "updated_at": now})
        entry.status, entry.reason = "updated", "更新：" + "、".join(labels)
    if inserts:
        db.session.execute(insert(PersonRecord), inserts)
        if len(inserts) >= ANALYZE_AFTER and db.session.get_bind().dialect.name == "postgresql":
            # Thousands of rows at once: PostgreSQL's statistics (and the plans cached on pooled
            # connections) would still describe the table before them until autovacuum comes by,
            # and the next import's look-up by 证件号码 would read the whole table per batch.
            db.session.execute(sql("ANALYZE person_record"))
    if updates:
        db.session.execute(update(PersonRecord), updates)
    audit.record("person_record.import", None, f"{report.title}：{report.summary()}", actor=actor)
    db.session.flush()
    return report


@dataclass
class _Held:
    """A 聘任 of a person at a unit, as far as the overlap check needs it (id None: added by this import)."""
    id: int | None
    start_date: date
    end_date: date | None
    post_title: str

    def overlaps(self, start: date, end: date | None) -> bool:
        return self.start_date <= (end or date.max) and (self.end_date is None or self.end_date >= start)


def _appointment_number(raw: dict) -> str:
    return text(raw.get("id_number"), "证件号码", 32, required=True).upper().replace(" ", "")


def import_appointments(actor, rows: list[tuple[int, dict]], today: date | None = None) -> Report:
    """聘任 by 证件号码 (the person must be recorded, in a unit the importer manages), 单位 and 聘任起始日期:
    a 聘任 with these three already recorded is updated (or left as it is), any other is added. The
    checks of the form apply, 岗位结构比例 too: a row that takes its unit over its quota needs
    超比例聘任理由. The people, their 聘任 and the units' quotas are read once; new 聘任 at units without
    a quota are inserted in bulk (10,000 rows take seconds), the others saved one by one as the form
    saves them."""
    require(actor, P.PEOPLE_EDIT)
    report = Report("导入聘任信息")
    resolve = UnitResolver(actor)
    numbers = []
    for _, raw in rows:  # read as each row is read below; a bad cell is reported there
        try:
            numbers.append(_appointment_number(raw))
        except ValidationError:
            pass
    numbers = list(set(numbers))
    people: dict[str, PersonRecord] = {}
    for i in range(0, len(numbers), CHUNK):
        people.update((p.id_number, p) for p in db.session.scalars(select(PersonRecord).where(
            PersonRecord.id_number.in_(numbers[i:i + CHUNK]), scope.person_records(actor))))
    ids = [p.id for p in people.values()]
    held: dict[tuple[int, int], list[_Held]] = {}
    existing: dict[tuple[int, int, date], Appointment] = {}
    for i in range(0, len(ids), CHUNK):
        for a in db.session.scalars(select(Appointment).where(Appointment.person_id.in_(ids[i:i + CHUNK]))):
            existing[(a.person_id, a.unit_id, a.start_date)] = a
            held.setdefault((a.person_id, a.unit_id), []).append(_Held(a.id, a.start_date, a.end_date, a.post_title))
    quota_units = set(db.session.scalars(select(PostQuota.unit_id)))
    visible = _visible_units(actor)
    now = datetime.now().replace(microsecond=0)
    inserts: list[dict] = []
    seen: dict[tuple, int] = {}
    for line, raw in rows:
        entry = ReportRow(line, str(raw.get("name") or "").strip()[:50], str(raw.get("id_number") or "").strip()[:32])
        report.rows.append(entry)
        try:
            number = _appointment_number(raw)
            entry.id_number = number
            person = people.get(number)
            if person is None:
                raise PeopleError("人员基本信息中没有该证件号码的人员（或不在本单位、本部门管辖范围内），请先导入人员基本信息")
            name = text(raw.get("name"), "姓名", 50, required=True)
            if name != person.name:
                raise PeopleError(f"姓名与人员基本信息不符（该证件号码登记为“{person.name}”）")
            unit_id = resolve(raw) or person.unit_id
            entry.unit = resolve.names.get(unit_id, "")
            data = appointments.clean_appointment(raw)
            key = (person.id, unit_id, data["start_date"])
            if key in seen:
                raise PeopleError(f"与第{seen[key]}行是同一聘任（同一人员、单位和起始日期）")
            seen[key] = line
            old = existing.get(key)
            intervals = held.setdefault((person.id, unit_id), [])
            other = next((h for h in intervals if (old is None or h.id != old.id)
                          and h.overlaps(data["start_date"], data["end_date"])), None)
            if other is not None:
                until = f"至{other.end_date}" if other.end_date else "至今"
                raise PeopleError(f"与{person.name}在{entry.unit}的另一聘任（{other.start_date}{until}，"
                                  f"{other.post_title}）时间重叠", field="start_date")
            if old is not None:
                changed = [label for k, label in APPOINTMENT_FIELDS.items() if getattr(old, k) != data[k]]
                if not changed:
                    entry.status, entry.reason = "unchanged", "信息未变化"
                    continue
                if not data["reason"]:  # an over-quota 聘任 keeps the reason it was made with
                    raw = {**raw, "over_quota_reason": old.over_quota_reason}
                appointments.save_appointment(actor, old, person, raw, unit_id, today=today, audited=False)
                mine = next(h for h in intervals if h.id == old.id)
                mine.end_date, mine.post_title = old.end_date, old.post_title
                entry.status, entry.reason = "updated", "更新：" + "、".join(changed)
                continue
            if unit_id in quota_units:
                appointments.save_appointment(actor, None, person, raw, unit_id, today=today, audited=False)
            elif visible is not None and unit_id not in visible:
                raise PeopleError("请选择本部门管辖的单位", field="unit_id")
            else:
                inserts.append({"person_id": person.id, "unit_id": unit_id, "post_title": data["post_title"],
                                "level": data["level"], "grade": data["grade"], "start_date": data["start_date"],
                                "end_date": data["end_date"], "over_quota": False, "over_quota_reason": "",
                                "created_by": actor.username, "created_at": now, "updated_at": now})
            intervals.append(_Held(None, data["start_date"], data["end_date"], data["post_title"]))
            entry.status = "added"
        except appointments.QuotaExceeded as e:
            entry.status = "rejected"
            entry.reason = f"{e.excess.summary}，此行聘任将超出岗位结构比例；确需聘任的，请在“超比例聘任理由”列填写理由"
        except ValidationError as e:
            entry.status, entry.reason = "rejected", str(e)
    if inserts:
        db.session.execute(insert(Appointment), inserts)
    audit.record("appointment.import", None, f"{report.title}：{report.summary()}", actor=actor)
    db.session.flush()
    return report
