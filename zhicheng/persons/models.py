"""个人用户's profile (1:1 with the account), SMS codes and the 个人档案 sections."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.boards.states import check_sql
from zhicheng.extensions import db


class IdType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HMT_PERMIT = "hmt_permit"  # 港澳台居民居住证
    PASSPORT = "passport"  # 护照


ID_TYPE_LABELS = {IdType.RESIDENT: "居民身份证", IdType.HMT_PERMIT: "港澳台居民居住证", IdType.PASSPORT: "护照"}


class SmsPurpose(StrEnum):
    REGISTER = "register"
    RESET = "reset"
    UNIT_RESET = "unit_reset"  # 单位用户忘记密码: sent to a 工作人员 of the unit (zhicheng.org.password_sms)


SMS_PURPOSE_LABELS = {SmsPurpose.REGISTER: "注册", SmsPurpose.RESET: "找回密码", SmsPurpose.UNIT_RESET: "单位找回密码"}


class ResearchKind(StrEnum):
    PAPER = "paper"  # 论文
    BOOK = "book"  # 专著
    PATENT = "patent"  # 专利
    PROJECT = "project"  # 课题


RESEARCH_KIND_LABELS = {ResearchKind.PAPER: "论文", ResearchKind.BOOK: "专著", ResearchKind.PATENT: "专利",
                        ResearchKind.PROJECT: "课题"}


class AssessmentResult(StrEnum):
    EXCELLENT = "excellent"
    COMPETENT = "competent"
    BASIC = "basic"
    INCOMPETENT = "incompetent"


ASSESSMENT_LABELS = {AssessmentResult.EXCELLENT: "优秀", AssessmentResult.COMPETENT: "合格",
                     AssessmentResult.BASIC: "基本合格", AssessmentResult.INCOMPETENT: "不合格"}

#: The teachers' 系列 offered on 基础信息; any 系列 naming 教师 counts as a teacher's (is_teacher_series).
TEACHER_SERIES = ("高等学校教师", "中小学教师", "中等职业学校教师", "技工院校教师")


def is_teacher_series(series: str | None) -> bool:
    """A teacher's 系列 (高等学校教师, 中小学教师, …): his 档案 has 公开课 and 教育教学 too."""
    return "教师" in (series or "")


class LessonLevel(StrEnum):
    SCHOOL = "school"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"


LESSON_LEVEL_LABELS = {LessonLevel.SCHOOL: "校级", LessonLevel.COUNTY: "县（区）级", LessonLevel.CITY: "市级",
                       LessonLevel.PROVINCE: "省级", LessonLevel.NATIONAL: "国家级"}


class TeachingKind(StrEnum):
    CLASSES = "classes"  # 课堂教学 (任教学科、年级、课时)
    HEAD_TEACHER = "head_teacher"  # 班主任工作
    MENTORING = "mentoring"  # 指导青年教师
    COACHING = "coaching"  # 指导学生
    TEACHING_RESEARCH = "research"  # 教研活动
    OTHER = "other"


TEACHING_KIND_LABELS = {TeachingKind.CLASSES: "课堂教学", TeachingKind.HEAD_TEACHER: "班主任工作",
                        TeachingKind.MENTORING: "指导青年教师", TeachingKind.COACHING: "指导学生",
                        TeachingKind.TEACHING_RESEARCH: "教研活动", TeachingKind.OTHER: "其他"}


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


class Person(db.Model):
    """The profile of a 个人用户: who he is (证件), how he is reached (手机号), and when and from
    where he agreed to the 用户协议 and 隐私政策."""

    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("id_type", "id_number", name="uq_person_id_number"),
        CheckConstraint(check_sql("id_type", IdType), name="id_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    id_type: Mapped[str] = mapped_column(String(16), default=IdType.RESIDENT)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    gender: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None]
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    political_status: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    # 系列 he works in (职称系列): a teacher's 档案 has 公开课 and 教育教学 too.
    series: Mapped[str] = mapped_column(String(100), default="", server_default="")
    photo_file: Mapped[str | None] = mapped_column(String(64))
    photo_name: Mapped[str | None] = mapped_column(String(200))
    # 身份证照片: the front (人像面) and the back (国徽面), stored like the photo.
    id_front_file: Mapped[str | None] = mapped_column(String(64))
    id_front_name: Mapped[str | None] = mapped_column(String(200))
    id_back_file: Mapped[str | None] = mapped_column(String(64))
    id_back_name: Mapped[str | None] = mapped_column(String(200))
    agreed_at: Mapped[datetime]
    agreed_address: Mapped[str] = mapped_column(String(64), default="")
    agreement_version: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    user = relationship("User", foreign_keys=[user_id])

    @property
    def id_type_label(self) -> str:
        return ID_TYPE_LABELS.get(self.id_type, self.id_type)

    @property
    def is_teacher(self) -> bool:
        return is_teacher_series(self.series)

    def stored_files(self) -> list[str]:
        """The stored names of his 照片 and 身份证照片."""
        return [f for f in (self.photo_file, self.id_front_file, self.id_back_file) if f]


class SmsCode(db.Model):
    """One 短信验证码 sent: only its keyed hash is kept; it expires, is used once and dies after
    SMS_CODE_MAX_TRIES wrong tries. The rows also count what was sent to a phone (rate limit)."""

    __tablename__ = "sms_code"
    __table_args__ = (
        CheckConstraint(check_sql("purpose", SmsPurpose), name="purpose"),
        Index("ix_sms_code_phone_created", "phone", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
    address: Mapped[str] = mapped_column(String(64), default="")


class PersonEducation(db.Model):
    """学历学位."""

    __tablename__ = "person_education"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    school: Mapped[str] = mapped_column(String(100))
    major: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(20))  # 学历
    degree: Mapped[str] = mapped_column(String(20), default="")  # 学位


class PersonWork(db.Model):
    """工作经历."""

    __tablename__ = "person_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    employer: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(100), default="")


class PersonTraining(db.Model):
    """培训经历."""

    __tablename__ = "person_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    subject: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[int | None]


class PersonAchievement(db.Model):
    """工作业绩: one item of his professional work (a project, a task) with what came of it."""

    __tablename__ = "person_achievement"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    title: Mapped[str] = mapped_column(String(200))  # 业绩名称（项目、任务）
    role: Mapped[str] = mapped_column(String(100), default="")  # 本人角色
    content: Mapped[str] = mapped_column(String(1000))  # 主要内容
    outcome: Mapped[str] = mapped_column(String(500), default="")  # 取得成效（获奖、评价）


class PersonResearch(db.Model):
    """研究成果: 论文, 专著, 专利, 课题 in one table, told apart by `kind`."""

    __tablename__ = "person_research"
    __table_args__ = (CheckConstraint(check_sql("kind", ResearchKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(200), default="")  # 期刊 / 出版社 / 专利权人 / 下达单位
    number: Mapped[str] = mapped_column(String(100), default="")  # 刊号 / ISBN / 专利号 / 课题编号
    published_on: Mapped[date | None]  # 发表 / 出版 / 授权 / 立项时间
    url: Mapped[str] = mapped_column(String(500), default="")  # 知网链接
    role: Mapped[str] = mapped_column(String(50), default="")  # 本人排名或角色


class PersonAssessment(db.Model):
    """年度考核."""

    __tablename__ = "person_assessment"
    __table_args__ = (
        UniqueConstraint("user_id", "year", name="uq_person_assessment_year"),
        CheckConstraint(check_sql("result", AssessmentResult), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    year: Mapped[int]
    result: Mapped[str] = mapped_column(String(16))


class PersonOpenLesson(db.Model):
    """公开课 (teachers): one lesson given in public since the current post."""

    __tablename__ = "person_open_lesson"
    __table_args__ = (CheckConstraint(check_sql("level", LessonLevel), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    taught_on: Mapped[date]
    subject: Mapped[str] = mapped_column(String(50))  # 学科
    title: Mapped[str] = mapped_column(String(200))  # 课题
    audience: Mapped[str] = mapped_column(String(100), default="")  # 授课对象（年级、班级）
    level: Mapped[str] = mapped_column(String(16))  # 级别
    organiser: Mapped[str] = mapped_column(String(200), default="")  # 主办（组织）单位


class PersonTeaching(db.Model):
    """教育教学 (teachers): his teaching load and other educational work, period by period."""

    __tablename__ = "person_teaching"
    __table_args__ = (CheckConstraint(check_sql("kind", TeachingKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(String(500))  # 工作内容（任教学科、年级、课程）
    weekly_hours: Mapped[int | None]  # 周课时
    evaluation: Mapped[str] = mapped_column(String(200), default="")  # 考核评价（学生满意度）


#: The 档案's sections of rows, in the order of the menu (zhicheng.persons.admin) and the snapshot.
ARCHIVE_MODELS = (PersonEducation, PersonWork, PersonTraining, PersonAchievement, PersonResearch,
                  PersonAssessment, PersonOpenLesson, PersonTeaching)


# --- 所属单位 --------------------------------------------------------------------------------

class MembershipState(StrEnum):
    PENDING = "pending"  # 待单位确认
    CONFIRMED = "confirmed"  # 已确认
    DECLINED = "declined"  # 单位未同意 (with its reason)
    WITHDRAWN = "withdrawn"  # 本人撤回申请
    LEFT = "left"  # 已离开 (the person joined another unit)


MEMBERSHIP_LABELS = {MembershipState.PENDING: "待单位确认", MembershipState.CONFIRMED: "已确认",
                     MembershipState.DECLINED: "单位未同意", MembershipState.WITHDRAWN: "已撤回",
                     MembershipState.LEFT: "已离开"}


class Membership(db.Model):
    """One request of a person to belong to a unit, and what became of it: the rows of a person
    are his history of units. The unit sees the person (in its 工作人员, by 证件号码) once it has
    confirmed him; at most one membership of a person is pending or confirmed at a time."""

    __tablename__ = "person_membership"
    __table_args__ = (
        CheckConstraint(check_sql("state", MembershipState), name="state"),
        Index("ix_person_membership_unit_state", "unit_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _owner()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=MembershipState.PENDING, index=True)
    # The person's name and 证件号码 when he asked (what the unit checks against its staff).
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    ended_at: Mapped[datetime | None]

    unit = relationship("Unit")

    @property
    def state_label(self) -> str:
        return MEMBERSHIP_LABELS.get(self.state, self.state)


# --- 职能部门 sign-offs ------------------------------------------------------------------------

class SignoffStep(db.Model):
    """A 职能部门审核 the unit asks of every 个人申报 before its 上报 (e.g. 师德 by 党委办), done
    by one 工作账号 of the unit; the steps run in parallel."""

    __tablename__ = "unit_signoff_step"
    __table_args__ = (UniqueConstraint("unit_id", "name", name="uq_unit_signoff_step_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # 审核事项: 师德, 教学, 论文
    office: Mapped[str] = mapped_column(String(50))  # 职能部门: 党委办, 教务处, 科研处
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    enabled: Mapped[bool] = mapped_column(default=True)

    reviewer = relationship("User", foreign_keys=[reviewer_id])

    def __str__(self) -> str:
        return f"{self.office}·{self.name}"


class SignoffResult(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"


SIGNOFF_LABELS = {SignoffResult.AGREE: "同意", SignoffResult.DISAGREE: "不同意"}


class Signoff(db.Model):
    """A step's answer for one material in its current round at the unit (the 审核记录 keeps every
    answer; these rows are cleared when the unit returns the material to the person)."""

    __tablename__ = "material_signoff"
    __table_args__ = (
        UniqueConstraint("material_id", "step_id", name="uq_material_signoff_step"),
        CheckConstraint(check_sql("result", SignoffResult), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("unit_signoff_step.id"), index=True)
    result: Mapped[str] = mapped_column(String(12))
    opinion: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime]

    step = relationship("SignoffStep")

    @property
    def result_label(self) -> str:
        return SIGNOFF_LABELS.get(self.result, self.result)
