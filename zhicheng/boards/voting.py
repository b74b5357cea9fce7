"""回避 and the secret ballot, and the tally.

Rules (职称评审管理暂行规定): the whole 评委会 votes on every material of the meeting in plenary
(学科组 only 评议); each member present votes once per material, 同意 / 不同意 / 弃权; absent members
neither vote nor delegate; a member recused from a material (his own unit's, or one he declared a
conflict for) does not vote on it; a material passes with 同意 ≥ the pass fraction (2/3) of the
members present, in integers: 同意 × den ≥ num × present. "Present" is the meeting's attendance,
the same for every material: a recused or silent member counts as present without approving.

Secrecy, by design of the tables rather than by hiding columns in views:
- `Ballot` holds only the material of the meeting and the choice. Its key is 128 random bits, and
  it has no time and no sequence number, so neither its order nor its time ties it to a member.
- `BallotReceipt` (material, member; unique) records that a member has voted, which the meeting
  needs (one ballot per member and material, enforced by the database) and which is not secret.
- Both rows are written in the same transaction, and no audit row is written per ballot. Within
  the app, a ballot can only be counted (`count_ballots`, for closing); views show counts after
  closing only (zhicheng.boards.meetings.meeting_results: live counts next to the receipts would
  tell who voted what), and `tally` of a closed meeting reads the fixed MeetingResult rows.
- Outside the app, someone with direct database access could still correlate the physical order or
  the transaction ids of the two tables' rows: keeping the database itself private is the
  operator's part, as for passwords' hashes.

Concurrency: a ballot reads its meeting row FOR SHARE (PostgreSQL) so that closing, a conditional
UPDATE of that row, waits for the ballots being cast and every later ballot finds it closed; two
ballots of one member on one material meet at the receipt's unique index, and the second is refused.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from zhicheng import transaction
from zhicheng.boards.common import BoardError, now
from zhicheng.boards.states import CHOICE_LABELS, BallotChoice, MeetingState, at_least
from zhicheng.extensions import db
from zhicheng.models import (
    Ballot,
    BallotReceipt,
    ConflictDeclaration,
    Expert,
    GroupOpinion,
    Material,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    MeetingResult,
    MemberOpinion,
)
from zhicheng.policy import P, require
from zhicheng.system import audit


class BallotError(BoardError):
    """A ballot or a declaration refused: nothing was written."""


@dataclass(frozen=True)
class Tally:
    approve: int
    reject: int
    abstain: int
    present: int
    passed: bool


def _load(actor, meeting_material_id, *, lock: bool = False):
    """The meeting's material, the meeting (re-read; FOR SHARE when `lock`), the material and the
    actor's membership, or a refusal that names nothing he may not see."""
    require(actor, P.EXPERT, error=BallotError)
    try:
        mm = db.session.get(MeetingMaterial, int(meeting_material_id))
    except (TypeError, ValueError):
        mm = None
    if mm is None:
        raise BallotError("该评审材料不存在")
    stmt = select(Meeting).where(Meeting.id == mm.meeting_id).execution_options(populate_existing=True)
    meeting = db.session.scalar(stmt.with_for_update(read=True) if lock else stmt)
    member = db.session.scalar(
        select(MeetingMember).join(Expert, Expert.id == MeetingMember.expert_id)
        .where(MeetingMember.meeting_id == meeting.id, Expert.user_id == actor.id)
        .execution_options(populate_existing=True))
    if member is None:
        raise BallotError("您不是本次评审会议的委员")
    return mm, meeting, db.session.get(Material, mm.material_id), member


def _recusal(member: MeetingMember, mm: MeetingMaterial, material: Material) -> str | None:
    if member.expert.unit_id is not None and member.expert.unit_id == material.unit_id:
        return "与申报人同属一个单位，须回避"
    declared = db.session.scalar(select(ConflictDeclaration.id).where(
        ConflictDeclaration.meeting_material_id == mm.id, ConflictDeclaration.member_id == member.id))
    return "已声明回避" if declared is not None else None


def _has_voted(member: MeetingMember, mm: MeetingMaterial) -> bool:
    return db.session.scalar(select(BallotReceipt.id).where(
        BallotReceipt.meeting_material_id == mm.id, BallotReceipt.member_id == member.id)) is not None


def declare_conflict(actor, meeting_material_id, reason: str = "") -> ConflictDeclaration:
    """回避 declared by a member for one material, before he votes on it."""
    mm, meeting, material, member = _load(actor, meeting_material_id)
    if meeting.state not in (MeetingState.DRAWN, MeetingState.REVIEWING, MeetingState.VOTING):
        raise BallotError(f"评审会议当前状态为“{meeting.state_label}”，不能声明回避")
    if _has_voted(member, mm):
        raise BallotError(f"您已对材料{material.number}投票，不能再声明回避")
    if _recusal(member, mm, material) == "已声明回避":
        raise BallotError(f"您已对材料{material.number}声明回避")
    with transaction.atomic():
        row = ConflictDeclaration(meeting_material_id=mm.id, member_id=member.id,
                                  reason=(reason or "").strip(), declared_at=now())
        db.session.add(row)
        # His own 评议意见 of it is withdrawn while his group has not submitted its opinion.
        if db.session.scalar(select(GroupOpinion.id).where(GroupOpinion.meeting_material_id == mm.id)) is None:
            db.session.execute(delete(MemberOpinion).where(MemberOpinion.meeting_material_id == mm.id,
                                                           MemberOpinion.member_id == member.id))
        db.session.flush()
        audit.record("meeting.conflict", meeting, f"委员 {member.expert.name} 对材料{material.number}声明回避",
                     actor=actor)
    return row


def cast_ballot(actor, meeting_material_id, choice: str) -> None:
    """One secret ballot of a present member on one material, while the meeting votes."""
    try:
        choice = BallotChoice(choice)
    except ValueError:
        raise BallotError(f"请选择{'、'.join(CHOICE_LABELS.values())}之一") from None
    mm, meeting, material, member = _load(actor, meeting_material_id, lock=True)
    if meeting.state == MeetingState.CLOSED:
        raise BallotError("评审会议已结束，不能再投票")
    if meeting.state != MeetingState.VOTING:
        raise BallotError(f"评审会议当前状态为“{meeting.state_label}”，不在表决阶段，不能投票")
    if not member.present:
        raise BallotError("您未出席本次评审会议，缺席委员不能投票，也不能委托他人投票")
    board = meeting.board
    members, present = _attendance(meeting)
    if present < at_least(board.quorum_num, board.quorum_den, members):
        raise BallotError(f"出席委员{present}人，不足全体委员{members}人的{board.quorum_num}/{board.quorum_den}，不能表决")
    if (why := _recusal(member, mm, material)) is not None:
        raise BallotError(f"您对材料{material.number}{why}，不能投票")
    voted = f"您已对材料{material.number}投过票，每位委员对每份材料只能投一票"
    if _has_voted(member, mm):
        raise BallotError(voted)
    try:
        with transaction.atomic():
            db.session.add(BallotReceipt(meeting_material_id=mm.id, member_id=member.id))
            db.session.add(Ballot(id=secrets.token_hex(16), meeting_material_id=mm.id, choice=choice))
            db.session.flush()
    except IntegrityError:  # the same member's other ballot, committed meanwhile
        raise BallotError(voted) from None


def _attendance(meeting: Meeting) -> tuple[int, int]:
    """(members, members present)."""
    members, present = db.session.execute(
        select(func.count(MeetingMember.id), func.count(MeetingMember.id).filter(MeetingMember.present.is_(True)))
        .where(MeetingMember.meeting_id == meeting.id)).one()
    return members, present


def count_ballots(meeting: Meeting) -> dict[int, Tally]:
    """The counts of every material of the meeting (keyed by MeetingMaterial id), from the ballots:
    one grouped query, whatever the number of members and materials."""
    board = meeting.board
    _, present = _attendance(meeting)
    counts: dict[int, dict[str, int]] = {mm_id: {} for mm_id in db.session.scalars(
        select(MeetingMaterial.id).where(MeetingMaterial.meeting_id == meeting.id).order_by(MeetingMaterial.id))}
    for mm_id, choice, n in db.session.execute(
            select(Ballot.meeting_material_id, Ballot.choice, func.count())
            .join(MeetingMaterial, MeetingMaterial.id == Ballot.meeting_material_id)
            .where(MeetingMaterial.meeting_id == meeting.id)
            .group_by(Ballot.meeting_material_id, Ballot.choice)):
        counts[mm_id][choice] = n
    result = {}
    for mm_id, c in counts.items():
        approve = c.get(BallotChoice.APPROVE, 0)
        result[mm_id] = Tally(approve=approve, reject=c.get(BallotChoice.REJECT, 0),
                              abstain=c.get(BallotChoice.ABSTAIN, 0), present=present,
                              passed=present > 0 and approve * board.pass_den >= board.pass_num * present)
    return result


def tally(meeting: Meeting) -> dict[int, Tally]:
    """The counts per material: the fixed results once the meeting is closed, else counted now."""
    if meeting.state != MeetingState.CLOSED:
        return count_ballots(meeting)
    return {r.meeting_material_id: Tally(r.approve, r.reject, r.abstain, r.present, r.passed)
            for r in db.session.scalars(
                select(MeetingResult).join(MeetingMaterial, MeetingMaterial.id == MeetingResult.meeting_material_id)
                .where(MeetingMaterial.meeting_id == meeting.id).order_by(MeetingResult.meeting_material_id))}
