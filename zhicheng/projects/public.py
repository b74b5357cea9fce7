"""职称工作信息: the public notices (通知) of the projects that are open or about to open, with
their attachments, for anyone, without login (manual: applicants read the 评审通知 first)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from zhicheng import storage
from zhicheng.exporting.services import content_disposition
from zhicheng.extensions import db
from zhicheng.projects.models import REVIEW_KINDS, Project, ProjectAttachment

bp = Blueprint("info", __name__, url_prefix="/info")

#: A notice stays listed this long after its 申报截止日期.
LISTED_AFTER_END_DAYS = 30


def _listed():
    """Projects whose window has not long closed: the public may read those notices."""
    return Project.end_date >= date.today() - timedelta(days=LISTED_AFTER_END_DAYS)


@bp.route("/")
def index():
    projects = list(db.session.scalars(
        select(Project).where(_listed()).options(joinedload(Project.issuer))
        .order_by(Project.end_date.desc(), Project.id.desc())))
    review = [p for p in projects if p.kind in REVIEW_KINDS]
    other = [p for p in projects if p.kind not in REVIEW_KINDS]
    return render_template("info/index.html", review=review, other=other, today=date.today())


@bp.route("/<int:id>")
def notice(id: int):
    project = db.session.scalar(select(Project).where(Project.id == id, _listed())
                                .options(joinedload(Project.issuer), selectinload(Project.attachments)))
    if project is None:
        abort(404)
    board = None
    if project.board_id:
        from zhicheng.boards.models import ReviewBoard
        board = db.session.get(ReviewBoard, project.board_id)
    return render_template("info/notice.html", project=project, board=board, today=date.today())


@bp.route("/attachment/<int:id>")
def attachment(id: int):
    att = db.session.scalar(select(ProjectAttachment).join(Project).where(ProjectAttachment.id == id, _listed()))
    if att is None:
        abort(404)
    mimetype, name, ascii_name = storage.served_as(att.original_name, att.stored_name, att.mime,
                                                   fallback=f"notice-{att.id}")
    try:
        return storage.download(att.stored_name, mimetype=mimetype, download_name=ascii_name,
                                disposition=content_disposition(ascii_name, name))
    except FileNotFoundError:
        abort(404)
