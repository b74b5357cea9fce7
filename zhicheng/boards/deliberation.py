"""学科组评议: while the meeting is 评议中, each member of a 学科组 writes his 评议意见 and a grade on
each material of his group (and may change them), and the group's 组长 submits the group's
评议意见 for the material: one text and the group's grade, once every member who is not recused
has written his, or with the reason why not. From then on the members' opinions of that material
are locked, and while the meeting votes every voter reads the group's opinion beside the material.

Who may do what:
- only a member of the material's own 学科组, only while the meeting is 评议中 (its 评议 window:
  from 开始评议 to 开始表决), never a member recused from the material (his own unit's, or one he
  declared a conflict for: scope.meeting_materials hides it from him altogether);
- only the group's 组长 submits (the draw makes the first member drawn 组长; the 组建单位 may
  appoint another until the vote: zhicheng.boards.meetings.appoint_leader); once only.

Concurrency: a member's write reads the meeting and the meeting's material FOR SHARE, the 组长's
submission reads the material FOR UPDATE (PostgreSQL): a write committed before the submission is
counted in it, a write arriving after it finds the group's opinion and is refused; opening the vote
(an UPDATE of the meeting row) waits for the writes under way.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from zhicheng import scope, textcheck, transaction
from zhicheng.boards.common import BoardError, now, require_board
from zhicheng.boards.states import GRADE_LABELS, Grade, MeetingState, MemberRole
from zhicheng.boards.voting import BallotError, _load, _recusal
from zhicheng.extensions import db
from zhicheng.models import (
    ConflictDeclaration,
    Expert,
    GroupOpinion,
    Material,
    MeetingMaterial,
    MeetingMember,
    MemberOpinion,
)
from zhicheng.system import audit

#: Longest 评议意见 (characters), a member's or the group's.
OPINION_MAX = 2000


class OpinionError(BoardError):
    """A 评议意见 refused: nothing was written."""


def _load_member(actor, meeting_material_id):
    """voting._load (the meeting read FOR SHARE), its refusals as OpinionError."""
    try:
        return _load(actor, meeting_material_id, lock=True)
    except BallotError as e:
        raise OpinionError(str(e)) from None


def _grade(value) -> Grade:
    try:
        return Grade(value)
    except ValueError:
        raise OpinionError(f"请选择评议等次：{'、'.join(GRADE_LABELS.values())}之一") from None


def _text(value, label: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if not text:
        if required:
            raise OpinionError(f"请填写{label}")
        return ""
    if len(text) > OPINION_MAX:
        raise OpinionError(f"{label}不能超过{OPINION_MAX}字")
    if (at := textcheck.invisible_at(text, multiline=True)) is not None:
        raise OpinionError(f"{label}：{textcheck.message(at)}")
    return text


def _in_window(meeting) -> None:
    if meeting.state in (MeetingState.PREPARING, MeetingState.DRAWN):
        raise OpinionError(f"评审会议“{meeting.name}”尚未开始评议，不能填写或提交评议意见")
    if meeting.state != MeetingState.REVIEWING:
        raise OpinionError(f"评审会议“{meeting.name}”当前状态为“{meeting.state_label}”，评议已结束，"
                           "不能再填写或提交评议意见")


def _own_group(member: MeetingMember, mm: MeetingMaterial, material: Material) -> None:
    if member.group_id != mm.group_id:
        raise OpinionError(f"材料{material.number}不属于您所在的学科组“{member.group.name}”，不能评议")


def _lock_material(mm: MeetingMaterial, *, exclusive: bool) -> None:
    db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.id == mm.id)
                      .with_for_update(read=not exclusive))


def group_opinion_of(mm_id: int) -> GroupOpinion | None:
    return db.session.scalar(select(GroupOpinion).where(GroupOpinion.meeting_material_id == mm_id)
                             .execution_options(populate_existing=True))


def write_opinion(actor, meeting_material_id, grade, opinion) -> MemberOpinion:
    """A member's 评议意见 and grade on a material of his 学科组: written, or changed, until the
    组长 submits the group's opinion."""
    grade = _grade(grade)
    opinion = _text(opinion, "评议意见")
    mm, meeting, material, member = _load_member(actor, meeting_material_id)
    _in_window(meeting)
    _own_group(member, mm, material)
    if (why := _recusal(member, mm, material)) is not None:
        raise OpinionError(f"您对材料{material.number}{why}，不能评议")
    _lock_material(mm, exclusive=False)
    if group_opinion_of(mm.id) is not None:
        raise OpinionError(f"学科组已提交材料{material.number}的评议意见，组员评议意见不能再修改")
    row = db.session.scalar(select(MemberOpinion).where(MemberOpinion.meeting_material_id == mm.id,
                                                        MemberOpinion.member_id == member.id))
    try:
        with transaction.atomic():
            if row is None:
                row = MemberOpinion(meeting_material_id=mm.id, member_id=member.id)
                db.session.add(row)
            row.grade, row.opinion, row.updated_at = grade, opinion, now()
            db.session.flush()
    except IntegrityError:  # his own first opinion, saved meanwhile from another window
        raise OpinionError("您的评议意见已在其他页面保存，请刷新后再修改") from None
    return row


def pending_members(mm: MeetingMaterial, material: Material) -> list[MeetingMember]:
    """The members of the material's group, not recused from it, who have written nothing on it."""
    declared = select(ConflictDeclaration.member_id).where(ConflictDeclaration.meeting_material_id == mm.id)
    written = select(MemberOpinion.member_id).where(MemberOpinion.meeting_material_id == mm.id)
    stmt = (select(MeetingMember).join(Expert, Expert.id == MeetingMember.expert_id)
            .where(MeetingMember.meeting_id == mm.meeting_id, MeetingMember.group_id == mm.group_id,
                   MeetingMember.id.not_in(declared), MeetingMember.id.not_in(written))
            .order_by(MeetingMember.id))
    if material.unit_id is not None:
        stmt = stmt.where((Expert.unit_id.is_(None)) | (Expert.unit_id != material.unit_id))
    return list(db.session.scalars(stmt))


def submit_group_opinion(actor, meeting_material_id, grade, opinion, missing_reason: str = "") -> GroupOpinion:
    """The 组长 submits his group's 评议意见 on a material: once, after every member who is not
    recused wrote his, or with the reason why not; the members' opinions are locked from then on."""
    grade = _grade(grade)
    opinion = _text(opinion, "学科组评议意见")
    mm, meeting, material, member = _load_member(actor, meeting_material_id)
    _in_window(meeting)
    _own_group(member, mm, material)
    if member.role != MemberRole.LEADER:
        raise OpinionError(f"只有学科组“{member.group.name}”的组长可以提交学科组评议意见")
    if (why := _recusal(member, mm, material)) is not None:
        raise OpinionError(f"您对材料{material.number}{why}，不能提交其评议意见；请评委会组建单位另行指定组长")
    _lock_material(mm, exclusive=True)
    if group_opinion_of(mm.id) is not None:
        raise OpinionError(f"学科组已提交材料{material.number}的评议意见，不能重复提交或修改")
    pending = pending_members(mm, material)
    reason = _text(missing_reason, "未全部填写的理由", required=False) if pending else ""
    if pending and not reason:
        raise OpinionError(f"尚有{len(pending)}位组员未填写材料{material.number}的评议意见，"
                           "请待其填写后再提交，或注明未全部填写的理由")
    try:
        with transaction.atomic():
            row = GroupOpinion(meeting_material_id=mm.id, grade=grade, opinion=opinion, missing_reason=reason,
                               submitted_by_id=member.id, submitted_at=now())
            db.session.add(row)
            db.session.flush()
            audit.record("meeting.group_opinion", meeting,
                         f"学科组 {member.group.name} 提交材料{material.number}的评议意见：{GRADE_LABELS[grade]}"
                         + (f"（{len(pending)}位组员未填写：{reason}）" if pending else ""), actor=actor)
    except IntegrityError:  # submitted meanwhile (SQLite has no row lock)
        raise OpinionError(f"学科组已提交材料{material.number}的评议意见，不能重复提交或修改") from None
    return row


@dataclass(frozen=True)
class MemberRow:
    member: MeetingMember
    opinion: MemberOpinion | None
    recused: bool


def member_rows(user, mm: MeetingMaterial, material: Material) -> list[MemberRow]:
    """Every member of the material's group with his opinion as `user` may read it (None: not
    written, or not his to read), recused ones marked: for the 组长 and the 组建单位."""
    members = list(db.session.scalars(
        select(MeetingMember).where(MeetingMember.meeting_id == mm.meeting_id, MeetingMember.group_id == mm.group_id)
        .options(joinedload(MeetingMember.expert).joinedload(Expert.user)).order_by(MeetingMember.id)))
    opinions = {o.member_id: o for o in db.session.scalars(
        select(MemberOpinion).where(MemberOpinion.meeting_material_id == mm.id, scope.member_opinions(user)))}
    declared = set(db.session.scalars(select(ConflictDeclaration.member_id)
                                      .where(ConflictDeclaration.meeting_material_id == mm.id)))
    return [MemberRow(m, None if m.id in declared else opinions.get(m.id),
                      m.id in declared or (m.expert.unit_id is not None and m.expert.unit_id == material.unit_id))
            for m in members]


def group_opinions(user, meeting_material_ids) -> dict[int, GroupOpinion]:
    """The submitted group opinions of these meeting materials that `user` may read, in one query."""
    ids = list(meeting_material_ids)
    if not ids:
        return {}
    return {g.meeting_material_id: g for g in db.session.scalars(
        select(GroupOpinion).where(GroupOpinion.meeting_material_id.in_(ids), scope.group_opinions(user)))}


def review_of(actor, mm: MeetingMaterial) -> dict:
    """The 组建单位's read view of one material's 评议: every member's opinion and the group's."""
    require_board(actor, mm.meeting.board)
    material = db.session.get(Material, mm.material_id)
    return {"rows": member_rows(actor, mm, material), "material": material,
            "group_opinion": group_opinions(actor, [mm.id]).get(mm.id)}
