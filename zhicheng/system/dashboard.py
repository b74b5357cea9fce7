"""Counts for the home pages (DESIGN §6), one grouped query each."""
from __future__ import annotations

from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.admin.plainrows import read_plain_rows
from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, Material, Project, Unit
from zhicheng.models import MaterialState as S

#: What a unit's home page shows of a project (templates/admin/home.html).
_HOME_PROJECT_COLUMNS = ("id", "name", "kind", "year", "start_date", "end_date", "issuer_id")


def unit_project_counts(user) -> list[dict]:
    """Every project the unit may apply to, with counts per state of the materials it sees. The
    projects are read as plain rows (the columns the page shows, the issuer's name joined)."""
    projects = read_plain_rows(Project, select(*(getattr(Project, c) for c in _HOME_PROJECT_COLUMNS))
                               .where(scope.projects(user)).order_by(Project.year.desc(), Project.id.desc()),
                               {"issuer": ("name",)}, joined=True)
    rows = db.session.execute(
        select(Material.project_id, Material.state, func.count())
        .where(scope.materials(user))
        .group_by(Material.project_id, Material.state)).all()
    counts: dict[int, dict[str, int]] = {}
    for project_id, state, n in rows:
        counts.setdefault(project_id, {})[state] = n
    return [{"project": p, "counts": {s: counts.get(p.id, {}).get(s, 0) for s in STATE_LABELS}}
            for p in projects]


def department_counts(user) -> list[dict]:
    """Materials waiting at the user's department, per project."""
    rows = db.session.execute(
        select(Project, func.count(Material.id))
        .join(Material, Material.project_id == Project.id)
        .where(scope.review_queue(user))
        .group_by(Project.id)
        .order_by(Project.year.desc(), Project.id.desc())).all()
    return [{"project": p, "waiting": n} for p, n in rows]


def home_context(user) -> dict:
    ctx: dict = {"state_labels": STATE_LABELS, "S": S}
    if user.is_person:  # his home page links to his 档案 only
        return ctx
    if user.is_expert:
        from zhicheng.boards.expert_admin import current_meetings
        ctx["meetings"] = current_meetings(user)
    elif user.is_staff:
        ctx["waiting"] = department_counts(user)
        ctx["unit_count"] = db.session.scalar(select(func.count(Unit.id)).where(scope.units(user)))
    else:
        ctx["projects"] = unit_project_counts(user)
    return ctx
