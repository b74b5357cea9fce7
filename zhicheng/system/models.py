"""The audit log and the dictionaries (字典维护)."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
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


DICT_KINDS = {
    "series": "系列",
    "major": "专业",
    "qualification": "资格名称",
    "education": "学历",
    "level": "级别",
    "unit_nature": "单位性质",
}


class DictItem(db.Model):
    """One entry of a dictionary (字典维护): 系列, 专业, 资格名称, 学历, 级别, 单位性质."""

    __tablename__ = "dict_item"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    def __str__(self) -> str:
        return self.name
