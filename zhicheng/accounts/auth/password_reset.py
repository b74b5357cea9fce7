"""忘记密码: a mailed link with a signed, timed token that is bound to the current password
hash, so it stops working once used (or once the password changes any other way)."""
from __future__ import annotations

import hashlib
import smtplib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from zhicheng import jobs
from zhicheng.accounts import passwords
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.mail import send_mail
from zhicheng.models import User
from zhicheng.security import external_url
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_password_rule

SALT = "reset-password"
MAX_AGE = 3600


class InvalidResetLink(DomainError):
    pass


class ResetError(DomainError):
    """A bad new password; `field` names the input the message belongs to."""

    def __init__(self, message: str, field: str = "new_password"):
        super().__init__(message, field=field)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    # The token is signed, not encrypted: carry a digest of the hash, never the hash.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "pw": _fingerprint(user)})


def user_for_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired:
        raise InvalidResetLink("找回密码链接已过期（有效期1小时），请重新申请") from None
    except BadSignature:
        raise InvalidResetLink("找回密码链接无效，请重新申请") from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.enabled or data.get("pw") != _fingerprint(user):
        raise InvalidResetLink("找回密码链接已使用或已失效，请重新申请")
    return user


def request_reset(username: str, email: str) -> bool:
    """Mail a reset link when the username and e-mail match an enabled account.

    The caller shows the same message either way; the return value is for logging only.
    """
    username, email = (username or "").strip(), (email or "").strip()
    user = None
    if username and email:
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None or not user.enabled or not user.email or user.email.strip().lower() != email.lower():
            user = None
    if user is None:
        audit.record("password.reset_request", None, f"找回密码未匹配：用户名 {username[:64]}")
        db.session.flush()
        return False
    # The mail goes out as a background job once this request has committed (zhicheng.jobs): the
    # page answers at once, the same way for a match and for none.
    jobs.enqueue("zhicheng.accounts.auth.password_reset.send_reset_mail", user.id)
    return True


def send_reset_mail(user_id: int) -> None:
    """The job: the link (a token bound to the password hash as it is now) and the mail; the audit
    row says whether it went out."""
    user = db.session.get(User, user_id)
    if user is None or not user.enabled or not user.email:
        return
    link = external_url("auth.reset_password", token=make_token(user))
    body = (f"{user.display_name}，您好：\n\n"
            f"您（或他人）在职称申报评审系统申请找回账号“{user.username}”的密码。"
            f"请在1小时内打开以下链接设置新密码，链接只能使用一次：\n\n{link}\n\n"
            "如果不是您本人操作，请忽略本邮件，原密码仍然有效。\n")
    try:
        send_mail(user.email, "职称申报评审系统 · 找回密码", body)
    except (OSError, smtplib.SMTPException):
        # The page answered the same either way (no account probing); the failure is logged here.
        current_app.logger.exception("password reset mail to %s failed", user.email)
        audit.record("password.reset_request", user, f"找回密码邮件发送失败：{user.email}", actor=user)
        return
    audit.record("password.reset_request", user, f"已向 {user.email} 发送找回密码邮件", actor=user)


def reset_with_token(token: str, new: str, confirm: str) -> User:
    """Set the chosen password; InvalidResetLink for a bad token, ResetError for a bad password."""
    user = user_for_token(token)
    if new != confirm:
        raise ResetError("两次输入的新密码不一致", "confirm")
    try:
        check_password_rule(new)
    except ValidationError as e:
        raise ResetError(str(e)) from None
    user.password_hash = passwords.hash_chosen(new)
    user.must_change_password = False
    audit.record("password.reset_by_mail", user, f"{user.username} 通过邮件链接重置密码", actor=user)
    db.session.flush()
    return user
