"""短信: a provider interface and the 验证码 rules.

A message goes out through a provider, after the request's transaction has committed (a job:
zhicheng.jobs). The default provider writes each message to a text file in SMS_OUTBOX_DIR, as
zhicheng.mail does without SMTP, so a stand-alone installation and the tests can read what would
have been sent; a real gateway is a class with the same `send` named by SMS_PROVIDER.

A 验证码 is six digits for one phone and one purpose (注册, 找回密码). Only a keyed hash of it is
stored; it lives SMS_CODE_MINUTES, is used once, and SMS_CODE_MAX_TRIES wrong answers end it. A
phone gets at most one code a minute and SMS_PHONE_DAILY_LIMIT a day (counted from the rows, so
every process agrees); the route limits each address through Flask-Limiter besides.
"""
from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, request
from sqlalchemy import func, select

from zhicheng import jobs
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.persons.models import SmsCode, SmsPurpose


class SmsError(DomainError):
    """A code that cannot be sent or does not count; `field` is the form input it belongs to."""


class OutboxProvider:
    """Writes each message to SMS_OUTBOX_DIR as `<time to the microsecond>-<random>.txt` (names sort
    in the order sent): the phone, a blank line, the text."""

    def send(self, phone: str, text: str) -> Path:
        outbox = Path(current_app.config["SMS_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{datetime.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}.txt"
        path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")
        return path


def provider():
    name = current_app.config.get("SMS_PROVIDER") or "outbox"
    if name == "outbox":
        return OutboxProvider()
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


def deliver(phone: str, text: str) -> None:
    """The job that sends one message (its text holds the code, which is never stored in clear)."""
    provider().send(phone, text)


def send(phone: str, text: str) -> None:
    """Send `text` to `phone` once the current transaction has committed."""
    jobs.enqueue("zhicheng.persons.sms.deliver", phone, text)


def _digest(phone: str, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _config(name: str) -> int:
    return int(current_app.config[name])


def issue_code(phone: str, purpose: SmsPurpose) -> SmsCode:
    """Make a code for `phone` and send it, or refuse (SmsError) when the phone had one in the last
    minute or too many today. Earlier live codes of the same purpose stop counting."""
    now = datetime.now()
    sent = db.session.execute(
        select(func.count(SmsCode.id), func.max(SmsCode.created_at))
        .where(SmsCode.phone == phone, SmsCode.created_at > now - timedelta(days=1))).one()
    if sent[1] is not None and sent[1] > now - timedelta(seconds=_config("SMS_RESEND_SECONDS")):
        wait = _config("SMS_RESEND_SECONDS") - int((now - sent[1]).total_seconds())
        raise SmsError(f"验证码已发送，请{max(wait, 1)}秒后再获取", field="phone")
    if sent[0] >= _config("SMS_PHONE_DAILY_LIMIT"):
        raise SmsError("该手机号今天获取验证码的次数已达上限，请明天再试", field="phone")
    for old in db.session.scalars(select(SmsCode).where(SmsCode.phone == phone, SmsCode.purpose == purpose,
                                                        SmsCode.used_at.is_(None), SmsCode.expires_at > now)):
        old.expires_at = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = _config("SMS_CODE_MINUTES")
    row = SmsCode(phone=phone, purpose=purpose, code_hash=_digest(phone, purpose, code), created_at=now,
                  expires_at=now + timedelta(minutes=minutes), address=(request.remote_addr or "")[:64])
    db.session.add(row)
    db.session.flush()
    send(phone, f"【职称申报评审系统】您的{_label(purpose)}验证码为{code}，{minutes}分钟内有效，"
                "请勿告诉他人。如非本人操作，请忽略本短信。")
    return row


def _label(purpose: str) -> str:
    from zhicheng.persons.models import SMS_PURPOSE_LABELS
    return SMS_PURPOSE_LABELS.get(purpose, "")


def use_code(phone: str, purpose: SmsPurpose, code: str) -> None:
    """Accept `code` once, or raise SmsError (field "sms_code"). A wrong answer is counted on the
    live code (the caller's transaction must be committed even though it refuses)."""
    typed = (code or "").strip()
    if not typed:
        raise SmsError("请输入短信验证码", field="sms_code")
    now = datetime.now()
    row = db.session.scalar(select(SmsCode).where(SmsCode.phone == phone, SmsCode.purpose == purpose,
                                                  SmsCode.used_at.is_(None))
                            .order_by(SmsCode.created_at.desc(), SmsCode.id.desc()).limit(1).with_for_update())
    if row is None or row.expires_at <= now:
        raise SmsError("短信验证码已失效，请重新获取", field="sms_code")
    if row.tries >= _config("SMS_CODE_MAX_TRIES"):
        raise SmsError("短信验证码错误次数过多，请重新获取", field="sms_code")
    if not hmac.compare_digest(row.code_hash, _digest(phone, purpose, typed)):
        row.tries += 1
        db.session.flush()
        left = _config("SMS_CODE_MAX_TRIES") - row.tries
        raise SmsError(f"短信验证码不正确，还可以再试{left}次" if left else "短信验证码错误次数过多，请重新获取",
                       field="sms_code")
    row.used_at = now
    db.session.flush()
