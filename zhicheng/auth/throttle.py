"""Failed-login limit, per account and per client address, kept in Flask-Limiter's storage
(memory for one process, Redis for several workers).

Only failures are counted: the view asks `blocked()` before checking the password and calls
`record_failure()` after a wrong one, so a correct password never uses up the allowance.
"""
from __future__ import annotations

from flask import current_app, request
from limits import RateLimitItem, parse_many

from ..extensions import limiter

_SCOPE = "login-failures"


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config.get("LOGIN_RATE_LIMIT") or "5 per 15 minutes")


def _keys(username: str) -> list[tuple[str, ...]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [(prefix, _SCOPE, "account:" + (username or "").strip().lower()),
            (prefix, _SCOPE, "address:" + (request.remote_addr or "unknown"))]


def _active() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def blocked(username: str) -> bool:
    if not _active():
        return False
    return any(not limiter.limiter.test(item, *key) for item in _limits() for key in _keys(username))


def record_failure(username: str) -> None:
    if not _active():
        return
    for item in _limits():
        for key in _keys(username):
            limiter.limiter.hit(item, *key)


def lockout_minutes() -> int:
    return max(1, max(item.get_expiry() for item in _limits()) // 60)
