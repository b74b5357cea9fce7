"""The one place passwords are hashed and checked.

Chosen passwords: werkzeug scrypt. One-time passwords (new and reset accounts) are random
with ~95 bits of entropy, so a keyed HMAC-SHA256 is enough and lets a batch of 500 finish
well inside a second; they must be changed at first login, which re-hashes with scrypt.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

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


def hash_chosen(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


# Checked against when a login names no account, so that answer takes as long as a wrong password.
DUMMY_HASH = "scrypt:32768:8:1$zhichengdummy$" + "0" * 128


def verify(stored: str, password: str) -> bool:
    if not stored or password is None:
        return False
    if stored.startswith(_OTP_PREFIX):
        salt, digest = stored[len(_OTP_PREFIX):].split("$", 1)
        return hmac.compare_digest(digest, _otp_digest(password, salt))
    return check_password_hash(stored, password)
