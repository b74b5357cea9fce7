"""打印模板: an office's named column sets, and the indexes behind the 组合排序 it offers."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db
from zhicheng.materials.models import Material
from zhicheng.org.models import Department


class PrintTemplate(db.Model):
    """打印模板设计: which fields a printed or exported list shows, in which order and under which
    headings; several named ones per office (department), used by every staff member of it."""

    __tablename__ = "print_template"
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    # JSON: [[field key, heading], …] in the order printed (zhicheng.declare.fields.FIELDS).
    columns_json: Mapped[str] = mapped_column(Text, default="[]")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    department: Mapped[Department] = relationship()

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(str(key), str(heading)) for key, heading in json.loads(self.columns_json or "[]")]

    @columns.setter
    def columns(self, value) -> None:
        self.columns_json = json.dumps([[key, heading] for key, heading in value], ensure_ascii=False)

    def __str__(self) -> str:
        return self.name


# 组合排序 over the whole city's list reads rows in index order and stops at the page's end: 单位
# then 姓名 walks unit.name and, for each unit, this index; 系列 then 资格 (then 上报时间) this one.
# The id ends each so that the order is total on PostgreSQL too (SQLite appends the rowid anyway).
Index("ix_material_unit_name", Material.unit_id, Material.name, Material.id)
Index("ix_material_series_qualification", Material.series, Material.qualification, Material.submitted_at,
      Material.id)

#: The other sortable fields: a sort led by one of them, then 姓名, reads its index in order and stops
#: at the page's end; led by one of them then another field, the page is read value by value
#: (zhicheng.declare.listing.page_ids), each value's rows counted from this index alone (the state
#: is in it) instead of sorting every visible row of the city.
NAME_SORT_FIELDS = ("birth_date", "work_start_date", "current_major", "current_title", "education", "major",
                    "qualification", "current_qualification")
for _field in NAME_SORT_FIELDS:
    Index(f"ix_material_{_field}_name", getattr(Material, _field), Material.name, Material.id, Material.state)
