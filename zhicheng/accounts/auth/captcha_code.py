"""Login captcha: an image from the `captcha` package. The answer is kept on the server
(CaptchaChallenge), the session carries only its id, and the first attempt deletes it: one
image, one attempt, even for someone who replays an old session cookie. A session has at most one
live challenge; the image route is rate-limited per address (CAPTCHA_RATE_LIMIT)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete, or_, select

from zhicheng.extensions import db
from zhicheng.models import CaptchaChallenge

# Upper case only (the check ignores case) and none of 0 O 1 I L, which read alike.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4
LIFETIME = timedelta(minutes=15)
_KEY = "captcha_id"


def new_image() -> bytes:
    from captcha.image import ImageCaptcha  # with Pillow: only the processes that draw one load them
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    challenge_id = secrets.token_hex(16)
    now = datetime.now()
    # One live challenge per browser session: a new image replaces the previous one (which can no
    # longer be answered), and challenges nobody answered in time are purged.
    db.session.execute(delete(CaptchaChallenge).where(or_(CaptchaChallenge.created_at < now - LIFETIME,
                                                          CaptchaChallenge.id == session.get(_KEY, ""))))
    db.session.add(CaptchaChallenge(id=challenge_id, answer=answer, created_at=now))
    db.session.flush()
    session[_KEY] = challenge_id
    return ImageCaptcha(width=160, height=60).generate(answer).getvalue()


def answer_of(challenge_id: str | None) -> str | None:
    """The answer of a live challenge (tests read it; nothing else should)."""
    if not challenge_id:
        return None
    return db.session.scalar(select(CaptchaChallenge.answer).where(CaptchaChallenge.id == challenge_id))


def check(value: str | None) -> str | None:
    """None when the typed value matches, else the message to show. Always consumes the answer."""
    challenge_id = session.pop(_KEY, None)
    answer = None
    if challenge_id:
        row = db.session.get(CaptchaChallenge, challenge_id)
        # Only the request that deletes the row may use it (two at once: one wins).
        taken = db.session.execute(delete(CaptchaChallenge).where(CaptchaChallenge.id == challenge_id)).rowcount
        db.session.flush()
        if row is not None and taken == 1 and row.created_at >= datetime.now() - LIFETIME:
            answer = row.answer
    typed = (value or "").strip().upper()
    if not typed:
        return "请输入验证码"
    if answer is None:
        return "验证码已失效，请点击图片刷新后重新输入"
    if not secrets.compare_digest(typed, answer):
        return "验证码不正确，请重新输入"
    return None


def refused(form) -> bool:
    """获取验证码 needs the image captcha when CAPTCHA_ENABLED: True (message on the form's captcha
    field) if what was typed is wrong."""
    if not current_app.config["CAPTCHA_ENABLED"]:
        return False
    problem = check(form.captcha.data)
    if problem:
        form.captcha.errors.append(problem)
    return problem is not None
