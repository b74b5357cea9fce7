"""评审: 评委会 and 学科组, the 专家库, meetings with their drawn members and materials, and the
secret ballot.

Ballot secrecy lives in the schema: `Ballot` holds a choice and the meeting's material and nothing
that names or orders its voter (a random key, no member, no time); `BallotReceipt` records that a
member has voted on a material, not how. zhicheng.boards.voting explains the rest.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.accounts.models import User
from zhicheng.boards.states import (
    CHOICE_LABELS,
    GRADE_LABELS,
    LEVEL_LABELS,
    MEETING_STATE_LABELS,
    ROLE_LABELS,
    BallotChoice,
    BoardLevel,
    Grade,
    MeetingState,
    MemberRole,
    check_sql,
)
from zhicheng.extensions import db
from zhicheng.materials.models import Material
from zhicheng.org.models import Department, Unit


def _fraction_check(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name}_num > 0 AND {name}_num <= {name}_den", name=name)


class ReviewBoard(db.Model):
    """评审委员会: formed by a department (组建单位), which keeps its 专家库 and runs its meetings.

    The thresholds are fractions kept as two integers, so 2/3 is exact at every boundary."""

    __tablename__ = "review_board"
    __table_args__ = (
        CheckConstraint(check_sql("level", BoardLevel), name="level"),
        CheckConstraint("min_members > 0 AND min_members % 2 = 1", name="min_members_odd"),
        _fraction_check("quorum"),
        _fraction_check("pass"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # 评委会代码: its entry in the 评委会 dictionary (zhicheng.codes), one board per code.
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    level: Mapped[str] = mapped_column(String(8), index=True)
    series: Mapped[str] = mapped_column(String(100), default="", index=True)
    scope: Mapped[str] = mapped_column(Text, default="")  # 评审范围
    majors: Mapped[str] = mapped_column(Text, default="")  # 评审专业, as published
    min_members: Mapped[int]
    quorum_num: Mapped[int] = mapped_column(default=2)
    quorum_den: Mapped[int] = mapped_column(default=3)
    pass_num: Mapped[int] = mapped_column(default=2)
    pass_den: Mapped[int] = mapped_column(default=3)
    enabled: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    department: Mapped[Department] = relationship()
    groups: Mapped[list[SubjectGroup]] = relationship(back_populates="board", order_by="SubjectGroup.id")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def __str__(self) -> str:
        return self.name


class SubjectGroup(db.Model):
    """学科组 (评议组) of a 评委会: its members review the materials of the 专业 it covers."""

    __tablename__ = "subject_group"
    __table_args__ = (UniqueConstraint("board_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("review_board.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    board: Mapped[ReviewBoard] = relationship(back_populates="groups")
    major_rows: Mapped[list[SubjectGroupMajor]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="SubjectGroupMajor.id")

    @property
    def majors(self) -> list[str]:
        return [r.major for r in self.major_rows]

    def __str__(self) -> str:
        return self.name


class SubjectGroupMajor(db.Model):
    """One 专业 a 学科组 covers (a row each, so "which group covers 计算机应用" is an indexed look-up)."""

    __tablename__ = "subject_group_major"
    __table_args__ = (UniqueConstraint("group_id", "major"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subject_group.id", ondelete="CASCADE"), index=True)
    major: Mapped[str] = mapped_column(String(100), index=True)

    group: Mapped[SubjectGroup] = relationship(back_populates="major_rows")


class Expert(db.Model):
    """An expert of a 专家库 (the 组建单位's), with the account he signs in with.

    His 工作单位 is a registered unit when there is one (回避 compares it with the materials' units)
    and its name in any case; the account itself belongs to no unit or department."""

    __tablename__ = "expert"
    __table_args__ = (Index("ix_expert_pool", "department_id", "major", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)  # 所属专家库
    major: Mapped[str] = mapped_column(String(100), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(100), default="")  # 职称
    phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    user: Mapped[User] = relationship()
    department: Mapped[Department] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.display_name

    def __str__(self) -> str:
        return f"{self.name}（{self.major}）"


class Meeting(db.Model):
    """评审会议 of a 评委会. Its state moves by conditional UPDATE on `version` (zhicheng.boards.meetings)."""

    __tablename__ = "review_meeting"
    __table_args__ = (
        CheckConstraint(check_sql("state", MeetingState), name="state"),
        CheckConstraint("review_end > review_start", name="review_window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("review_board.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    review_start: Mapped[datetime]  # 评议 window
    review_end: Mapped[datetime]
    meeting_date: Mapped[date] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default=MeetingState.PREPARING, index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    closed_at: Mapped[datetime | None]

    board: Mapped[ReviewBoard] = relationship()

    @property
    def state_label(self) -> str:
        return MEETING_STATE_LABELS.get(self.state, self.state)

    def __str__(self) -> str:
        return self.name


class MeetingMember(db.Model):
    """An expert drawn for a meeting, in one 学科组; `present` is set when voting opens."""

    __tablename__ = "meeting_member"
    __table_args__ = (
        UniqueConstraint("meeting_id", "expert_id"),
        CheckConstraint(check_sql("role", MemberRole), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subject_group.id"), index=True)
    role: Mapped[str] = mapped_column(String(8), default=MemberRole.MEMBER)
    present: Mapped[bool | None]

    meeting: Mapped[Meeting] = relationship()
    expert: Mapped[Expert] = relationship()
    group: Mapped[SubjectGroup] = relationship()

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class MeetingMaterial(db.Model):
    """A material put before a meeting, reviewed by one of its 学科组 and voted on by all."""

    __tablename__ = "meeting_material"
    __table_args__ = (UniqueConstraint("meeting_id", "material_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subject_group.id"), index=True)

    meeting: Mapped[Meeting] = relationship()
    material: Mapped[Material] = relationship()
    group: Mapped[SubjectGroup] = relationship()


class DrawRecord(db.Model):
    """The draw of a meeting's members: the seed, the candidates of each request in the order
    drawn and the result, as JSON (zhicheng.boards.draw.replay_draw reproduces it)."""

    __tablename__ = "draw_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), unique=True)
    seed: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text)
    drawn_at: Mapped[datetime]
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)


class ConflictDeclaration(db.Model):
    """回避 declared by a member for one material: he may not vote on it."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("meeting_material_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("meeting_member.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime]


class Ballot(db.Model):
    """One secret ballot: the choice, for one material of a meeting. Deliberately without the
    voter, a time or a sequence number (the key is random), so nothing ties it to a receipt."""

    __tablename__ = "ballot"
    __table_args__ = (CheckConstraint(check_sql("choice", BallotChoice), name="choice"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), index=True)
    choice: Mapped[str] = mapped_column(String(8))

    @property
    def choice_label(self) -> str:
        return CHOICE_LABELS.get(self.choice, self.choice)


class BallotReceipt(db.Model):
    """That a member has voted on a material (not how): one per member and material."""

    __tablename__ = "ballot_receipt"
    __table_args__ = (UniqueConstraint("meeting_material_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("meeting_member.id"), index=True)


class MeetingResult(db.Model):
    """The result of one material, fixed when the meeting closes. Never edited or deleted."""

    __tablename__ = "meeting_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), unique=True)
    approve: Mapped[int]
    reject: Mapped[int]
    abstain: Mapped[int]
    present: Mapped[int]
    passed: Mapped[bool] = mapped_column(index=True)
    fixed_at: Mapped[datetime]

    meeting_material: Mapped[MeetingMaterial] = relationship()


class MemberOpinion(db.Model):
    """学科组评议: one member's 评议意见 and grade on one material of his group. He may change it
    while the meeting is 评议中 and until the 组长 submits the group's opinion; then it stays."""

    __tablename__ = "member_opinion"
    __table_args__ = (
        UniqueConstraint("meeting_material_id", "member_id"),
        CheckConstraint(check_sql("grade", Grade), name="grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("meeting_member.id"), index=True)
    grade: Mapped[str] = mapped_column(String(12))
    opinion: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]

    member: Mapped[MeetingMember] = relationship()

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, self.grade)


class GroupOpinion(db.Model):
    """The 学科组's 评议意见 on one material, submitted by its 组长: one text and the group's grade,
    with the reason when some member had written nothing. Never edited or deleted; once it exists
    the members' opinions of that material are locked."""

    __tablename__ = "group_opinion"
    __table_args__ = (CheckConstraint(check_sql("grade", Grade), name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_material_id: Mapped[int] = mapped_column(ForeignKey("meeting_material.id"), unique=True)
    grade: Mapped[str] = mapped_column(String(12))
    opinion: Mapped[str] = mapped_column(Text)
    missing_reason: Mapped[str] = mapped_column(Text, default="")  # 组员未全部填写时的理由
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("meeting_member.id"), index=True)
    submitted_at: Mapped[datetime]

    submitted_by: Mapped[MeetingMember] = relationship()

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, self.grade)


@event.listens_for(GroupOpinion, "before_update")
@event.listens_for(GroupOpinion, "before_delete")
def _group_opinion_is_final(mapper, connection, target):
    raise RuntimeError("学科组评议意见提交后不可修改或删除")


@event.listens_for(Ballot, "before_update")
@event.listens_for(Ballot, "before_delete")
@event.listens_for(BallotReceipt, "before_update")
@event.listens_for(BallotReceipt, "before_delete")
@event.listens_for(MeetingResult, "before_update")
@event.listens_for(MeetingResult, "before_delete")
def _votes_are_permanent(mapper, connection, target):
    raise RuntimeError("选票与评审结果不可修改或删除")
