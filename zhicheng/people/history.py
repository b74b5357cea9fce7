"""A person's whole 职称 history on one page: his materials (states and dates, 审核记录, 评审结果),
certificates, 聘任 and units, and his self-registered account, each gathered by his 证件号码 and each
through the viewer's own scope (a department sees the materials that reached it, a unit its own)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.boards.models import MeetingMaterial, MeetingResult
from zhicheng.certificates.models import Certificate
from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord
from zhicheng.people.models import Appointment, PersonRecord
from zhicheng.persons.models import Membership, MembershipState, Person


@dataclass(frozen=True)
class Event:
    """One line of the 职称历程."""

    on: date
    kind: str
    text: str


@dataclass
class MaterialEntry:
    material: Material
    result: MeetingResult | None = None
    records: list[ReviewRecord] = field(default_factory=list)

    @property
    def result_text(self) -> str:
        r = self.result
        if r is None:
            return ""
        verdict = "评审通过" if r.passed else "评审未通过"
        return f"{verdict}（出席{r.present}人，同意{r.approve}，不同意{r.reject}，弃权{r.abstain}）"


@dataclass
class History:
    record: PersonRecord
    account: Person | None
    account_unit: str
    appointments: list[Appointment]
    materials: list[MaterialEntry]
    certificates: list[Certificate]
    events: list[Event]
    units: list[str]


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def person_history(user, record: PersonRecord, today: date | None = None) -> History:
    """`record` must already be one the user sees (the view loaded it through scope.person_records)."""
    today = today or date.today()
    number = record.id_number
    appointments = list(db.session.scalars(
        select(Appointment).where(Appointment.person_id == record.id, scope.appointments(user))
        .options(joinedload(Appointment.unit)).order_by(Appointment.start_date.desc(), Appointment.id.desc())))
    materials = list(db.session.scalars(
        select(Material).where(Material.id_card == number, scope.materials(user))
        .options(joinedload(Material.project), joinedload(Material.unit)).order_by(Material.id)))
    entries = {m.id: MaterialEntry(m) for m in materials}
    if entries:
        for result, material_id in db.session.execute(
                select(MeetingResult, MeetingMaterial.material_id)
                .join(MeetingMaterial, MeetingMaterial.id == MeetingResult.meeting_material_id)
                .where(MeetingMaterial.material_id.in_(entries), scope.meeting_results(user))
                .order_by(MeetingResult.id)):
            entries[material_id].result = result  # the latest meeting's result
        for rec in db.session.scalars(
                select(ReviewRecord).where(ReviewRecord.material_id.in_(entries), scope.review_records(user))
                .options(joinedload(ReviewRecord.department)).order_by(ReviewRecord.at, ReviewRecord.id)):
            entries[rec.material_id].records.append(rec)
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.id_card == number, scope.person_certificates(user))
        .order_by(Certificate.obtained_on, Certificate.id)))
    account = db.session.scalar(select(Person).where(Person.id_number == number, Person.id_type == record.id_type))
    account_unit = ""
    if account is not None:
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == account.user_id, Membership.state == MembershipState.CONFIRMED).limit(1))
        account_unit = membership.unit.name if membership is not None else ""

    events: list[Event] = []
    for entry in entries.values():
        m = entry.material
        title = f"{m.project.name}（{m.qualification or m.series}，{m.unit.name}）"
        events.append(Event(_day(m.created_at), "申报", f"填写申报材料 {m.number or ''} {title}"))
        for rec in entry.records:
            where = f"，{rec.department.name}" if rec.department is not None else ""
            events.append(Event(_day(rec.at), rec.action_label, f"{m.number or ''} {m.project.name}{where}"))
        if entry.result is not None:
            events.append(Event(_day(entry.result.fixed_at), "评审结果", f"{m.project.name}：{entry.result_text}"))
    for cert in certificates:
        state = "" if cert.state == "valid" else f"（{cert.state_label}）"
        events.append(Event(cert.obtained_on, "取得资格",
                            f"{cert.qualification}，证书编号{cert.number}，{cert.issuing_body}{state}"))
    if record.qualified_on and not any(c.obtained_on == record.qualified_on for c in certificates):
        events.append(Event(record.qualified_on, "取得资格", f"{record.qualification or '现有资格'}（人员信息登记）"))
    for a in appointments:
        events.append(Event(a.start_date, "聘任", f"{a.unit.name} {a.post_title}（{a.level_label}"
                                                   f"{'，' + a.grade_label if a.grade else ''}）"))
        if a.end_date is not None and a.end_date <= today:
            events.append(Event(a.end_date, "解聘", f"{a.unit.name} {a.post_title}"))
    events.sort(key=lambda e: e.on)

    units: list[str] = []
    for name in [a.unit.name for a in reversed(appointments)] + [m.unit.name for m in materials] + [record.unit.name]:
        if name not in units:
            units.append(name)
    return History(record, account, account_unit, appointments, list(entries.values()), certificates, events, units)
