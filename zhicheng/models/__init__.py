"""All models, importable from one place."""
from .org import Department, Unit, UnitRegistry
from .accounts import User, STAFF_ROLES, SUB_PERMISSIONS
from .dicts import DictItem, DICT_KINDS
from .audit import AuditLog
from .projects import Project, PROJECT_KINDS
from .materials import Material, Education, WorkHistory, Attachment, ReviewRecord, MaterialState, STATE_LABELS
from .jobs import ExportJob
from .captcha import CaptchaChallenge
from .sessions import LoginSession

__all__ = [
    "Department", "Unit", "UnitRegistry", "User", "STAFF_ROLES", "SUB_PERMISSIONS",
    "DictItem", "DICT_KINDS", "AuditLog", "Project", "PROJECT_KINDS", "Material",
    "Education", "WorkHistory", "Attachment", "ReviewRecord", "MaterialState",
    "STATE_LABELS", "ExportJob", "CaptchaChallenge", "LoginSession",
]
