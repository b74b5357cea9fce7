"""Login captcha: an image from the `captcha` package; the answer lives in the session and is
good for one attempt only."""
from __future__ import annotations

import secrets

from captcha.image import ImageCaptcha
from flask import session

# Upper case only (the check ignores case) and none of 0 O 1 I L, which read alike.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4
_KEY = "captcha_answer"


def new_image() -> bytes:
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session[_KEY] = answer
    return ImageCaptcha(width=160, height=60).generate(answer).getvalue()


def check(value: str | None) -> str | None:
    """None when the typed value matches, else the message to show. Always consumes the answer."""
    answer = session.pop(_KEY, None)
    typed = (value or "").strip().upper()
    if not typed:
        return "请输入验证码"
    if answer is None:
        return "验证码已失效，请点击图片刷新后重新输入"
    if not secrets.compare_digest(typed, answer):
        return "验证码不正确，请重新输入"
    return None
