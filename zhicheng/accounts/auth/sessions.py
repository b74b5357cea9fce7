"""Server-side login sessions. The signed cookie keeps a random token; the login_session row
decides whether it is still good: 退出 ends it, and it ends by itself after SESSION_IDLE_MINUTES
without a request or SESSION_ABSOLUTE_HOURS after login, whatever the cookie says."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, request, session
from flask_login import user_logged_in
from sqlalchemy import delete, or_, update

from zhicheng.extensions import db
from zhicheng.models import LoginSession

_KEY = "sid"
#: last_seen_at is written at most this often per session (not on every page).
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def current_digest() -> str | None:
    token = session.get(_KEY)
    return _digest(token) if isinstance(token, str) and token else None


def start(user) -> None:
    """A new session row for a login (Flask-Login's user_logged_in signal). Logging in again on
    the same browser (after a password change, say) keeps the session it already has."""
    digest = current_digest()
    if digest is not None:
        row = db.session.get(LoginSession, digest)
        now = datetime.now()
        if row is not None and row.user_id == user.id and row.ended_at is None and row.expires_at > now:
            return
    token = secrets.token_urlsafe(32)
    now = datetime.now()
    hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
    db.session.add(LoginSession(id=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
                                expires_at=now + timedelta(hours=hours),
                                address=(request.remote_addr or "")[:64]))
    # Finished sessions of this account are of no further use.
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at < now)))
    db.session.flush()
    session[_KEY] = token


def touch(row_id: str, last_seen: datetime) -> None:
    """Keep an active session from idling out: at most once a minute, on a connection of its own
    (page requests that only read end their transaction without committing)."""
    now = datetime.now()
    if now - last_seen < TOUCH_EVERY:
        return
    with db.engine.begin() as conn:
        conn.execute(update(LoginSession).where(LoginSession.id == row_id).values(last_seen_at=now))


def end() -> None:
    """退出: the cookie's session is over on the server; the caller commits."""
    digest = current_digest()
    if digest is not None:
        db.session.execute(update(LoginSession).where(LoginSession.id == digest, LoginSession.ended_at.is_(None))
                           .values(ended_at=datetime.now()))
    session.pop(_KEY, None)


def init_app(app: Flask) -> None:
    user_logged_in.connect(lambda sender, user, **_: start(user), app, weak=False)
