"""Audit log: every account action and change of state, written in the caller's transaction."""
from __future__ import annotations

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
