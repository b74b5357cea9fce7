"""Failed-login protection without lockout, kept in Flask-Limiter's storage (memory for one
process, Redis for several workers).

Failures are counted per account, per client address and per (account, address) pair, each for
LOGIN_FAILURE_MINUTES from its first failure. Enough failures on the account or from the address
make the captcha compulsory for that account or address; enough failures of one pair hold that
pair's next attempt for 2, 4, 8 … seconds (up to LOGIN_DELAY_MAX_SECONDS). Nobody is locked out:
a correctly solved captcha is never held, so the real owner still gets in with the right password
while a guesser has to solve an image per guess. Only failures count: a correct password never
uses up anything.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app, request
from limits.errors import StorageError
from limits.storage import Storage

from zhicheng.extensions import limiter

_SCOPE = "login-failures"


@dataclass(frozen=True)
class Gate:
    """What the next attempt of one account from the current address must get past."""

    captcha_required: bool = False
    wait_seconds: int = 0


def _config(name: str) -> int:
    return int(current_app.config[name])


def _keys(username: str) -> tuple[str, str, str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    account = (username or "").strip().lower()
    address = request.remote_addr or "unknown"
    base = f"{prefix}/{_SCOPE}/"
    return base + "account:" + account, base + "address:" + address, base + f"pair:{address}|{account}"


def _hold_key(pair_key: str, failures: int) -> str:
    # One key per failure count: its expiry is set when it is created, so a later, longer hold
    # never has to reset an existing key (which the storage cannot do atomically).
    return f"{pair_key}|hold:{failures}"


def _storage_errors(storage: Storage) -> tuple[type[Exception], ...]:
    """What the storage raises when its server (Redis) cannot be reached."""
    own = storage.base_exceptions
    return (StorageError, *(own if isinstance(own, tuple) else (own,)))


def _active() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _hold_seconds(pair_failures: int) -> int:
    after = _config("LOGIN_DELAY_PAIR_FAILURES")
    if pair_failures < after:
        return 0
    return min(_config("LOGIN_DELAY_MAX_SECONDS"), 2 ** min(pair_failures - after + 1, 30))


def gate(username: str) -> Gate:
    if not _active():
        return Gate()
    account_key, address_key, pair_key = _keys(username)
    storage = limiter.storage
    try:
        captcha = (storage.get(account_key) >= _config("LOGIN_CAPTCHA_ACCOUNT_FAILURES")
                   or storage.get(address_key) >= _config("LOGIN_CAPTCHA_ADDRESS_FAILURES"))
        wait = 0
        pair_failures = storage.get(pair_key)
        if _hold_seconds(pair_failures):
            hold_key = _hold_key(pair_key, pair_failures)
            if storage.get(hold_key):
                wait = max(1, math.ceil(storage.get_expiry(hold_key) - time.time()))
    except _storage_errors(storage):
        # Without the counters nobody can be told apart: ask everyone for the captcha rather
        # than let guesses through unchecked or refuse every login.
        current_app.logger.exception("login throttle storage unavailable; captcha required for every login")
        return Gate(captcha_required=True)
    return Gate(captcha_required=captcha, wait_seconds=wait)


def record_failure(username: str) -> None:
    if not _active():
        return
    window = _config("LOGIN_FAILURE_MINUTES") * 60
    storage = limiter.storage
    try:
        account_key, address_key, pair_key = _keys(username)
        storage.incr(account_key, window)
        storage.incr(address_key, window)
        pair_failures = storage.incr(pair_key, window)
        hold = _hold_seconds(pair_failures)
        if hold:
            storage.incr(_hold_key(pair_key, pair_failures), hold)
    except _storage_errors(storage):
        current_app.logger.exception("login throttle storage unavailable; failure not counted")


def record_success(username: str) -> None:
    """The owner got in from here: this pair's own failures (typos) stop delaying it. The account
    and address counts stay, so guesses from elsewhere still meet the captcha."""
    if not _active():
        return
    storage = limiter.storage
    try:
        storage.clear(_keys(username)[2])
    except _storage_errors(storage):
        current_app.logger.exception("login throttle storage unavailable")


# --- the same counters for other public forms (证书查询) ---------------------------------------

def _address_key(scope: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return f"{prefix}/{scope}/address:{request.remote_addr or 'unknown'}"


def address_failures(scope: str) -> int:
    """Failures of `scope` from the current address within LOGIN_FAILURE_MINUTES (a large number
    when the storage cannot be reached: ask for the captcha)."""
    if not _active():
        return 0
    storage = limiter.storage
    try:
        return int(storage.get(_address_key(scope)))
    except _storage_errors(storage):
        current_app.logger.exception("throttle storage unavailable; captcha required")
        return 1 << 30


def record_address_failure(scope: str) -> None:
    if not _active():
        return
    storage = limiter.storage
    try:
        storage.incr(_address_key(scope), _config("LOGIN_FAILURE_MINUTES") * 60)
    except _storage_errors(storage):
        current_app.logger.exception("throttle storage unavailable; failure not counted")
