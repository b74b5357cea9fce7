"""What changed since a material was last returned.

When a department returns a material (review.workflow.return_materials) a snapshot of everything
the applicant may change is kept with that 审核记录. After the material comes back, the reviewer's
details page compares it with the material as it is now: each changed field (old → new), the rows
of 学历学位 and 工作经历 removed and added, and the attachments removed and added.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zhicheng.checks.models import ReturnSnapshot
from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord

#: The fields compared, in the order of the form, with their labels.
FIELDS = (
    ("name", "姓名"), ("gender", "性别"), ("birth_date", "出生日期"), ("id_card", "身份证号"), ("phone", "手机"),
    ("work_start_date", "参加工作时间"), ("current_major", "现从事专业"), ("series", "申报系列"),
    ("major", "申报专业"), ("qualification", "申报资格名称"), ("education", "学历"), ("current_title", "现任职务"),
    ("current_qualification", "现有资格"), ("current_qualification_date", "取得现有资格时间"), ("exceptional", "破格申报"),
    ("exception_reason", "破格理由"), ("achievements", "专业技术工作业绩"), ("unit_opinion", "单位意见"),
)
EDUCATION_COLUMNS = ("start_date", "end_date", "school", "major", "education", "degree")
WORK_COLUMNS = ("start_date", "end_date", "employer", "post", "duty")
#: Long texts are shown cut to this many characters on each side.
SHOWN_MAX = 300


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    return "" if value is None else value


def _row_text(values: list) -> str:
    dates = f"{values[0] or ''}至{values[1] or '今'}"
    return " ".join([dates, *(str(v) for v in values[2:] if v)])


def snapshot_data(material: Material) -> dict:
    """Everything the comparison reads, as JSON-able values."""
    return {
        "fields": {name: _plain(getattr(material, name)) for name, _ in FIELDS},
        "educations": [_row_text([_plain(getattr(r, c)) for c in EDUCATION_COLUMNS]) for r in material.educations],
        "work_histories": [_row_text([_plain(getattr(r, c)) for c in WORK_COLUMNS]) for r in material.work_histories],
        # An attachment is known by its stored name: a row id may be used again once deleted (SQLite).
        "attachments": [{"file": a.stored_name, "kind": a.kind_label, "name": a.title or a.original_name}
                        for a in material.attachments],
    }


def take_snapshot(material: Material, record: ReviewRecord) -> ReturnSnapshot:
    """Kept with the 退回 record, in the workflow's transaction."""
    db.session.flush()  # the record's id
    row = ReturnSnapshot(material_id=material.id, record_id=record.id, at=record.at, data=snapshot_data(material))
    db.session.add(row)
    return row


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Changes:
    """The differences between the snapshot of the last 退回 and the material now."""

    returned_at: datetime
    department: str
    reason: str
    fields: list[FieldChange] = field(default_factory=list)
    rows_removed: list[tuple[str, str]] = field(default_factory=list)  # (table, row)
    rows_added: list[tuple[str, str]] = field(default_factory=list)
    attachments_removed: list[str] = field(default_factory=list)
    attachments_added: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.rows_removed or self.rows_added or self.attachments_removed
                    or self.attachments_added)


def _shown(name: str, value) -> str:
    if isinstance(value, bool) or name == "exceptional":
        return "是" if value else "否"
    text = "" if value is None else str(value)
    if len(text) > SHOWN_MAX:
        text = text[:SHOWN_MAX] + "…"
    return text or "（空）"


def _rows_diff(table: str, old: list[str], new: list[str]):
    before, after = Counter(old), Counter(new)
    removed = list((before - after).elements())
    added = list((after - before).elements())
    return [(table, r) for r in removed], [(table, r) for r in added]


def last_return(material: Material) -> ReturnSnapshot | None:
    """The snapshot of the latest 退回, with its record and department (one statement)."""
    return db.session.scalar(select(ReturnSnapshot).where(ReturnSnapshot.material_id == material.id)
                             .options(joinedload(ReturnSnapshot.record).joinedload(ReviewRecord.department))
                             .order_by(ReturnSnapshot.id.desc()).limit(1))


def changes_since_return(material: Material) -> Changes | None:
    """None when the material was never returned (nothing to compare with)."""
    snap = last_return(material)
    if snap is None:
        return None
    record = snap.record
    old, now = snap.data, snapshot_data(material)
    out = Changes(returned_at=snap.at, department=record.department.name if record.department else "",
                  reason=record.reason)
    for name, label in FIELDS:
        if name not in old["fields"]:
            continue  # a field added to the form after this return: nothing to compare with
        before, after = old["fields"][name], now["fields"][name]
        if before != after:
            out.fields.append(FieldChange(label, _shown(name, before), _shown(name, after)))
    for key, table in (("educations", "学历学位"), ("work_histories", "工作经历")):
        removed, added = _rows_diff(table, old.get(key, []), now[key])
        out.rows_removed += removed
        out.rows_added += added
    before = {a["file"]: a for a in old.get("attachments", [])}
    after = {a["file"]: a for a in now["attachments"]}
    out.attachments_removed = [f"{a['kind']}：{a['name']}" for key, a in before.items() if key not in after]
    out.attachments_added = [f"{a['kind']}：{a['name']}" for key, a in after.items() if key not in before]
    return out
