"""单位注册: checks every field, then creates the unit and its unit account in one transaction.

Errors come back per field (RegistrationError.errors) so the page can show each one next to
its input; on any error nothing is stored, not even the uploaded 机构代码证.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from zhicheng import storage, transaction
from zhicheng.accounts.models import KIND_UNIT
from zhicheng.accounts.services import AccountError, new_user, username_taken
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Approval, Department, Unit, UnitRegistry
from zhicheng.org import codes
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_chosen_password, check_uscc, check_username

# Deliberately loose: the address is proved by the reset mail, not by a pattern.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class RegistrationError(DomainError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()), field=next(iter(errors), None))
        self.errors = errors


@dataclass
class RegistrationData:
    uscc: str = ""
    legal_rep: str = ""
    name: str = ""
    department_id: int | None = None
    username: str = ""
    password: str = ""
    confirm: str = ""
    email: str = ""
    legacy_reason: str = ""
    unit_type: str = ""
    industry: str = ""
    region: str = ""
    address: str = ""


def registration_departments() -> list[tuple[Department, bool]]:
    """Every department below the root in tree order, with whether units may register under it."""
    rows = db.session.scalars(select(Department)).all()
    children: dict[int | None, list[Department]] = {}
    for d in rows:
        children.setdefault(d.parent_id, []).append(d)
    out: list[tuple[Department, bool]] = []

    def walk(parent_id):
        for d in sorted(children.get(parent_id, []), key=lambda d: d.id):
            if not d.is_root:
                out.append((d, d.accepts_registration))
            walk(d.id)

    walk(None)
    return out


def lookup_registry(uscc: str, legal_rep: str) -> UnitRegistry | None:
    """单位名录 entry whose code and legal representative both match."""
    code = (uscc or "").strip().upper().replace(" ", "")
    rep = (legal_rep or "").strip()
    if len(code) != 18 or not rep:
        return None
    return db.session.scalar(select(UnitRegistry).where(UnitRegistry.uscc == code, UnitRegistry.legal_rep == rep))


def _text(value, field: str, label: str, max_len: int, errors: dict, *, missing: str) -> str:
    """A required one-line text of the form, stripped; its error (if any) goes to errors[field]."""
    text = (value or "").strip()
    if not text:
        errors[field] = missing
    elif len(text) > max_len:
        errors[field] = f"{label}不能超过{max_len}字"
    return text


def _check(data: RegistrationData, errors: dict[str, str]) -> dict:
    """Validate everything except the upload; returns the cleaned values."""
    clean: dict = {}
    reason = (data.legacy_reason or "").strip()
    if len(reason) > 500:
        errors["legacy_reason"] = "旧代码说明不能超过500字"
    try:
        result = check_uscc(data.uscc)
    except ValidationError as e:
        errors["uscc"] = str(e)
    else:
        clean["uscc"] = result.code
        if result.checksum_ok:
            reason = ""
        elif not reason:
            errors["uscc"] = "统一社会信用代码校验位不正确，请核对；如确为旧代码，请在“旧代码说明”中填写原因"
            errors.setdefault("legacy_reason", "校验位不正确的旧代码须填写说明")
        clean["legacy_reason"] = reason or None

    legal_rep = clean["legal_rep"] = _text(data.legal_rep, "legal_rep", "法定代表人", 50, errors,
                                           missing="请填写法定代表人")

    dept = db.session.get(Department, data.department_id) if data.department_id else None
    if dept is None or dept.is_root or not dept.accepts_registration:
        errors["department_id"] = "请选择归口部门"
    clean["department"] = dept

    if "uscc" in clean and "department_id" not in errors:
        existing = db.session.scalar(select(Unit.id).where(Unit.uscc == clean["uscc"],
                                                           Unit.department_id == dept.id))
        if existing is not None:
            errors["uscc"] = (f"该机构代码已在“{dept.name}”注册。一个机构代码在一个归口部门只能注册一次，"
                              "在其它归口部门可以再次注册")

    registry = lookup_registry(clean.get("uscc", ""), legal_rep) if "uscc" in clean else None
    clean["registry"] = registry
    if registry is not None:
        clean["name"] = registry.name
    else:
        clean["name"] = _text(data.name, "name", "单位全称", 200, errors,
                              missing="单位名录中没有该机构代码和法定代表人，请手动填写单位全称")

    try:
        username = check_username(data.username)
    except ValidationError as e:
        errors["username"] = str(e)
    else:
        if username_taken(username):
            errors["username"] = f"用户账号“{username}”已被使用，请换一个"
        clean["username"] = username

    check_chosen_password(data.password, data.confirm, errors)

    from zhicheng.org.profile import check_codes
    for key in ("unit_type", "industry", "region"):
        clean[key] = (getattr(data, key) or "").strip()
    errors.update(check_codes(clean))
    clean["address"] = (data.address or "").strip()
    if len(clean["address"]) > 200:
        errors["address"] = "单位地址不能超过200字"

    email = (data.email or "").strip()
    if not email:
        errors["email"] = "请填写电子邮箱，忘记密码时用来找回密码"
    elif len(email) > 120 or not _EMAIL.fullmatch(email):
        errors["email"] = "电子邮箱格式不正确"
    clean["email"] = email
    return clean


def register_unit(data: RegistrationData, license_file: FileStorage | None = None) -> Unit:
    """Create the unit and its unit account, or raise RegistrationError with errors per field."""
    errors: dict[str, str] = {}
    clean = _check(data, errors)
    has_file = license_file is not None and bool(license_file.filename)
    if not has_file and clean.get("registry") is None and "uscc" in clean and "legal_rep" not in errors:
        errors["license"] = (f"单位名录中没有该单位，请上传{codes.license_kind(clean.get('unit_type'))}的扫描件"
                             "（PDF、JPG或PNG，不超过4M）")

    stored = None
    if has_file:
        try:
            stored = storage.save_upload(license_file)
        except storage.UploadError as e:
            errors["license"] = f"{codes.license_kind(clean.get('unit_type'))}：{e}"
    if errors:
        if stored is not None:
            storage.delete(stored.stored_name)
        raise RegistrationError(errors)

    if stored is not None:
        transaction.after_rollback(lambda: storage.delete(stored.stored_name))
    try:
        with transaction.atomic():
            review = clean["department"].registration_review
            unit = Unit(uscc=clean["uscc"], legal_rep=clean["legal_rep"], name=clean["name"],
                        department=clean["department"], email=clean["email"],
                        legacy_code_reason=clean["legacy_reason"], in_registry=clean["registry"] is not None,
                        unit_type=clean["unit_type"], industry=clean["industry"], region=clean["region"],
                        address=clean["address"],
                        license_file=stored.stored_name if stored else None,
                        license_name=stored.original_name if stored else None,
                        license_kind=codes.license_kind(clean["unit_type"]) if stored else None,
                        license_uploaded_at=datetime.now() if stored else None,
                        approval=Approval.PENDING if review else Approval.APPROVED)
            db.session.add(unit)
            db.session.flush()
            user, _ = new_user(KIND_UNIT, clean["username"], password=data.password, unit_id=unit.id,
                               email=clean["email"])
            db.session.flush()
            detail = f"单位注册：{unit.name}（{unit.uscc}），归口部门 {unit.department.name}"
            if unit.legacy_code_reason:
                detail += f"；旧代码说明：{unit.legacy_code_reason}"
            if review:
                detail += "；待归口部门审核"
            audit.record("unit.register", unit, detail, actor=user)
    except (IntegrityError, AccountError):
        # Another registration with the same account or code won the race.
        if stored is not None:
            storage.delete(stored.stored_name)
        raise RegistrationError({"username": "用户账号或机构代码刚刚已被注册，请核对后重试"}) from None
    except Exception:
        if stored is not None:
            storage.delete(stored.stored_name)
        raise
    return unit
