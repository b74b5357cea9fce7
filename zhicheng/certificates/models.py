"""The tables of 评后管理: 公示 batches and their entries, 异议, 证书编号 rules and counters,
certificates and the 诚信档案."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db

BATCH_STATES = {"publicizing": "公示中", "confirmed": "已评定", "issued": "已发文"}
ENTRY_STATES = {"listed": "公示中", "revoked": "异议成立，已撤销", "certified": "已评定"}
OBJECTION_STATES = {"open": "待处理", "upheld": "异议成立", "rejected": "异议不成立"}
CERTIFICATE_STATES = {"valid": "有效", "revoked": "已撤销"}
LEVELS = {"junior": "初级", "middle": "中级", "senior": "高级"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PublicityBatch(db.Model):
    """公示: a batch of passed results the 职改部门 published, with its period (≥ 5 工作日); after it,
    评定; then 发文 (发文字号, 发证单位, 发证日期) gives each person a certificate."""

    __tablename__ = "publicity_batch"
    __table_args__ = (CheckConstraint(_in("state", BATCH_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default="publicizing", index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64), default="")
    confirmed_at: Mapped[datetime | None]
    # 发文
    doc_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None]
    seal_file: Mapped[str | None] = mapped_column(String(80))
    # Bumped by every change the public page shows (its cache key).
    version: Mapped[int] = mapped_column(default=1)

    entries: Mapped[list[PublicityEntry]] = relationship(back_populates="batch", order_by="PublicityEntry.id")

    @property
    def state_label(self) -> str:
        return BATCH_STATES.get(self.state, self.state)

    def __str__(self) -> str:
        return self.title


class PublicityEntry(db.Model):
    """One person on a 公示: what the public page shows, copied from the material when published."""

    __tablename__ = "publicity_entry"
    __table_args__ = (CheckConstraint(_in("state", ENTRY_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("publicity_batch.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    qualification: Mapped[str] = mapped_column(String(100), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # 评委会 / 项目
    state: Mapped[str] = mapped_column(String(12), default="listed", index=True)

    batch: Mapped[PublicityBatch] = relationship(back_populates="entries")
    material = relationship("Material")

    @property
    def state_label(self) -> str:
        return ENTRY_STATES.get(self.state, self.state)


class Objection(db.Model):
    """异议: filed by anyone during the period, against one person of the batch; handled by the office."""

    __tablename__ = "objection"
    __table_args__ = (CheckConstraint(_in("state", OBJECTION_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("publicity_batch.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("publicity_entry.id"), index=True)
    filer_name: Mapped[str] = mapped_column(String(50))
    contact: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[str] = mapped_column(String(64), default="")
    handled_at: Mapped[datetime | None]

    entry: Mapped[PublicityEntry] = relationship()
    batch: Mapped[PublicityBatch] = relationship()

    @property
    def state_label(self) -> str:
        return OBJECTION_STATES.get(self.state, self.state)


class NumberRule(db.Model):
    """证书编号规则 for one 系列 and 级别 (系列 empty: every series of the level). The pattern names
    {year}, {level}, {series} and the sequence {seq} (e.g. {seq:05d}); the sequence runs per
    rendered prefix, so per year as well."""

    __tablename__ = "certificate_number_rule"
    __table_args__ = (UniqueConstraint("series", "level"), CheckConstraint(_in("level", LEVELS), name="level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(10))
    series_code: Mapped[str] = mapped_column(String(10), default="")
    level_code: Mapped[str] = mapped_column(String(10), default="")
    pattern: Mapped[str] = mapped_column(String(100), default="{year}{level}{series}{seq:05d}")

    def __str__(self) -> str:
        return f"{self.series or '全部系列'} {LEVELS.get(self.level, self.level)}"


class NumberCounter(db.Model):
    """The last sequence number given under one prefix; read with SELECT … FOR UPDATE so that two
    batches issued at once get consecutive, distinct ranges."""

    __tablename__ = "certificate_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    last: Mapped[int] = mapped_column(default=0)


class Certificate(db.Model):
    """专业技术资格证书: issued from a 发文, or imported from the former system (source 'imported')."""

    __tablename__ = "certificate"
    __table_args__ = (CheckConstraint(_in("state", CERTIFICATE_STATES), name="state"),
                      CheckConstraint("source IN ('issued', 'imported')", name="source"),
                      Index("ix_certificate_id_card_qualification", "id_card", "qualification"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_card: Mapped[str] = mapped_column(String(18), index=True)
    qualification: Mapped[str] = mapped_column(String(100), default="")
    series: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    obtained_on: Mapped[date]  # 取得时间
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date]
    doc_number: Mapped[str] = mapped_column(String(60), default="")
    query_code: Mapped[str] = mapped_column(String(12))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("publicity_batch.id"), index=True)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"), unique=True)
    source: Mapped[str] = mapped_column(String(10), default="issued", index=True)
    state: Mapped[str] = mapped_column(String(10), default="valid", index=True)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    batch: Mapped[PublicityBatch | None] = relationship()

    @property
    def state_label(self) -> str:
        return CERTIFICATE_STATES.get(self.state, self.state)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class IntegrityRecord(db.Model):
    """诚信档案: a person's record of dishonesty (e.g. 弄虚作假), keyed by 证件号码."""

    __tablename__ = "integrity_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_card: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
