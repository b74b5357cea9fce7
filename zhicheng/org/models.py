from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, true
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


class Unit(db.Model):
    """An employer registered under one 归口部门 (one 机构代码 registers once per department)."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("uscc", "department_id"),)

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
    license_file: Mapped[str | None] = mapped_column(String(80))
    license_name: Mapped[str | None] = mapped_column(String(200))
    legacy_code_reason: Mapped[str | None] = mapped_column(Text)
    in_registry: Mapped[bool] = mapped_column(default=False)
    # 禁用 of a unit by its department: the unit account and all its 工作账号 stop logging in.
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    department: Mapped[Department] = relationship()

    def __str__(self) -> str:
        return self.name


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
