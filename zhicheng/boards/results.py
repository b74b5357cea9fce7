"""接收评审情况: a material's 评审 results as the 职改部门, the unit and its 工作账号 read them beside
the material — the 评委会, the meeting and the fixed counts (出席 / 同意 / 不同意 / 弃权), never who
sat or voted. Rows through scope.meeting_results (with the material for whoever sees it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import MaterialState, Meeting, MeetingMaterial, MeetingResult, ReviewBoard


@dataclass(frozen=True)
class BoardResult:
    board: str
    meeting: str
    meeting_date: date
    present: int
    approve: int
    reject: int
    abstain: int
    passed: bool
    fixed_at: datetime

    @property
    def label(self) -> str:
        return "评审通过" if self.passed else "评审未通过"

    @property
    def counts(self) -> str:
        return f"出席{self.present}人，同意{self.approve}，不同意{self.reject}，弃权{self.abstain}"


# A material in these states has never been before a 评委会 (转评委会 follows 审核通过): no result
# to look for, and no statement spent on its page.
NEVER_REVIEWED = frozenset({MaterialState.DRAFT, MaterialState.IN_REVIEW, MaterialState.RETURNED,
                            MaterialState.APPROVED, MaterialState.PERSON_DRAFT, MaterialState.UNIT_REVIEW,
                            MaterialState.PERSON_RETURNED})


def results_for(user, material) -> list[BoardResult]:
    """results_of for a material row already loaded."""
    if material.state in NEVER_REVIEWED:
        return []
    return results_of(user, material.id)


def results_of(user, material_id: int) -> list[BoardResult]:
    """The material's results the user may read, oldest first (a material failed once may be
    reviewed again by a later meeting)."""
    rows = db.session.execute(
        select(MeetingResult, Meeting.name, Meeting.meeting_date, ReviewBoard.name)
        .join(MeetingMaterial, MeetingMaterial.id == MeetingResult.meeting_material_id)
        .join(Meeting, Meeting.id == MeetingMaterial.meeting_id)
        .join(ReviewBoard, ReviewBoard.id == Meeting.board_id)
        .where(MeetingMaterial.material_id == material_id, scope.meeting_results(user))
        .order_by(MeetingResult.id)).all()
    return [BoardResult(board, meeting, day, r.present, r.approve, r.reject, r.abstain, r.passed, r.fixed_at)
            for r, meeting, day, board in rows]
