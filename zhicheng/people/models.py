"""人员基本信息 (one row per 证件号码), 聘任 (a post held at a unit from one date to another) and each
unit's 岗位结构比例."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.boards.states import check_sql
from zhicheng.extensions import db, trgm_index
from zhicheng.org.models import Unit
from zhicheng.persons.models import ID_TYPE_LABELS, IdType

#: 岗位级别 of a 专业技术岗位, highest first (the four columns of 结构比例).
LEVELS = {"senior": "正高级", "deputy": "副高级", "middle": "中级", "junior": "初级"}
#: 岗位等级 (专业技术一级 … 十三级岗位) and the 级别 each belongs to (事业单位岗位设置管理: 一至四级正高,
#: 五至七级副高, 八至十级中级, 十一至十三级初级).
GRADE_LEVELS = {**{g: "senior" for g in range(1, 5)}, **{g: "deputy" for g in range(5, 8)},
                **{g: "middle" for g in range(8, 11)}, **{g: "junior" for g in range(11, 14)}}
_NUMERALS = "一二三四五六七八九十"


def grade_label(grade: int | None) -> str:
    if not grade:
        return ""
    numeral = _NUMERALS[grade - 1] if grade <= 10 else "十" + _NUMERALS[grade - 11]
    return f"专业技术{numeral}级"


GRADE_LABELS = {g: grade_label(g) for g in GRADE_LEVELS}
SOURCES = {"manual": "录入", "import": "导入", "materials": "申报材料"}
QUOTA_MODES = {"count": "按岗位数", "ratio": "按比例"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PersonRecord(db.Model):
    """人员基本信息: one 专业技术人员, keyed by 证件号码, in the unit he works for now. His materials and
    certificates are those carrying the same 证件号码; his 聘任 are rows of their own."""

    __tablename__ = "person_record"
    __table_args__ = (
        CheckConstraint(check_sql("id_type", IdType), name="id_type"),
        CheckConstraint(_in("qualification_level", ("", *LEVELS)), name="qualification_level"),
        CheckConstraint(_in("source", SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[str] = mapped_column(String(16), default=IdType.RESIDENT)
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    education: Mapped[str] = mapped_column(String(50), default="")  # 学历
    major: Mapped[str] = mapped_column(String(100), default="")  # 现从事专业
    qualification: Mapped[str] = mapped_column(String(100), default="")  # 现有资格 (资格名称)
    qualification_level: Mapped[str] = mapped_column(String(10), default="", index=True)
    qualified_on: Mapped[date | None]  # 取得时间
    phone: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(10), default="manual", index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    unit: Mapped[Unit] = relationship()

    @property
    def id_type_label(self) -> str:
        return ID_TYPE_LABELS.get(self.id_type, self.id_type)

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.qualification_level, "")

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number}）"


# The list's search box ORs ILIKE '%…%' over 姓名 and 证件号码: 姓名 has a trigram index on
# PostgreSQL. 证件号码 has none: its digits share a few trigrams with every other number, and the
# planner took that index for the imports' look-ups by equality (IN (…) of 900 numbers: seconds).
trgm_index(PersonRecord.name)


class Appointment(db.Model):
    """聘任: a person holds a 专业技术岗位 (聘任职务, 岗位级别 and 等级) at a unit from 起始日期 to
    终止日期 (open: 至今). One that took a unit over its 岗位结构比例 keeps the reason it was made."""

    __tablename__ = "appointment"
    __table_args__ = (
        UniqueConstraint("person_id", "unit_id", "start_date"),
        CheckConstraint(_in("level", LEVELS), name="level"),
        CheckConstraint("grade IS NULL OR (grade >= 1 AND grade <= 13)", name="grade"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period"),
        # 结构比例 counts a unit's current 聘任 per 级别.
        Index("ix_appointment_unit_level_period", "unit_id", "level", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person_record.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    post_title: Mapped[str] = mapped_column(String(100))  # 聘任职务, e.g. 工程师
    level: Mapped[str] = mapped_column(String(10), index=True)  # 岗位级别
    grade: Mapped[int | None]  # 岗位等级 1–13
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date | None] = mapped_column(index=True)
    over_quota: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    over_quota_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    person: Mapped[PersonRecord] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def status(self, today: date) -> str:
        if self.start_date > today:
            return "未到聘期"
        return "在聘" if self.active_on(today) else "已解聘"

    def __str__(self) -> str:
        return f"{self.person.name} {self.post_title}（{self.start_date}起）"


class PostQuota(db.Model):
    """岗位结构比例 of a unit, set by its 主管部门: the posts of each 级别 either as numbers (count) or
    as percentages of the unit's 专业技术岗位总量 (ratio; the number of posts is the share rounded
    down)."""

    __tablename__ = "post_quota"
    __table_args__ = (
        CheckConstraint(_in("mode", QUOTA_MODES), name="mode"),
        CheckConstraint("senior >= 0 AND deputy >= 0 AND middle >= 0 AND junior >= 0", name="non_negative"),
        CheckConstraint("mode = 'count' OR total > 0", name="ratio_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(8), default="count")
    total: Mapped[int | None]  # 专业技术岗位总量 (ratio)
    senior: Mapped[int] = mapped_column(default=0)
    deputy: Mapped[int] = mapped_column(default=0)
    middle: Mapped[int] = mapped_column(default=0)
    junior: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(200), default="")  # 核准文号 / 说明
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    unit: Mapped[Unit] = relationship()

    def value(self, level: str) -> int:
        return getattr(self, level)

    def posts(self, level: str) -> int:
        """The number of posts of `level` the quota allows."""
        if self.mode == "ratio":
            return (self.total or 0) * self.value(level) // 100
        return self.value(level)

    def allowed(self) -> dict[str, int]:
        return {level: self.posts(level) for level in LEVELS}

    @property
    def mode_label(self) -> str:
        return QUOTA_MODES.get(self.mode, self.mode)

    def describe(self) -> str:
        if self.mode == "ratio":
            shares = "，".join(f"{LEVELS[lv]}{self.value(lv)}%" for lv in LEVELS)
            return f"岗位总量{self.total}个：{shares}"
        return "，".join(f"{LEVELS[lv]}{self.value(lv)}个" for lv in LEVELS)

    def __str__(self) -> str:
        return f"{self.unit.name} 岗位结构比例"
