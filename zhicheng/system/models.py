"""The audit log (the dictionaries: zhicheng.codes.models)."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from zhicheng.extensions import db, trgm_index


class AuditLog(db.Model):
    """Who did what, when. Rows are only ever inserted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(45), default="")


# The audit log's search box ORs ILIKE '%…%' over 操作人, 操作 and 详情 (and the 操作 filter).
for _column in (AuditLog.actor_name, AuditLog.action, AuditLog.detail):
    trgm_index(_column)


# The dictionaries live in zhicheng.codes; imported here for the modules that found them here.
from zhicheng.codes.models import DICT_KINDS, DictItem  # noqa: F401
