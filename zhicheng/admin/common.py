"""What the account, organisation and system pages share: menu categories, field checks with
Chinese messages, list formatters and page switches."""
from __future__ import annotations

import re

from flask import abort, make_response
from flask_login import current_user
from sqlalchemy import false, select, true
from wtforms import BooleanField
from wtforms.validators import ValidationError as FieldError

from zhicheng import scope
from zhicheng.admin.base import ScopedModelView
from zhicheng.extensions import db
from zhicheng.models import (
    Department,
)
from zhicheng.policy import P, can
from zhicheng.system import audit
from zhicheng.validators import (
    ValidationError,
    check_id_card,
    check_mobile,
    check_phone,
    check_uscc,
    check_username,
)

CAT_UNIT = "后台管理"


CAT_ORG = "机构管理"


CAT_SYSTEM = "系统管理"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _mobile(form, field):
    if field.data:
        try:
            field.data = check_mobile(field.data)
        except ValidationError as e:
            raise FieldError(str(e)) from None


def _contact_phone(form, field):
    if not (field.data or "").strip():
        return
    try:
        field.data = check_phone(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None


def _email(form, field):
    field.data = (field.data or "").strip()
    if field.data and not _EMAIL.fullmatch(field.data):
        raise FieldError("电子邮箱格式不正确")


def _id_card(form, field):
    if field.data and field.data.strip():
        try:
            field.data = check_id_card(field.data)
        except ValidationError as e:
            raise FieldError(str(e)) from None
    else:
        field.data = ""


def _uscc_field(form, field):
    try:
        result = check_uscc(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None
    if not result.checksum_ok:
        raise FieldError("统一社会信用代码校验位不正确，请核对")
    field.data = result.code


def _username(form, field):
    try:
        field.data = check_username(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None


def _with_flags(base, labels: dict):
    """A form class with one checkbox per permission / role, labelled in the manual's words."""
    return type(base.__name__, (base,), {key: BooleanField(label) for key, label in labels.items()})


def _flags_of(form, labels: dict) -> dict:
    return {key: bool(form[key].data) for key in labels if key in form}


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _status(view, context, model, name):
    return "开通" if model.enabled else "禁用"


def _datetime(view, context, model, name):
    value = getattr(model, name)
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class NoDetailsPage:
    """No details page: admin/base.py answers 404 on its URL."""

    can_view_details = False


class NoEditPage:
    """Read-only list: admin/base.py answers 404 on the edit URL."""

    can_edit = False


class EditPermission:
    """新建, 修改 and 删除 only for the holders of `edit_permission` (the list is read under the
    view's own `permission`): the others' pages show no such buttons, and a page of its own that
    changes something calls `_editor_only()` (403 for them)."""

    edit_permission = P.ROOT_DICT

    @property
    def can_create(self) -> bool:
        return can(current_user, self.edit_permission)

    @property
    def can_edit(self) -> bool:
        return can(current_user, self.edit_permission)

    @property
    def can_delete(self) -> bool:
        return can(current_user, self.edit_permission)

    def _editor_only(self) -> None:
        if not can(current_user, self.edit_permission):
            abort(403)


class RootOfficeTable:
    """A table of the whole city kept by the root office (单位名录, 审计日志): whoever holds
    the view's permission sees every row."""

    permission = P.ROOT_DICT

    def scope(self, user):
        return true() if self.allowed(user) else false()


class AuditedModelView(ScopedModelView):
    """Flask-Admin's own create/edit/delete, each with an audit row in the same transaction."""

    audit_name = ""

    def on_model_change(self, form, model, is_created):
        db.session.flush()
        audit.record(f"{self.audit_name}.{'create' if is_created else 'update'}", model,
                     f"{'新增' if is_created else '修改'}{self.name}：{model}")

    def on_model_delete(self, model):
        audit.record(f"{self.audit_name}.delete", model, f"删除{self.name}：{model}")


def _department_choices(user, exclude_own: bool = False) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Department).where(scope.departments(user)).order_by(Department.path))
    return [(d.id, "　" * max(d.depth - user.department.depth, 0) + d.name) for d in rows
            if not (exclude_own and d.id == user.department_id)]


def _scoped_department(user, dept_id) -> Department | None:
    if not dept_id:
        return None
    return db.session.scalar(select(Department).where(scope.departments(user), Department.id == dept_id))
