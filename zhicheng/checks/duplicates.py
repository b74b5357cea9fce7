"""Duplicate applications: one 证件号码 with two applications in one year (two units, two
projects, or both). They are flagged on the reviewers' lists and details, and 转评委会 refuses a
material that has one until it is resolved: the other application is returned or withdrawn (it
then no longer counts), or the root office records that both may go on, with its reason.

An application counts from its 上报 until it is returned: the states that have left the unit and
are not editable by it (zhicheng.materials.states).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import aliased, selectinload

from zhicheng import scope, transaction
from zhicheng.checks.models import DuplicateResolution
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.materials.states import STATES, MaterialState
from zhicheng.models import Department, Material, Project, Unit
from zhicheng.policy import P, require
from zhicheng.system import audit

#: States in which an application counts: submitted (with a department or decided), not returned.
COUNTED = tuple(s for s in MaterialState if STATES[s].submitted and not STATES[s].editable)
#: 处理意见, in characters.
REASON_MAX = 500


class DuplicateError(DomainError):
    pass


@dataclass(frozen=True)
class Other:
    """The other application of a duplicate, as a reviewer reads it."""

    id: int
    number: str
    name: str
    unit: str
    project: str
    year: int
    state: str
    department: str
    resolution: str  # the root office's 处理意见, "" while unresolved

    @property
    def resolved(self) -> bool:
        return bool(self.resolution)

    @property
    def label(self) -> str:
        where = f"，所在审核部门：{self.department}" if self.department else ""
        return f"材料{self.number}（{self.unit}，{self.project}，{self.state}{where}）"


def _state_not_indexed():
    """material.state as an expression no index serves: the look-ups by 证件号码 go through the
    证件号码 index (a page's 20 numbers: a few rows), not through an index on the state, which
    SQLite otherwise prefers and walks through every counted material (a city: 400 ms)."""
    return Material.state + ""


#: The other application's department, aliased once (building an alias costs more than the
#: statement that joins it).
_OTHER_DEPT = aliased(Department, name="other_department")


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def duplicates_for(keys) -> dict[int, list[Other]]:
    """For each material of `keys` — (id, 证件号码, its project's year, state), as a list page
    loaded them — that counts, the other counted applications of its 证件号码 in that year: one
    statement (and one more for the resolutions when there are duplicates), whatever the rows."""
    mine = [(mid, card, year) for mid, card, year, state in keys if state in COUNTED]
    if not mine:
        return {}
    other_dept = _OTHER_DEPT
    rows = db.session.execute(
        select(Material.id, Material.id_card, Project.year, Material.number, Material.name, Unit.name,
               Project.name, Material.state, other_dept.name)
        .join(Project, Project.id == Material.project_id).join(Unit, Unit.id == Material.unit_id)
        .outerjoin(other_dept, other_dept.id == Material.current_department_id)
        .where(Material.id_card.in_({card for _, card, _ in mine}), _state_not_indexed().in_(COUNTED),
               (Project.year + 0).in_({year for _, _, year in mine}))).all()
    by_key: dict[tuple[str, int], list] = {}
    for row in rows:
        by_key.setdefault((row[1], row[2]), []).append(row)
    pairs = {_pair(mid, row[0]) for mid, card, year in mine for row in by_key.get((card, year), ()) if row[0] != mid}
    resolutions = _resolutions(pairs)
    out: dict[int, list[Other]] = {}
    for mid, card, year in mine:
        others = [Other(id=r[0], number=r[3] or str(r[0]), name=r[4], unit=r[5], project=r[6], year=r[2],
                        state=STATES[MaterialState(r[7])].label, department=r[8] or "",
                        resolution=resolutions.get(_pair(mid, r[0]), ""))
                  for r in by_key.get((card, year), ()) if r[0] != mid]
        if others:
            out[mid] = others
    return out


def _key(material: Material) -> tuple[int, str, int, str]:
    return (material.id, material.id_card, material.project.year, material.state)


def _resolutions(pairs) -> dict[tuple[int, int], str]:
    if not pairs:
        return {}
    rows = db.session.execute(select(DuplicateResolution.material_id, DuplicateResolution.other_id,
                                     DuplicateResolution.reason)
                              .where(tuple_(DuplicateResolution.material_id, DuplicateResolution.other_id)
                                     .in_(list(pairs)))).all()
    return {(a, b): reason for a, b, reason in rows}


def duplicates_of(material: Material) -> list[Other]:
    return duplicates_for([_key(material)]).get(material.id, [])


def unresolved_of(material: Material) -> list[Other]:
    return [o for o in duplicates_of(material) if not o.resolved]


def check_transfer(material: Material) -> None:
    """转评委会 is refused while the material has an unresolved duplicate."""
    open_ = unresolved_of(material)
    if open_:
        others = "、".join(o.label for o in open_)
        raise DuplicateError(
            f"材料{material.number}（{material.name}）与{others}为同一证件号码同一年度的重复申报，不能转评委会。"
            "请退回其中一份，或由市人社局（职改办）登记处理意见后再转评委会")


# --- the root office's list and its resolutions ----------------------------------------------

def open_groups(user, resolved: bool = False, limit: int = 500) -> list[dict]:
    """重复申报: every 证件号码 and year with more than one counted application, and their
    applications (for the root office's page). `resolved`: also the groups whose every pair is
    resolved."""
    require(user, P.DUPLICATES, error=DuplicateError)
    keys = db.session.execute(
        select(Material.id_card, Project.year).join(Project, Project.id == Material.project_id)
        .where(Material.state.in_(COUNTED), scope.materials(user))
        .group_by(Material.id_card, Project.year).having(func.count(Material.id) > 1)
        .order_by(Project.year.desc(), Material.id_card).limit(limit)).all()
    if not keys:
        return []
    members = db.session.execute(
        select(Material.id, Material.id_card, Project.year).join(Project, Project.id == Material.project_id)
        .where(Material.id_card.in_({k[0] for k in keys}), _state_not_indexed().in_(COUNTED))).all()
    wanted = {(card, year) for card, year in keys}
    ids = [mid for mid, card, year in members if (card, year) in wanted]
    materials = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)).options(
        selectinload(Material.project), selectinload(Material.unit), selectinload(Material.current_department)))}
    found = duplicates_for([_key(m) for m in materials.values()])
    groups = []
    for card, year in keys:
        rows = sorted((m for m in materials.values() if m.id_card == card and m.project.year == year),
                      key=lambda m: m.id)
        pairs = [(a, o) for a in rows for o in found.get(a.id, []) if a.id < o.id]
        if not pairs:
            continue
        if not resolved and all(o.resolved for _, o in pairs):
            continue
        groups.append({"id_card": card, "year": year, "materials": rows, "pairs": pairs})
    return groups


def resolve(user, material_id, other_id, reason: str) -> DuplicateResolution:
    """登记处理意见: the root office lets both applications of a duplicate go on, with its reason."""
    require(user, P.DUPLICATES, error=DuplicateError)
    reason = (reason or "").strip()
    if not reason:
        raise DuplicateError("请填写处理意见")
    if len(reason) > REASON_MAX:
        raise DuplicateError(f"处理意见不超过{REASON_MAX}字")
    try:
        a, b = _pair(int(material_id), int(other_id))
    except (TypeError, ValueError):
        raise DuplicateError("所选材料不存在或无权操作") from None
    with transaction.atomic():
        found = {m.id: m for m in db.session.scalars(select(Material).where(
            Material.id.in_((a, b)), scope.materials(user)))}
        if a == b or len(found) != 2:
            raise DuplicateError("所选材料不存在或无权操作")
        if b not in {o.id for o in duplicates_of(found[a])}:
            raise DuplicateError(f"材料{found[a].number}与材料{found[b].number}不是重复申报（或其中一份已退回），无需处理")
        if db.session.scalar(select(DuplicateResolution.id).where(
                and_(DuplicateResolution.material_id == a, DuplicateResolution.other_id == b))) is not None:
            raise DuplicateError(f"材料{found[a].number}与材料{found[b].number}的重复申报已登记处理意见")
        row = DuplicateResolution(material_id=a, other_id=b, reason=reason, actor_id=user.id,
                                  actor_name=user.display_name, at=datetime.now().replace(microsecond=0))
        db.session.add(row)
        db.session.flush()
        audit.record("duplicate.resolve", row,
                     f"重复申报登记处理意见：材料{found[a].number}、材料{found[b].number}（{found[a].name}）：{reason}",
                     actor=user)
        return row


def resolutions_of(material: Material) -> list[DuplicateResolution]:
    return list(db.session.scalars(select(DuplicateResolution).where(
        or_(DuplicateResolution.material_id == material.id, DuplicateResolution.other_id == material.id))
        .order_by(DuplicateResolution.id)))
