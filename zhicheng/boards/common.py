"""What the 评审 services share: their errors, who may run a board, and the move of a meeting from
one state to the next (a conditional UPDATE on its version, as zhicheng.review.workflow moves a
material: of two managers acting on one meeting at once, exactly one succeeds)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from zhicheng import scope
from zhicheng.boards import states
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Department, Meeting, ReviewBoard
from zhicheng.policy import P, require


class BoardError(DomainError):
    """A 评审 action refused: nothing was changed."""


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def require_board(actor, board: ReviewBoard) -> None:
    """The actor runs this 评委会's 专家库 and meetings (a 管理员 of its 组建单位 or above)."""
    require(actor, P.BOARD_MANAGE, error=BoardError)
    require(actor, P.BOARD_MANAGE, board, message=f"无权管理评委会“{board.name}”", error=BoardError)


def require_department(actor, department: Department) -> None:
    """The actor keeps this department's 专家库: it lies in his subtree."""
    require(actor, P.BOARD_MANAGE, error=BoardError)
    visible = db.session.scalar(select(Department.id).where(Department.id == department.id,
                                                            scope.departments(actor)))
    if visible is None:
        raise BoardError(f"无权管理“{department.name}”的专家库")


def move_meeting(meeting: Meeting, action: str, **values) -> None:
    """Move the meeting by `action` of states.MEETING_TRANSITIONS, or refuse (BoardError) when its
    state does not allow it or someone else changed it since it was loaded."""
    transition = states.MEETING_TRANSITIONS[action]
    if not states.may(action, meeting.state):
        raise BoardError(f"评审会议“{meeting.name}”当前状态为“{meeting.state_label}”，不能{transition.label}")
    touch_meeting(meeting, state=transition.target, **values)


def touch_meeting(meeting: Meeting, **values) -> None:
    """Bump the meeting's version (and set `values`) if nobody changed it since it was loaded: a
    change of what the meeting holds (its materials) then conflicts with a concurrent draw."""
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.version == meeting.version, Meeting.state == meeting.state)
        .values(version=Meeting.version + 1, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise BoardError(f"评审会议“{meeting.name}”已被他人处理或状态已改变，请刷新后查看")
    db.session.expire(meeting)
