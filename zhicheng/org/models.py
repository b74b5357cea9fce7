from __future__ import annotations

from datetime import datetime

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db, trgm_index


class Department(db.Model):
    """A node of the department tree: the root office (市人社局), 归口部门 and their sub-departments."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    # Materialised path "/1/4/9/" makes "this department and everything below it" one prefix test.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    depth: Mapped[int] = mapped_column(default=0)
    accepts_registration: Mapped[bool] = mapped_column(default=True)
    # 注册需审核: units registering under this department wait for its approval before they log in.
    registration_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    # 主管单位代码: the department's code in the original system (接收原系统数据, zhicheng.codes.units).
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent", order_by="Department.id")

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    @property
    def is_first_level(self) -> bool:
        return self.depth == 1

    def ancestor_ids(self) -> list[int]:
        """Ids from this department up to the root, nearest first."""
        return [int(x) for x in reversed(self.path.strip("/").split("/")) if x]

    def __str__(self) -> str:
        return self.name


class Approval(StrEnum):
    """注册需审核: where a unit's registration stands with its 归口部门."""

    APPROVED = "approved"  # 审核通过 (or registered where no approval is needed)
    PENDING = "pending"  # 待审核: the unit cannot log in yet
    REFUSED = "refused"  # 审核不通过, with a reason; the unit corrects and resubmits


APPROVAL_LABELS = {Approval.APPROVED: "审核通过", Approval.PENDING: "待审核", Approval.REFUSED: "审核不通过"}


class Unit(db.Model):
    """An employer registered under one 归口部门 (one 机构代码 registers once per department)."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("uscc", "department_id"),
        CheckConstraint("approval IN ('approved', 'pending', 'refused')", name="approval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    legal_rep: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    email: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    nature: Mapped[str] = mapped_column(String(50), default="")
    contact_email: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # 单位类型 (zhicheng.org.codes.UNIT_TYPES: which licence it uploads), 单位行业 (GB/T 4754 门类),
    # 单位所在地 (行政区划 code).
    unit_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    industry: Mapped[str] = mapped_column(String(2), default="", server_default="", index=True)
    region: Mapped[str] = mapped_column(String(6), default="", server_default="", index=True)
    # 营业执照 / 机构代码证: the scan, and which licence it is (named by the unit's type at upload).
    license_file: Mapped[str | None] = mapped_column(String(80))
    license_name: Mapped[str | None] = mapped_column(String(200))
    license_kind: Mapped[str | None] = mapped_column(String(50))
    license_uploaded_at: Mapped[datetime | None]
    # 单位签章: the electronic seal (PNG with a transparent background) made from the unit's scan.
    seal_file: Mapped[str | None] = mapped_column(String(80))
    seal_updated_at: Mapped[datetime | None]
    # 注册需审核.
    approval: Mapped[str] = mapped_column(String(10), default=Approval.APPROVED,
                                          server_default=Approval.APPROVED.value, index=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    legacy_code_reason: Mapped[str | None] = mapped_column(Text)
    in_registry: Mapped[bool] = mapped_column(default=False)
    # 禁用 of a unit by its department: the unit account and all its 工作账号 stop logging in.
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    department: Mapped[Department] = relationship()
    name_changes: Mapped[list[UnitNameChange]] = relationship(
        back_populates="unit", order_by="UnitNameChange.changed_at, UnitNameChange.id",
        cascade="all, delete-orphan", passive_deletes=True)

    def __str__(self) -> str:
        return self.name


class UnitNameChange(db.Model):
    """更名记录: one change of a unit's name, with the old name, the date and the reason."""

    __tablename__ = "unit_name_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    old_name: Mapped[str] = mapped_column(String(200))
    new_name: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")

    unit: Mapped[Unit] = relationship(back_populates="name_changes")


# 单位名称 search and the 单位全称 filter (ILIKE '%…%'); the search box also ORs 机构代码 and 法人.
for _column in (Unit.name, Unit.uscc, Unit.legal_rep):
    trgm_index(_column)


class UnitRegistry(db.Model):
    """单位名录: organisations the office already knows, used to fill the unit name at registration."""

    __tablename__ = "unit_registry"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    legal_rep: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    def __str__(self) -> str:
        return self.name
