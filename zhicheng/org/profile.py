"""单位信息 kept by the unit itself: its licence (营业执照 / 机构代码证, by 单位类型), its electronic seal
(单位签章), and its name with the 更名记录; and the name a unit had at a given time (for prints).

Every change is the unit account's own (the manual: 单位账户权限仅能修改单位"组织机构管理"), flushed
here and committed by the request; bad input raises UnitInfoError and stores nothing (a file stored
before the refusal is deleted when the transaction rolls back).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from zhicheng import storage, transaction
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.org import codes
from zhicheng.org.models import Unit, UnitNameChange
from zhicheng.org.seal import MAX_SCAN_BYTES, Seal, SealError, make_seal
from zhicheng.policy import P, can
from zhicheng.system import audit

NAME_MAX = 200
REASON_MAX = 500


class UnitInfoError(DomainError):
    """A refused change of the unit's own information; `field` names the form input."""


def _own(actor, unit: Unit) -> None:
    if not (can(actor, P.UNIT) and actor.unit_id == unit.id):
        raise UnitInfoError("只有本单位的单位账号可以修改单位信息")


def _stored_for_this_transaction(stored_name: str, old_name: str | None) -> None:
    """The new file goes if the transaction rolls back; the file it replaces goes once it commits."""
    transaction.after_rollback(lambda: storage.delete(stored_name))
    if old_name:
        transaction.after_commit(lambda: storage.delete(old_name))


def upload_license(actor, unit: Unit, file: FileStorage | None) -> None:
    """营业执照 (or the licence of the unit's type): a PDF, JPG or PNG scan of at most 4M."""
    _own(actor, unit)
    kind = codes.license_kind(unit.unit_type)
    if file is None or not file.filename:
        raise UnitInfoError(f"请选择{kind}的扫描件（PDF、JPG或PNG，不超过4M）", field="license")
    try:
        stored = storage.save_upload(file)
    except storage.UploadError as e:
        raise UnitInfoError(f"{kind}：{e}", field="license") from None
    _stored_for_this_transaction(stored.stored_name, unit.license_file)
    unit.license_file, unit.license_name = stored.stored_name, stored.original_name
    unit.license_kind, unit.license_uploaded_at = kind, datetime.now()
    audit.record("unit.license", unit, f"上传{kind}：{stored.original_name}", actor=actor)
    db.session.flush()


def read_scan(file: FileStorage | None) -> bytes:
    """The bytes of an uploaded seal scan, at most one byte over the limit (so the limit is seen)."""
    if file is None or not file.filename:
        raise UnitInfoError("请选择单位公章的扫描件（JPG或PNG图片）", field="seal")
    return file.read(MAX_SCAN_BYTES + 1)


def set_seal(actor, unit: Unit, file: FileStorage | None) -> Seal:
    """单位签章: the electronic seal made from the uploaded scan of the unit's 公章 replaces any earlier one."""
    _own(actor, unit)
    data = read_scan(file)
    try:
        seal = make_seal(data)
    except SealError as e:
        raise UnitInfoError(str(e), field="seal") from None
    stored = storage.save_generated(seal.png, "png", f"{unit.name}电子签章.png")
    _stored_for_this_transaction(stored.stored_name, unit.seal_file)
    unit.seal_file, unit.seal_updated_at = stored.stored_name, datetime.now()
    audit.record("unit.seal", unit, f"上传单位公章扫描件，生成电子签章（{seal.width}×{seal.height}像素）", actor=actor)
    db.session.flush()
    return seal


def rename_unit(actor, unit: Unit, new_name: str, reason: str, *, when: datetime | None = None) -> UnitNameChange:
    """更名: the new 单位全称 with the reason; the old name stays in the 更名记录 with the date."""
    _own(actor, unit)
    name = (new_name or "").strip()
    text = (reason or "").strip()
    if not name:
        raise UnitInfoError("请填写单位全称", field="name")
    if len(name) > NAME_MAX:
        raise UnitInfoError(f"单位全称不能超过{NAME_MAX}字", field="name")
    if name == unit.name:
        raise UnitInfoError("新的单位全称与现在的相同", field="name")
    if not text:
        raise UnitInfoError("单位全称已修改，请填写更名原因（如：经市场监督管理局核准更名）", field="rename_reason")
    if len(text) > REASON_MAX:
        raise UnitInfoError(f"更名原因不能超过{REASON_MAX}字", field="rename_reason")
    row = UnitNameChange(unit_id=unit.id, old_name=unit.name, new_name=name, changed_at=when or datetime.now(),
                         reason=text, actor_id=getattr(actor, "id", None), actor_name=getattr(actor, "username", ""))
    db.session.add(row)
    audit.record("unit.rename", unit, f"单位更名：{unit.name} → {name}；原因：{text}", actor=actor)
    unit.name = name
    db.session.flush()
    return row


def name_changes(unit: Unit) -> list[UnitNameChange]:
    """The 更名记录, newest first."""
    return list(db.session.scalars(select(UnitNameChange).where(UnitNameChange.unit_id == unit.id)
                                   .order_by(UnitNameChange.changed_at.desc(), UnitNameChange.id.desc())))


def name_at(unit: Unit, when: datetime | None) -> str:
    """The unit's name at `when` (its name today when `when` is None): the old name of the first
    change after that moment, or the present name when none came after it."""
    if unit is None:
        return ""
    if when is None:
        return unit.name
    old = db.session.scalar(select(UnitNameChange.old_name)
                            .where(UnitNameChange.unit_id == unit.id, UnitNameChange.changed_at > when)
                            .order_by(UnitNameChange.changed_at, UnitNameChange.id).limit(1))
    return old if old is not None else unit.name


def check_codes(values: dict) -> dict[str, str]:
    """Errors (by field) for 单位类型, 单位行业 and 单位所在地 values not in their code tables."""
    errors = {}
    for field, table, what in (("unit_type", codes.UNIT_TYPES, "单位类型"), ("industry", codes.INDUSTRIES, "单位行业"),
                               ("region", codes.REGIONS, "单位所在地")):
        value = (values.get(field) or "").strip()
        if value and value not in table:
            errors[field] = f"请从列表中选择{what}"
    return errors
