from datetime import datetime

from sqlalchemy import String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

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
