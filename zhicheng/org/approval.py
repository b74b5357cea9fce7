"""注册需审核: a 归口部门 may have the units registering under it wait for its approval.

While a registration waits (待审核) or was refused (审核不通过) the unit account cannot log in
(User.is_active). A refusal carries a reason the unit reads when it tries to log in; it corrects
its registration and resubmits (待审核 again). Each step is an audit row.
"""
from __future__ import annotations

import re
from datetime import datetime

from werkzeug.datastructures import FileStorage

from zhicheng import storage, transaction
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.org import codes
from zhicheng.org.models import Approval, Department, Unit
from zhicheng.org.profile import check_codes
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_phone

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

REASON_MAX = 500


class ApprovalError(DomainError):
    pass


def set_registration_review(actor, department: Department, on: bool) -> None:
    """A department's 管理员 switches 注册需审核 on or off for his own department."""
    require(actor, P.ADMIN, error=ApprovalError)
    if actor.department_id != department.id:
        raise ApprovalError("只能设置本部门的注册审核")
    if department.registration_review == bool(on):
        return
    department.registration_review = bool(on)
    audit.record("department.registration_review", department,
                 f"{department.name}：新注册单位{'须经审核通过后方可登录' if on else '注册后立即可以使用（不需审核）'}",
                 actor=actor)
    db.session.flush()


def _in_reach(actor, unit: Unit) -> bool:
    from sqlalchemy import select

    from zhicheng import scope
    return db.session.scalar(select(Unit.id).where(Unit.id == unit.id, scope.units(actor))) is not None


def approve(actor, units: list[Unit]) -> list[Unit]:
    """审核通过: the units waiting for approval may log in from now on."""
    require(actor, P.ADMIN, error=ApprovalError)
    done = []
    for unit in units:
        if not _in_reach(actor, unit):
            raise ApprovalError("只能审核本部门及下级部门的注册单位")
        if unit.approval != Approval.PENDING:
            raise ApprovalError(f"“{unit.name}”不是待审核的注册单位")
        unit.approval, unit.refusal_reason, unit.reviewed_at = Approval.APPROVED, None, datetime.now()
        audit.record("unit.approve", unit, f"单位注册审核通过：{unit.name}（{unit.uscc}）", actor=actor)
        done.append(unit)
    db.session.flush()
    return done


def refuse(actor, unit: Unit, reason: str) -> None:
    """审核不通过, with the reason the unit will read."""
    require(actor, P.ADMIN, error=ApprovalError)
    if not _in_reach(actor, unit):
        raise ApprovalError("只能审核本部门及下级部门的注册单位")
    text = (reason or "").strip()
    if not text:
        raise ApprovalError("请填写审核不通过的原因，单位将据此修改后重新提交", field="reason")
    if len(text) > REASON_MAX:
        raise ApprovalError(f"原因不能超过{REASON_MAX}字", field="reason")
    if unit.approval != Approval.PENDING:
        raise ApprovalError(f"“{unit.name}”不是待审核的注册单位")
    unit.approval, unit.refusal_reason, unit.reviewed_at = Approval.REFUSED, text, datetime.now()
    audit.record("unit.refuse", unit, f"单位注册审核不通过：{unit.name}（{unit.uscc}）；原因：{text}", actor=actor)
    db.session.flush()


RESUBMIT_FIELDS = ("name", "legal_rep", "unit_type", "industry", "region", "address", "contact_name",
                   "contact_phone", "contact_email")


def resubmit(account, values: dict, license_file: FileStorage | None = None) -> None:
    """A refused unit corrects its registration (and may upload its licence again): 待审核 again.
    `account` is the unit account whose password was just proved on the login page."""
    unit = account.unit
    if unit is None or not account.is_unit or unit.approval != Approval.REFUSED:
        raise ApprovalError("该单位的注册不是“审核不通过”状态，不需要重新提交")
    errors = check_codes(values)
    name = (values.get("name") or "").strip()
    legal_rep = (values.get("legal_rep") or "").strip()
    if not name:
        errors["name"] = "请填写单位全称"
    elif len(name) > 200:
        errors["name"] = "单位全称不能超过200字"
    if not legal_rep:
        errors["legal_rep"] = "请填写法定代表人"
    elif len(legal_rep) > 50:
        errors["legal_rep"] = "法定代表人不能超过50字"
    phone = (values.get("contact_phone") or "").strip()
    if phone:
        try:
            values = dict(values, contact_phone=check_phone(phone))
        except ValidationError as e:
            errors["contact_phone"] = str(e)
    email = (values.get("contact_email") or "").strip()
    if email and not _EMAIL.fullmatch(email):
        errors["contact_email"] = "电子邮箱格式不正确"
    if errors:
        field, message = next(iter(errors.items()))
        raise ApprovalError(message, field=field)
    stored = None
    if license_file is not None and license_file.filename:
        kind = codes.license_kind(values.get("unit_type"))
        try:
            stored = storage.save_upload(license_file)
        except storage.UploadError as e:
            raise ApprovalError(f"{kind}：{e}", field="license") from None
        transaction.after_rollback(lambda: storage.delete(stored.stored_name))
        if unit.license_file:
            old = unit.license_file
            transaction.after_commit(lambda: storage.delete(old))
    for key in RESUBMIT_FIELDS:
        if key in values:
            setattr(unit, key, (values[key] or "").strip())
    if stored is not None:
        unit.license_file, unit.license_name = stored.stored_name, stored.original_name
        unit.license_kind, unit.license_uploaded_at = codes.license_kind(unit.unit_type), datetime.now()
    previous = unit.refusal_reason
    unit.approval, unit.reviewed_at = Approval.PENDING, None
    audit.record("unit.resubmit", unit, f"单位修改注册信息后重新提交审核：{unit.name}；上次不通过原因：{previous}",
                 actor=account)
    db.session.flush()
