from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db
from zhicheng.org.models import Department

# 初定 and 认定 share every operation (manual §1); 评审 projects are published by a 评委会's
# 组建单位 for that 评委会, and ask the applicant to agree to their 真实性承诺 before filling.
PROJECT_KINDS = {
    "cd_junior": "初定初级",
    "cd_middle": "初定中级",
    "rd_junior": "认定初级",
    "ps_middle": "中级评审",
    "ps_senior": "高级评审",
}
REVIEW_KINDS = {"ps_middle": "middle", "ps_senior": "senior"}  # kind -> the 评委会's level
# Which form a kind prints: 初定 -> 初定表, 认定 -> 认定表, 评审 -> 评审表.
FORM_OF_KIND = {"cd_junior": "初定表", "cd_middle": "初定表", "rd_junior": "认定表", "ps_middle": "评审表",
                "ps_senior": "评审表"}
DEFAULT_COMMITMENT = (
    "本人郑重承诺：所提交的申报材料（含学历、资历、业绩、论文等）全部真实、准确、完整，"
    "不存在弄虚作假、剽窃他人成果等行为。如有不实，本人自愿承担取消申报资格、撤销已取得的"
    "专业技术资格及相应的法律责任，并同意记入诚信档案。")


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
    # 评审 projects: the 评委会 that reviews them, and the 真实性承诺 applicants agree to first.
    board_id: Mapped[int | None] = mapped_column(ForeignKey("review_board.id"), index=True)
    commitment: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Whether a 考试 must be passed before a material goes to the 评委会 (scores: ExamScore).
    requires_exam: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    issuer: Mapped[Department] = relationship()
    attachments: Mapped[list[ProjectAttachment]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectAttachment.id")

    @property
    def is_review(self) -> bool:
        return self.kind in REVIEW_KINDS

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


class ProjectAttachment(db.Model):
    """评审通知's attachments: public documents of a published project."""

    __tablename__ = "project_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80))
    mime: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="attachments")


class CommitmentRecord(db.Model):
    """An applicant's 同意 to a project's 真实性承诺: when, from where, and the text agreed to."""

    __tablename__ = "commitment_record"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    agreed_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64), default="")


class ExamScore(db.Model):
    """考试成绩 of a 评审 project, imported by 身份证号: a material goes to the 评委会 only with a pass."""

    __tablename__ = "exam_score"
    __table_args__ = (UniqueConstraint("project_id", "id_card"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    id_card: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    score: Mapped[str] = mapped_column(String(20), default="")
    passed: Mapped[bool]
    imported_at: Mapped[datetime]
