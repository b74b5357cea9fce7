"""The tables of the reviewers' checks: the 可申报资格表, resolutions of duplicate applications and
the snapshots taken when a material is returned."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db


class EligibilityRule(db.Model):
    """One row of the 可申报资格表 kept by the root office: who holds `education` and (when named)
    `current_qualification` for at least `min_years` may apply for `qualification`. Without a
    现有资格 the years are counted from 参加工作时间, with one from the date it was obtained."""

    __tablename__ = "eligibility_rule"
    __table_args__ = (
        UniqueConstraint("qualification", "education", "current_qualification"),
        CheckConstraint("min_years >= 0 AND min_years <= 60", name="min_years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification: Mapped[str] = mapped_column(String(100), index=True)  # 可申报资格
    education: Mapped[str] = mapped_column(String(50))  # 学历
    current_qualification: Mapped[str] = mapped_column(String(100), default="")  # 现有资格, "" = 不限
    min_years: Mapped[int] = mapped_column(default=0)  # 任职年限
    note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)

    @property
    def condition(self) -> str:
        """The rule in words, e.g. 本科，取得助理工程师满4年."""
        if self.current_qualification:
            return f"{self.education}，取得{self.current_qualification}满{self.min_years}年"
        return f"{self.education}，参加工作满{self.min_years}年"

    def __str__(self) -> str:
        return f"{self.condition} → {self.qualification}"


class DuplicateResolution(db.Model):
    """The root office's decision that two applications of one 证件号码 in one year may both go on,
    with its reason (the pair: the lower material id first)."""

    __tablename__ = "duplicate_resolution"
    __table_args__ = (
        UniqueConstraint("material_id", "other_id"),
        CheckConstraint("material_id < other_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime]

    def __str__(self) -> str:
        return f"重复申报处理（材料{self.material_id}、{self.other_id}）：{self.reason}"


class ReturnSnapshot(db.Model):
    """What a material held when a department returned it (every field, row and attachment), so
    that after 重新上报 the reviewer sees what changed since."""

    __tablename__ = "return_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("review_record.id"), unique=True)
    at: Mapped[datetime]
    data: Mapped[dict] = mapped_column(JSON)

    record = relationship("ReviewRecord")
