"""The one place passwords are hashed and checked.

Chosen passwords: Argon2id with the OWASP Password Storage Cheat Sheet's parameters (19 MiB,
2 iterations, 1 lane; about 20 ms a check). Hashes from before (werkzeug scrypt) still verify
and are re-hashed at the account's next successful login. One-time passwords (new and reset
accounts) are random with ~95 bits of entropy, so a keyed HMAC-SHA256 is enough and lets a batch
of 500 finish well inside a second; they must be changed at first login.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash

_OTP_PREFIX = "otp-hmac$"
# No 0/O/1/l/I: the password is read off a screen or a printed sheet.
_OTP_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OTP_LENGTH = 16


def new_one_time_password() -> str:
    while True:
        pw = "".join(secrets.choice(_OTP_ALPHABET) for _ in range(OTP_LENGTH))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _otp_digest(password: str, salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{salt}${password}".encode(), hashlib.sha256).hexdigest()


def hash_one_time(password: str) -> str:
    salt = secrets.token_hex(8)
    return f"{_OTP_PREFIX}{salt}${_otp_digest(password, salt)}"


_ARGON2 = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_ARGON2_PREFIX = "$argon2"


def _argon2() -> PasswordHasher:
    """The hasher above, unless the app's config has ARGON2_TEST_COST: only the test-suite's
    config does, so that its thousand logins do not each spend 19 MiB and tens of ms."""
    cost = current_app.config.get("ARGON2_TEST_COST") if has_app_context() else None
    return PasswordHasher(**cost) if cost else _ARGON2


def hash_chosen(password: str) -> str:
    return _argon2().hash(password)


# Checked against when a login names no account, so that answer takes as long as a wrong password.
# The hash of a random password nobody kept, with the parameters above (a test checks they match);
# a constant, so that start-up does not hash.
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$yAJGOH22KKPRjz1rFFGgAg$sT3Q4NElP5hqUf3n0Q4Yh+I/kHUIZl3iIwvo1aT1SHE"


def needs_rehash(stored: str) -> bool:
    """A chosen password kept with another scheme (scrypt) or older parameters."""
    if not stored or stored.startswith(_OTP_PREFIX):
        return False
    if stored.startswith(_ARGON2_PREFIX):
        return _argon2().check_needs_rehash(stored)
    return True


def verify(stored: str, password: str) -> bool:
    if not stored or password is None:
        return False
    if stored.startswith(_OTP_PREFIX):
        salt, digest = stored[len(_OTP_PREFIX):].split("$", 1)
        return hmac.compare_digest(digest, _otp_digest(password, salt))
    if stored.startswith(_ARGON2_PREFIX):
        try:
            return _argon2().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)
