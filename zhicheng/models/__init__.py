"""All models, importable from one place."""
from zhicheng.accounts.models import STAFF_ROLES, SUB_PERMISSIONS, CaptchaChallenge, LoginSession, User
from zhicheng.boards.models import (
    Ballot,
    BallotReceipt,
    ConflictDeclaration,
    DrawRecord,
    Expert,
    GroupOpinion,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    MeetingResult,
    MemberOpinion,
    ReviewBoard,
    SubjectGroup,
    SubjectGroupMajor,
)
from zhicheng.certificates.models import (
    Certificate,
    IntegrityRecord,
    NumberCounter,
    NumberRule,
    Objection,
    PublicityBatch,
    PublicityEntry,
)
from zhicheng.checks.models import DuplicateResolution, EligibilityRule, ReturnSnapshot
from zhicheng.codes.models import CodeUpdate, UnitCode
from zhicheng.declare.models import PrintTemplate
from zhicheng.exporting.models import ExportJob
from zhicheng.materials.models import (
    STATE_LABELS,
    Attachment,
    Education,
    Material,
    MaterialState,
    ReviewRecord,
    WorkHistory,
)
from zhicheng.org.models import APPROVAL_LABELS, Approval, Department, Unit, UnitNameChange, UnitRegistry
from zhicheng.people.models import Appointment, PersonRecord, PostQuota
from zhicheng.persons.models import (
    Membership,
    Person,
    PersonAchievement,
    PersonAssessment,
    PersonEducation,
    PersonOpenLesson,
    PersonResearch,
    PersonTeaching,
    PersonTraining,
    PersonWork,
    Signoff,
    SignoffStep,
    SmsCode,
)
from zhicheng.projects.models import PROJECT_KINDS, CommitmentRecord, ExamScore, Project, ProjectAttachment
from zhicheng.stats import models as _stats_indexes  # noqa: F401  (the statistics' indexes on material)
from zhicheng.system.models import DICT_KINDS, AuditLog, DictItem

__all__ = [
    "Department", "Unit", "UnitRegistry", "UnitNameChange", "Approval", "APPROVAL_LABELS", "User", "STAFF_ROLES", "SUB_PERMISSIONS",
    "DictItem", "DICT_KINDS", "UnitCode", "CodeUpdate", "AuditLog", "Project", "PROJECT_KINDS", "Material",
    "Education", "WorkHistory", "Attachment", "ReviewRecord", "MaterialState",
    "STATE_LABELS", "ExportJob", "CaptchaChallenge", "LoginSession",
    "ReviewBoard", "SubjectGroup", "SubjectGroupMajor", "Expert", "Meeting", "MeetingMember",
    "MeetingMaterial", "DrawRecord", "ConflictDeclaration", "Ballot", "BallotReceipt", "MeetingResult",
    "MemberOpinion", "GroupOpinion",
    "ProjectAttachment", "CommitmentRecord", "ExamScore",
    "PublicityBatch", "PublicityEntry", "Objection", "NumberRule", "NumberCounter", "Certificate", "IntegrityRecord",
    "Person", "SmsCode", "PersonEducation", "PersonWork", "PersonTraining", "PersonResearch", "PersonAssessment",
    "PersonAchievement", "PersonOpenLesson", "PersonTeaching", "Membership", "SignoffStep", "Signoff",
    "EligibilityRule", "DuplicateResolution", "ReturnSnapshot", "PrintTemplate",
    "PersonRecord", "Appointment", "PostQuota",
]
