"""Check that every material's 审核记录 replays to its state and current department."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord


def replay(records) -> tuple[str, int | None]:
    state, where = "draft", None
    for r in records:
        state = r.state_after
        if r.action in ("submit", "pass", "enter"):
            where = r.to_department_id
        else:  # approve, return, change_department
            where = None
    return state, where


def check_consistency(batch: int = 5000) -> list[str]:
    problems: list[str] = []
    last = 0
    while True:
        mats = list(db.session.execute(
            select(Material.id, Material.number, Material.state, Material.current_department_id)
            .where(Material.id > last).order_by(Material.id).limit(batch)))
        if not mats:
            return problems
        ids = [m.id for m in mats]
        recs: dict[int, list] = {}
        for r in db.session.execute(
                select(ReviewRecord.material_id, ReviewRecord.action, ReviewRecord.state_after,
                       ReviewRecord.to_department_id)
                .where(ReviewRecord.material_id.in_(ids)).order_by(ReviewRecord.material_id, ReviewRecord.id)):
            recs.setdefault(r.material_id, []).append(r)
        for m in mats:
            state, where = replay(recs.get(m.id, []))
            if (state, where) != (m.state, m.current_department_id):
                problems.append(f"{m.number}: 记录推算为 {state}@{where}，实际为 {m.state}@{m.current_department_id}")
        last = ids[-1]
