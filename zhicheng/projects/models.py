from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db
from zhicheng.org.models import Department

# The model admits more kinds later; these three share every operation (manual §1).
PROJECT_KINDS = {
    "cd_junior": "初定初级",
    "cd_middle": "初定中级",
    "rd_junior": "认定初级",
}
# Which form a kind prints: 初定 -> 初定表, 认定 -> 认定表.
FORM_OF_KIND = {"cd_junior": "初定表", "cd_middle": "初定表", "rd_junior": "认定表"}


class Project(db.Model):
    """申报项目, published by a department that then gives the final approval."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(index=True)
    series: Mapped[str] = mapped_column(String(100), default="")
    majors: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    issuer_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    issuer: Mapped[Department] = relationship()

    @property
    def kind_label(self) -> str:
        return PROJECT_KINDS.get(self.kind, self.kind)

    @property
    def form_name(self) -> str:
        return FORM_OF_KIND.get(self.kind, "初定表")

    def is_open(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.start_date <= today <= self.end_date

    def __str__(self) -> str:
        return self.name
