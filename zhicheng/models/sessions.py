from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LoginSession(db.Model):
    """One login of one account, kept on the server so that 退出 ends it for good (a copied
    cookie is worth nothing afterwards), with an idle and an absolute lifetime.

    The cookie carries a random token; only its SHA-256 is stored, so the table lets nobody log in.
    """

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(String(64), default="")
