from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CaptchaChallenge(db.Model):
    """A login captcha's answer, kept on the server: the session holds only its id, and the row
    is deleted by the first attempt, so a copied session cookie cannot replay a solved captcha."""

    __tablename__ = "captcha_challenge"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    answer: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
