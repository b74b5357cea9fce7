"""A 评审会议's life: creation, its materials, the start of 评议, attendance and the opening of
the vote, and closing, which fixes one MeetingResult per material for good.

The draw (zhicheng.boards.draw) sits between assigning the materials and starting 评议: it needs
the groups' materials to apply 回避, so materials are assigned while the meeting is 筹备.
Every function checks that its caller runs the meeting's 评委会, flushes and writes its audit
rows, or raises BoardError with nothing changed; the request or command commits.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, update

from zhicheng import scope, transaction
from zhicheng.boards import states
from zhicheng.boards.common import BoardError, move_meeting, now, require_board, touch_meeting
from zhicheng.boards.states import MeetingState, MemberRole, at_least
from zhicheng.boards.voting import Tally, count_ballots, tally
from zhicheng.extensions import db
from zhicheng.models import (
    Material,
    MaterialState,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    MeetingResult,
    ReviewBoard,
    SubjectGroup,
)
from zhicheng.review import workflow
from zhicheng.system import audit


def create_meeting(actor, board: ReviewBoard, name: str, review_start: datetime, review_end: datetime,
                   meeting_date: date) -> Meeting:
    require_board(actor, board)
    name = (name or "").strip()
    if not name:
        raise BoardError("请填写会议名称")
    if not board.enabled:
        raise BoardError(f"评委会“{board.name}”已停用，不能召开评审会议")
    if not (review_start and review_end and review_end > review_start):
        raise BoardError("评议结束时间应晚于开始时间")
    if meeting_date is None or meeting_date < review_start.date():
        raise BoardError("会议日期不能早于评议开始时间")
    meeting = Meeting(board_id=board.id, name=name, review_start=review_start, review_end=review_end,
                      meeting_date=meeting_date, state=MeetingState.PREPARING)
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.create", meeting, f"评委会 {board.name} 新建评审会议 {name}", actor=actor)
    return meeting


def assign_materials(actor, meeting: Meeting, group: SubjectGroup, material_ids) -> list[MeetingMaterial]:
    """Put materials transferred to the 评委会 (转评委会: 评审中) before the meeting, in one 学科组; all or
    nothing."""
    require_board(actor, meeting.board)
    if meeting.state != MeetingState.PREPARING:
        raise BoardError(f"评审会议“{meeting.name}”当前状态为“{meeting.state_label}”，"
                         "只能在抽取评审专家之前分配评审材料")
    if group.board_id != meeting.board_id:
        raise BoardError(f"学科组“{group.name}”不属于本评委会")
    try:
        ids = sorted({int(i) for i in material_ids})
    except (TypeError, ValueError):
        raise BoardError("所选材料不存在或无权操作") from None
    if not ids:
        raise BoardError("请先勾选要分配的材料")
    # The 组建单位 takes what 转评委会 handed it, of its own 评委会's projects, among what it can see.
    found = list(db.session.scalars(select(Material).where(Material.id.in_(ids), scope.materials(actor))
                                    .order_by(Material.id)))
    if len(found) != len(ids):
        raise BoardError("所选材料不存在或无权操作")
    for m in found:
        if m.state != MaterialState.IN_BOARD:
            raise BoardError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，只有已转评委会的材料可以提交评审")
        if m.project.board_id is not None and m.project.board_id != meeting.board_id:
            raise BoardError(f"材料{m.number}（{m.name}）的项目不由本评委会评审")
    taken = db.session.execute(
        select(Material.number, Material.name, Meeting.name)
        .join(MeetingMaterial, MeetingMaterial.material_id == Material.id)
        .join(Meeting, Meeting.id == MeetingMaterial.meeting_id)
        .where(Material.id.in_(ids), Meeting.state != MeetingState.CLOSED)).first()
    if taken is not None:
        raise BoardError(f"材料{taken[0]}（{taken[1]}）已在评审会议“{taken[2]}”中")
    with transaction.atomic():
        # The draw applies 回避 to the materials it saw: a draw running meanwhile fails on the version.
        touch_meeting(meeting)
        rows = [MeetingMaterial(meeting_id=meeting.id, material_id=m.id, group_id=group.id) for m in found]
        db.session.add_all(rows)
        db.session.flush()
        audit.record("meeting.assign", meeting, f"学科组 {group.name} 分配评审材料{len(rows)}份："
                     + "、".join(m.number or str(m.id) for m in found), actor=actor)
    return rows


def appoint_leader(actor, member: MeetingMember) -> MeetingMember:
    """组长 of a 学科组 (the draw makes the first drawn member of each group its 组长)."""
    meeting = member.meeting
    require_board(actor, meeting.board)
    if meeting.state not in (MeetingState.DRAWN, MeetingState.REVIEWING):
        raise BoardError(f"评审会议“{meeting.name}”当前状态为“{meeting.state_label}”，不能更换组长")
    with transaction.atomic():
        db.session.execute(update(MeetingMember)
                           .where(MeetingMember.meeting_id == meeting.id, MeetingMember.group_id == member.group_id)
                           .values(role=MemberRole.MEMBER).execution_options(synchronize_session=False))
        db.session.execute(update(MeetingMember).where(MeetingMember.id == member.id)
                           .values(role=MemberRole.LEADER).execution_options(synchronize_session=False))
        db.session.expire_all()
        audit.record("meeting.leader", meeting, f"学科组 {member.group.name} 组长：{member.expert.name}", actor=actor)
    return member


def start_review(actor, meeting: Meeting) -> Meeting:
    """评议 begins: the members of each 学科组 read its materials."""
    require_board(actor, meeting.board)
    has_materials = db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.meeting_id == meeting.id)
                                      .limit(1))
    if has_materials is None and states.may("start_review", meeting.state):
        raise BoardError(f"评审会议“{meeting.name}”尚无评审材料，不能开始评议")
    with transaction.atomic():
        move_meeting(meeting, "start_review")
        audit.record("meeting.start_review", meeting, f"评审会议 {meeting.name} 开始评议", actor=actor)
    return meeting


def open_voting(actor, meeting: Meeting, present_member_ids) -> Meeting:
    """Attendance, then the vote: only with at least the quorum (2/3 by default) of the members
    present; the attendance is fixed from then on (absent members can neither vote nor delegate)."""
    require_board(actor, meeting.board)
    members = dict(db.session.execute(select(MeetingMember.id, MeetingMember.expert_id)
                                      .where(MeetingMember.meeting_id == meeting.id)).all())
    try:
        present = {int(i) for i in present_member_ids}
    except (TypeError, ValueError):
        raise BoardError("出席名单中有不属于本次会议的委员") from None
    if not present <= set(members):
        raise BoardError("出席名单中有不属于本次会议的委员")
    board = meeting.board
    needed = at_least(board.quorum_num, board.quorum_den, len(members))
    if states.may("open_voting", meeting.state) and (not members or len(present) < needed):
        raise BoardError(f"出席委员{len(present)}人，不足全体委员{len(members)}人的"
                         f"{board.quorum_num}/{board.quorum_den}（至少{needed}人），不能进行表决")
    with transaction.atomic():
        move_meeting(meeting, "open_voting")
        db.session.execute(update(MeetingMember).where(MeetingMember.meeting_id == meeting.id)
                           .values(present=MeetingMember.id.in_(present) if present else False)
                           .execution_options(synchronize_session=False))
        db.session.expire_all()
        audit.record("meeting.open_voting", meeting,
                     f"评审会议 {meeting.name} 开始表决：应到{len(members)}人，实到{len(present)}人", actor=actor)
    return meeting


def close_meeting(actor, meeting: Meeting) -> list[MeetingResult]:
    """结束会议: the counts of every material are fixed in MeetingResult (passed: 同意 ≥ the pass
    fraction of the members present); no ballot is accepted and no result changes afterwards."""
    require_board(actor, meeting.board)
    with transaction.atomic():
        at = now()
        # The UPDATE waits for ballots being cast (they hold the meeting row FOR SHARE) and makes
        # any later one find the meeting closed; the count below sees every committed ballot.
        move_meeting(meeting, "close", closed_at=at)
        counts = count_ballots(meeting)
        rows = [dict(meeting_material_id=mm_id, approve=t.approve, reject=t.reject, abstain=t.abstain,
                     present=t.present, passed=t.passed, fixed_at=at) for mm_id, t in counts.items()]
        if rows:
            db.session.execute(insert(MeetingResult), rows)
        materials = dict(db.session.execute(
            select(MeetingMaterial.id, Material).join(Material, Material.id == MeetingMaterial.material_id)
            .where(MeetingMaterial.meeting_id == meeting.id)).all())
        passed = sum(1 for t in counts.values() if t.passed)
        # One row per material, as its 审核记录 would be: the material's history shows the result.
        results = []
        for mm_id, t in counts.items():
            m = materials[mm_id]
            counted = f"出席{t.present}人，同意{t.approve}，不同意{t.reject}，弃权{t.abstain}"
            audit.record("meeting.result", m,
                         f"{meeting.name}：材料{m.number}{'评审通过' if t.passed else '评审未通过'}（{counted}）", actor=actor)
            results.append((m, t.passed, f"{meeting.board.name}{meeting.name}：{counted}"))
        # 接收评审情况: the results in the materials' 审核记录, where the 职改部门, the unit and the
        # applicant read them (上报材料跟踪).
        workflow.record_board_results(results, actor)
        audit.record("meeting.close", meeting, f"评审会议 {meeting.name} 结束：评审材料{len(counts)}份，"
                     f"通过{passed}份", actor=actor)
    return list(db.session.scalars(
        select(MeetingResult).join(MeetingMaterial, MeetingMaterial.id == MeetingResult.meeting_material_id)
        .where(MeetingMaterial.meeting_id == meeting.id).order_by(MeetingResult.meeting_material_id)))


def meeting_results(actor, meeting: Meeting) -> dict[int, Tally]:
    """The counts per material, for the 评委会's managers once the meeting is closed: live counts
    during the vote, next to who has voted, would tell who voted what."""
    require_board(actor, meeting.board)
    if meeting.state != MeetingState.CLOSED:
        raise BoardError(f"评审会议“{meeting.name}”结束后才能查看表决结果")
    return tally(meeting)
