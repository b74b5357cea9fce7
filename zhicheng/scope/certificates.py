"""Who may see which rows of 评后管理: 公示, 异议, certificates, number rules, 诚信记录."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from zhicheng.policy import P, can


def publicity_batches(user) -> ColumnElement[bool]:
    """公示 batches: the root office's 评后管理 (审核经办 for 公示/异议/评定, 项目发布 for 发文)."""
    from zhicheng.certificates.models import PublicityBatch
    if not (can(user, P.POST_REVIEW) or can(user, P.CERTIFICATES)):
        return false()
    return PublicityBatch.department_id == user.department_id


def objections(user) -> ColumnElement[bool]:
    """异议 against the batches the user handles."""
    from zhicheng.certificates.models import Objection, PublicityBatch
    if not can(user, P.POST_REVIEW):
        return false()
    return Objection.batch_id.in_(select(PublicityBatch.id).where(publicity_batches(user)))


def certificates(user) -> ColumnElement[bool]:
    """Certificates (issued and imported): the root office's 项目发布 staff."""
    return true() if can(user, P.CERTIFICATES) else false()


def number_rules(user) -> ColumnElement[bool]:
    return true() if can(user, P.CERTIFICATES) else false()


def integrity_records(user) -> ColumnElement[bool]:
    """诚信档案: the root office's 项目发布 staff."""
    return true() if can(user, P.CERTIFICATES) else false()
