from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng import textcheck  # noqa: F401  (its before_flush check covers every model's text columns)
from zhicheng.accounts.models import User
from zhicheng.extensions import char_pairs, db, trgm_index
from zhicheng.materials.states import STATE_LABELS, STATES, TRANSITIONS, MaterialState, check_sql
from zhicheng.org.models import Department, Unit
from zhicheng.projects.models import Project


class Material(db.Model):
    """申报材料: one applicant's application to one project."""

    __tablename__ = "material"
    __table_args__ = (
        Index("ix_material_unit_project_state", "unit_id", "project_id", "state"),
        Index("ix_material_dept_state_project", "current_department_id", "state", "project_id"),
        CheckConstraint(check_sql("state"), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # `values`: every value the CHECK constraint allows (zhicheng.admin.complement_count counts a
    # list of most states by the few others).
    state: Mapped[str] = mapped_column(String(12), default=MaterialState.DRAFT, index=True,
                                       info={"values": tuple(s.value for s in MaterialState)})
    current_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    # 基本信息
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None]
    id_card: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    work_start_date: Mapped[date | None]
    current_major: Mapped[str] = mapped_column(String(100), default="")
    series: Mapped[str] = mapped_column(String(100), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    qualification: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(50), default="")
    current_title: Mapped[str] = mapped_column(String(100), default="")
    # 可申报资格表 (zhicheng.checks.eligibility): 现有资格 and when it was obtained; 破格 with its reason.
    current_qualification: Mapped[str] = mapped_column(String(100), default="", server_default="")
    current_qualification_date: Mapped[date | None]
    exceptional: Mapped[bool] = mapped_column(default=False, server_default=false())
    exception_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # 专业技术工作业绩
    achievements: Mapped[str] = mapped_column(Text, default="")

    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    submitter_name: Mapped[str] = mapped_column(String(50), default="")
    submitter_phone: Mapped[str] = mapped_column(String(20), default="")
    approved_at: Mapped[datetime | None]
    # 个人申报: the unit's 单位意见 (its 附件 are attachments of kind "unit_opinion").
    unit_opinion: Mapped[str] = mapped_column(Text, default="", server_default="")
    unit_opinion_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    project: Mapped[Project] = relationship()
    unit: Mapped[Unit] = relationship()
    creator: Mapped[User] = relationship(back_populates="materials", foreign_keys=[creator_id])
    current_department: Mapped[Department | None] = relationship()
    educations: Mapped[list[Education]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="Education.id")
    work_histories: Mapped[list[WorkHistory]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="WorkHistory.id")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="Attachment.id")
    review_records: Mapped[list[ReviewRecord]] = relationship(
        back_populates="material", order_by="ReviewRecord.id", passive_deletes="all")

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def editable(self) -> bool:
        facts = STATES.get(self.state)
        return facts is not None and facts.editable

    def __str__(self) -> str:
        return f"{self.number or ''} {self.name}".strip()


# The list search box ORs ILIKE '%…%' over 姓名, 身份证号 and 编号: with all three indexed on
# PostgreSQL the planner combines them (BitmapOr) instead of reading every row.
for _column in (Material.name, Material.id_card, Material.number):
    trgm_index(_column)
# A 姓名 term of two characters (a given name) has no trigram; the name with its characters
# doubled has (MaterialListView's search uses it on PostgreSQL).
Index("ix_material_name_pairs_trgm", char_pairs(Material.name).label("name_pairs"), postgresql_using="gin",
      postgresql_ops={"name_pairs": "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class _PeriodRow:
    """A row of one of a material's tables with a period (学历学位, 工作经历)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]


class Education(_PeriodRow, db.Model):
    """学历学位: one row per degree."""

    __tablename__ = "education"

    school: Mapped[str] = mapped_column(String(100), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(50), default="")
    degree: Mapped[str] = mapped_column(String(50), default="")

    material: Mapped[Material] = relationship(back_populates="educations")


class WorkHistory(_PeriodRow, db.Model):
    """工作经历: one row per post."""

    __tablename__ = "work_history"

    employer: Mapped[str] = mapped_column(String(200), default="")
    post: Mapped[str] = mapped_column(String(100), default="")
    duty: Mapped[str] = mapped_column(String(200), default="")

    material: Mapped[Material] = relationship(back_populates="work_histories")


ATTACHMENT_KINDS = {"review_form": "评审表", "scan": "其他扫描件"}
# 个人申报's categories (the 前台 manual's 上传附件) and the unit's 单位意见附件.
PERSON_ATTACHMENT_KINDS = {"study": "学习经历", "work": "工作经历", "achievement": "工作业绩", "project": "项目情况",
                           "patent": "专利课题", "paper": "论文专著", "opinion": "单位意见", "other": "附件资料",
                           "forms": "相关表格"}
UNIT_OPINION_KIND = "unit_opinion"
# 个人申报: copies of the 身份证照片 of the person's 档案, made when he applies; seen with the material
# by the person, his unit and the departments, never by the experts (zhicheng.scope.attachments).
ID_PHOTO_KIND = "id_photo"
ALL_ATTACHMENT_KINDS = {**ATTACHMENT_KINDS, **PERSON_ATTACHMENT_KINDS, UNIT_OPINION_KIND: "单位意见附件",
                        ID_PHOTO_KIND: "身份证照片"}


class Attachment(db.Model):
    """附件: stored on disk under a generated name; the original (Chinese) name kept for display."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="scan")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    # 个人申报: each file's 名称 and 说明.
    title: Mapped[str] = mapped_column(String(100), default="", server_default="")
    description: Mapped[str] = mapped_column(String(500), default="", server_default="")
    uploaded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    material: Mapped[Material] = relationship(back_populates="attachments")

    @property
    def kind_label(self) -> str:
        return ALL_ATTACHMENT_KINDS.get(self.kind, self.kind)


REVIEW_ACTIONS = {action: t.label for action, t in TRANSITIONS.items()}


class ReviewRecord(db.Model):
    """审核记录: one row per step of a material's path. Never edited or deleted."""

    __tablename__ = "review_record"
    __table_args__ = (CheckConstraint(check_sql("state_after"), name="state_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), index=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    state_after: Mapped[str] = mapped_column(String(12))

    material: Mapped[Material] = relationship(back_populates="review_records")
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id])

    @property
    def action_label(self) -> str:
        return REVIEW_ACTIONS.get(self.action, self.action)


@event.listens_for(ReviewRecord, "before_update")
@event.listens_for(ReviewRecord, "before_delete")
def _review_records_are_permanent(mapper, connection, target):
    raise RuntimeError("审核记录不可修改或删除")
