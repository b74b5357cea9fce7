"""评审 projects: which department may publish one (a 评委会's 组建单位, for that 评委会's level),
its 通知 attachments, and the applicant's agreement to its 真实性承诺 before filling."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from zhicheng import scope, storage, transaction
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.policy import P, can, require
from zhicheng.projects.models import (
    DEFAULT_COMMITMENT,
    PROJECT_KINDS,
    REVIEW_KINDS,
    CommitmentRecord,
    Project,
    ProjectAttachment,
)
from zhicheng.system import audit


class ProjectError(DomainError):
    pass


def review_boards_of(department) -> list:
    """The enabled 评委会 a department has formed (it publishes their 评审 projects)."""
    from zhicheng.boards.models import ReviewBoard
    if department is None:
        return []
    return list(db.session.scalars(select(ReviewBoard).where(
        ReviewBoard.department_id == department.id, ReviewBoard.enabled).order_by(ReviewBoard.name)))


def review_kinds_for(department) -> dict[str, str]:
    levels = {b.level for b in review_boards_of(department)}
    return {k: PROJECT_KINDS[k] for k, level in REVIEW_KINDS.items() if level in levels}


def check_review_board(department, kind: str, board_id) -> None:
    """A 评审 project names one of the publisher's own 评委会 of the kind's level; others none."""
    if kind not in REVIEW_KINDS:
        if board_id:
            raise ProjectError("只有评审类项目选择评委会", field="board_id")
        return
    board = next((b for b in review_boards_of(department) if b.id == board_id), None)
    if board is None:
        raise ProjectError("评审类项目须选择本部门组建的评委会", field="board_id")
    if board.level != REVIEW_KINDS[kind]:
        raise ProjectError(f"“{board.name}”不是{PROJECT_KINDS[kind][:2]}评委会", field="board_id")


def add_attachments(project: Project, files) -> int:
    """评审通知's attachments (PDF, JPG or PNG, each at most 4 MB); files stored for a request that
    does not commit are removed."""
    n = 0
    for f in files or ():
        if not isinstance(f, FileStorage) or not f.filename:
            continue
        try:
            stored = storage.save_upload(f)
        except storage.UploadError as e:
            raise ProjectError(f"{f.filename}：{e}", field="attachments") from None
        transaction.after_rollback(lambda name=stored.stored_name: storage.delete(name))
        project.attachments.append(ProjectAttachment(original_name=stored.original_name,
                                                     stored_name=stored.stored_name, mime=stored.mime,
                                                     size=stored.size))
        n += 1
    return n


def commitment_text(project: Project) -> str:
    return project.commitment or DEFAULT_COMMITMENT


def needs_commitment(project: Project) -> bool:
    return project.is_review or bool(project.commitment)


def has_agreed(user, project: Project) -> bool:
    return db.session.scalar(select(CommitmentRecord.id).where(
        CommitmentRecord.project_id == project.id, CommitmentRecord.user_id == user.id)) is not None


def agree(user, project: Project) -> CommitmentRecord:
    """同意 the project's 真实性承诺: recorded once, with the time, the address and the very text
    (by the unit side filling a material, or a person applying himself)."""
    if not can(user, P.PERSON):
        require(user, P.FILL)
    if db.session.scalar(select(Project.id).where(Project.id == project.id, scope.projects(user))) is None:
        raise ProjectError("项目不存在或无权申报")
    found = db.session.scalar(select(CommitmentRecord).where(
        CommitmentRecord.project_id == project.id, CommitmentRecord.user_id == user.id))
    if found is not None:
        return found
    record = CommitmentRecord(project_id=project.id, user_id=user.id, text=commitment_text(project),
                              agreed_at=datetime.now(),
                              address=(request.remote_addr or "")[:64] if has_request_context() else "")
    db.session.add(record)
    audit.record("project.commitment", project, f"同意项目“{project.name}”的真实性承诺", actor=user)
    db.session.flush()
    return record
