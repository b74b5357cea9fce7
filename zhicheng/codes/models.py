"""The dictionaries (字典管理), the 单位字典 of each department and the 接收更新代码 uploads.

The root office keeps the dictionaries below; every staff member reads them. 专业 and 资格名称
belong to a 系列 (their `parent`): the forms offer the ones of the chosen 系列 and the server
refuses a combination across 系列. An entry without a 系列 is offered with every 系列.

评委会 is the code list of the 评审委员会 (评委会代码 and name, as the provincial office publishes
it); a ReviewBoard of zhicheng.boards carries one of these codes, so a board keeps its own
composition, 专家库 and meetings while the code ties it to the published list.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db, trgm_index

#: Every dictionary kind, in the manual's order (字典管理: 系列、评委会、评审专业、职务名称、学历、级别、单位性质).
DICT_KINDS = {
    "series": "系列",
    "board": "评委会",
    "major": "专业",
    "qualification": "资格名称",
    "post": "职务名称",
    "education": "学历",
    "level": "级别",
    "unit_nature": "单位性质",
}

#: The kind an entry of a linked kind belongs to: 专业 and 资格名称 belong to a 系列.
PARENT_KINDS = {"major": "series", "qualification": "series"}


class DictItem(db.Model):
    """One entry of a dictionary: its code, name, place in the list and whether it is offered."""

    __tablename__ = "dict_item"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The 系列 of a 专业 or 资格名称 (PARENT_KINDS); none: offered with every 系列.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("dict_item.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    parent: Mapped[DictItem | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


class UnitCode(db.Model):
    """单位字典: a unit as its 主管单位 codes it (单位代码), kept by that department for its own
    units; filled by hand or by 接收原系统数据. A registered unit of the same 机构代码 under the
    same department is the same unit (matched on the page, not stored)."""

    __tablename__ = "unit_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    nature: Mapped[str] = mapped_column(String(100), default="")  # 单位性质 (its dictionary's name)
    industry: Mapped[str] = mapped_column(String(2), default="", index=True)  # 单位行业 (GB/T 4754 门类)
    region: Mapped[str] = mapped_column(String(6), default="", index=True)  # 所在地 (行政区划 code)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    department = relationship("Department")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# The 单位字典's search box: ILIKE '%…%' over 单位名称 and 单位代码.
for _column in (UnitCode.name, UnitCode.code):
    trgm_index(_column)


class CodeUpdate(db.Model):
    """接收更新代码: an uploaded workbook, read and kept until the root office applies (确认应用)
    or discards it; the diff it shows is worked out again against the dictionaries when applied."""

    __tablename__ = "code_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[str] = mapped_column(Text)  # the workbook's rows, as JSON (zhicheng.codes.workbook)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending | applied | discarded
    summary: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None]
