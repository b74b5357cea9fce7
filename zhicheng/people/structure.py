"""结构比例管理: each unit's 岗位结构比例 against the 聘任 in force, and the same summed per department
over its whole subtree (the department tree of the viewer). Two grouped queries and one of the
quotas, whatever the number of units: the sums are made here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import Department, Unit
from zhicheng.people.appointments import active_on
from zhicheng.people.models import LEVELS, Appointment, PostQuota


def _zero() -> dict[str, int]:
    return dict.fromkeys(LEVELS, 0)


@dataclass
class UnitStructure:
    unit_id: int
    name: str
    uscc: str
    department_id: int
    department: str
    quota: PostQuota | None
    holding: dict[str, int] = field(default_factory=_zero)

    @property
    def allowed(self) -> dict[str, int] | None:
        return self.quota.allowed() if self.quota is not None else None

    @property
    def over_levels(self) -> list[str]:
        allowed = self.allowed
        if allowed is None:
            return []
        return [lv for lv in LEVELS if self.holding[lv] > allowed[lv]]

    @property
    def holding_total(self) -> int:
        return sum(self.holding.values())


@dataclass
class DepartmentStructure:
    department: Department
    depth: int  # below the viewer's own department
    units: int = 0
    with_quota: int = 0
    over: int = 0
    allowed: dict[str, int] = field(default_factory=_zero)  # summed over the units with a quota
    holding: dict[str, int] = field(default_factory=_zero)  # all units
    holding_with_quota: dict[str, int] = field(default_factory=_zero)  # the units with a quota

    def add(self, unit: UnitStructure) -> None:
        self.units += 1
        for lv in LEVELS:
            self.holding[lv] += unit.holding[lv]
        allowed = unit.allowed
        if allowed is not None:
            self.with_quota += 1
            self.over += bool(unit.over_levels)
            for lv in LEVELS:
                self.allowed[lv] += allowed[lv]
                self.holding_with_quota[lv] += unit.holding[lv]


def holding_by_unit(user, day: date) -> dict[int, dict[str, int]]:
    """The 聘任 in force on `day` per unit and 级别, of the units the user manages."""
    out: dict[int, dict[str, int]] = {}
    for unit_id, level, n in db.session.execute(
            select(Appointment.unit_id, Appointment.level, func.count())
            .where(scope.appointments(user), active_on(day)).group_by(Appointment.unit_id, Appointment.level)):
        out.setdefault(unit_id, _zero())[level] = n
    return out


def unit_structures(user, day: date | None = None) -> list[UnitStructure]:
    """Every unit the user manages, with its quota and its 聘任 in force, by name."""
    day = day or date.today()
    holding = holding_by_unit(user, day)
    quotas = {q.unit_id: q for q in db.session.scalars(select(PostQuota).where(scope.post_quotas(user)))}
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.uscc, Unit.department_id, Department.name.label("department"))
        .join(Department, Department.id == Unit.department_id)
        .where(scope.people_units(user)).order_by(Unit.name, Unit.id)).all()
    return [UnitStructure(r.id, r.name, r.uscc, r.department_id, r.department, quotas.get(r.id),
                          holding.get(r.id, _zero())) for r in rows]


def department_structures(user, units: list[UnitStructure]) -> list[DepartmentStructure]:
    """The viewer's department and every one below it, in tree order, each summing the units of its
    whole subtree (a unit counts in its 归口部门 and in every department above it)."""
    if not (user.is_staff and user.department is not None):
        return []
    depts = list(db.session.scalars(select(Department).where(scope.departments(user)).order_by(Department.path)))
    base = user.department.depth
    by_id = {d.id: DepartmentStructure(d, d.depth - base) for d in depts}
    ancestors: dict[int, list[DepartmentStructure]] = {}
    for unit in units:
        chain = ancestors.get(unit.department_id)
        if chain is None:
            own = by_id.get(unit.department_id)
            ids = own.department.ancestor_ids() if own is not None else []
            chain = ancestors[unit.department_id] = [by_id[i] for i in ids if i in by_id]
        for dept in chain:
            dept.add(unit)
    return list(by_id.values())
