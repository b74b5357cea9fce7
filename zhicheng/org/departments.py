"""Department tree maintenance (the materialised path is kept here and nowhere else)."""
from __future__ import annotations

from zhicheng.extensions import db
from zhicheng.models import Department


def create_department(name: str, parent: Department | None, accepts_registration: bool = True) -> Department:
    dept = Department(name=name.strip(), parent=parent, depth=(parent.depth + 1) if parent else 0,
                      accepts_registration=accepts_registration if parent else False, path="")
    db.session.add(dept)
    db.session.flush()
    dept.path = f"{parent.path if parent else '/'}{dept.id}/"
    return dept
