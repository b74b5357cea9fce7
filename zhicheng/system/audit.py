"""Audit log: every account action and change of state, written in the caller's transaction."""
from __future__ import annotations

from collections import Counter

from flask import has_request_context, request
from flask_login import current_user

from zhicheng.extensions import db
from zhicheng.models import AuditLog


def record(action: str, target=None, detail: str = "", actor=None) -> AuditLog:
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    row = AuditLog(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "",
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        detail=detail,
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(row)
    return row


def record_import(action: str, target, what: str, report: list[dict], words: dict[str, str], actor) -> AuditLog:
    """An import's line: `what` and how many rows of its report had each status, in the order of
    `words` (status → its word), e.g. "导入考试成绩：新增3条，更新1条，拒绝0条"."""
    counts = Counter(e["status"] for e in report)
    return record(action, target, f"{what}：" + "，".join(f"{word}{counts[status]}条" for status, word in words.items()),
                  actor=actor)
