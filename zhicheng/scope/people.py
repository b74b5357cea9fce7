"""Who may see which rows of 人员基本信息与聘任管理 and 结构比例管理."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from zhicheng.models import (
    Appointment,
    PersonRecord,
    PostQuota,
    Unit,
)
from zhicheng.scope.core import subtree_ids


def _people_reach(unit_column, user) -> ColumnElement[bool]:
    """The rows kept for units whose people the user manages: a unit account its own; department
    staff the units registered under their department and its sub-departments; the root office
    every unit. Nobody else (工作账号, persons, experts) sees any."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return unit_column == user.unit_id
    if user.is_staff and user.department is not None:
        if user.department.is_root:
            return true()
        return unit_column.in_(select(Unit.id).where(Unit.department_id.in_(subtree_ids(user.department))))
    return false()


def people_units(user) -> ColumnElement[bool]:
    """Units whose people, 聘任 and 结构比例 the user manages (the unit dropdowns of those pages)."""
    return _people_reach(Unit.id, user)


def person_records(user) -> ColumnElement[bool]:
    """人员基本信息: the people working in the units the user manages."""
    return _people_reach(PersonRecord.unit_id, user)


def appointments(user) -> ColumnElement[bool]:
    """聘任: those made by the units the user manages (a unit keeps the 聘任 of people who left it)."""
    return _people_reach(Appointment.unit_id, user)


def post_quotas(user) -> ColumnElement[bool]:
    """岗位结构比例 of the units the user manages."""
    return _people_reach(PostQuota.unit_id, user)


def person_certificates(user) -> ColumnElement[bool]:
    """Certificates (issued or imported) on the 职称 history of a person the user sees: those
    carrying the 证件号码 of one of his person records."""
    from zhicheng.certificates.models import Certificate
    return Certificate.id_card.in_(select(PersonRecord.id_number).where(person_records(user)))
