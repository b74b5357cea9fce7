"""Who may see which rows of 评审: 评委会, experts, meetings, their materials, opinions, ballots and results."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import ColumnElement, and_, false, or_, select, true, tuple_

from zhicheng.boards import models as bm
from zhicheng.boards.states import MeetingState, MemberRole
from zhicheng.extensions import db
from zhicheng.models import Material, MaterialState, Project, UnitCode
from zhicheng.policy import P, can
from zhicheng.scope.core import materials, subtree_ids


def boards(user) -> ColumnElement[bool]:
    """评委会 formed by the staff member's department or one below it (the root office: all)."""
    if not user.is_authenticated or not user.is_staff or user.department is None:
        return false()
    if user.department.is_root:
        return true()
    return bm.ReviewBoard.department_id.in_(subtree_ids(user.department))


def board_directory(user) -> ColumnElement[bool]:
    """评委会 as a dictionary of the root office: every staff member reads the whole list."""
    return true() if user.is_authenticated and user.is_staff else false()


def dictionaries(user) -> ColumnElement[bool]:
    """字典管理 (every dictionary, zhicheng.codes): every staff member reads the whole list."""
    return true() if user.is_authenticated and user.is_staff else false()


def unit_codes(user) -> ColumnElement[bool]:
    """单位字典: the entries of units under the staff member's department and its sub-departments
    (the root office: all)."""
    if not user.is_authenticated or not user.is_staff or user.department is None:
        return false()
    if user.department.is_root:
        return true()
    return UnitCode.department_id.in_(subtree_ids(user.department))


def code_updates(user) -> ColumnElement[bool]:
    """接收更新代码 uploads: the root office's 字典维护 staff, who alone apply them."""
    return true() if can(user, P.ROOT_DICT) else false()


def group_directory(user) -> ColumnElement[bool]:
    """学科组 of the 评委会 dictionary: every staff member reads them."""
    return true() if user.is_authenticated and user.is_staff else false()


def managed_meetings(user) -> ColumnElement[bool]:
    """评审会议 a 管理员 runs: those of the 评委会 formed in his subtree."""
    return bm.Meeting.board_id.in_(select(bm.ReviewBoard.id).where(managed_boards(user)))


def managed_boards(user) -> ColumnElement[bool]:
    """评委会 whose 专家库 and meetings a 管理员 runs: those of his subtree."""
    if not can(user, P.BOARD_MANAGE):
        return false()
    return boards(user)


def subject_groups(user) -> ColumnElement[bool]:
    return bm.SubjectGroup.board_id.in_(select(bm.ReviewBoard.id).where(boards(user)))


def _own_open_members(user, *columns):
    """Select of the expert's memberships in meetings that are not closed (their ids, or
    `columns` of a membership, its meeting and his expert row): after closing he sees nothing of
    them."""
    return (select(*(columns or (bm.MeetingMember.id,)))
            .join(bm.Expert, bm.Expert.id == bm.MeetingMember.expert_id)
            .join(bm.Meeting, bm.Meeting.id == bm.MeetingMember.meeting_id)
            .where(bm.Expert.user_id == user.id, bm.Meeting.state != MeetingState.CLOSED))


def experts(user) -> ColumnElement[bool]:
    """A 管理员 sees the 专家库 of his subtree's departments; an expert only his own profile."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return bm.Expert.user_id == user.id
    if not can(user, P.BOARD_MANAGE):
        return false()
    if user.department.is_root:
        return true()
    return bm.Expert.department_id.in_(subtree_ids(user.department))


def meetings(user) -> ColumnElement[bool]:
    """Staff: the meetings of the 评委会 they see; an expert: the open meetings he was drawn for."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return bm.Meeting.id.in_(_own_open_members(user, bm.MeetingMember.meeting_id))
    return bm.Meeting.board_id.in_(select(bm.ReviewBoard.id).where(boards(user)))


def meeting_members(user) -> ColumnElement[bool]:
    """Staff: the members of the meetings they see; an expert: his own memberships while open."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return bm.MeetingMember.id.in_(_own_open_members(user))
    return bm.MeetingMember.meeting_id.in_(select(bm.Meeting.id).where(meetings(user)))


def meeting_materials(user) -> ColumnElement[bool]:
    """Staff: the materials of the meetings they see. An expert (回避): never a material of his own
    unit nor one he declared a conflict for; those of his 学科组 while the meeting is open, and every
    other one while it votes (the whole 评委会 votes on every material)."""
    if not user.is_authenticated:
        return false()
    if not user.is_expert:
        return bm.MeetingMaterial.meeting_id.in_(select(bm.Meeting.id).where(meetings(user)))

    seats = _open_seats(user)
    if not seats:
        return false()
    # His seats are read first (one short statement, once per request) and enter the statement as
    # values: each of his (meeting, 学科组) and the meetings that vote are then indexed lookups of
    # meeting_material, on SQLite as on PostgreSQL, instead of a scan testing every row against
    # subqueries of his memberships (SQLite, a 学科组 of 2,000: the count 1.8 → 0.5 ms).
    terms = [and_(bm.MeetingMaterial.meeting_id == meeting_id, bm.MeetingMaterial.group_id == group_id)
             for meeting_id, group_id in sorted({(s.meeting_id, s.group_id) for s in seats if s.group_id is not None})]
    voting = sorted({s.meeting_id for s in seats if s.state == MeetingState.VOTING})
    if voting:
        terms.append(bm.MeetingMaterial.meeting_id.in_(voting))
    if not terms:
        return false()
    before_him = or_(*terms)
    declared = select(bm.ConflictDeclaration.meeting_material_id).where(
        bm.ConflictDeclaration.member_id.in_(sorted(s.member_id for s in seats)))
    condition = before_him & bm.MeetingMaterial.id.not_in(declared)
    unit_id = seats[0].unit_id  # one expert row per account (expert.user_id is unique): one unit
    if unit_id is not None:
        condition = condition & bm.MeetingMaterial.material_id.not_in(
            select(Material.id).where(Material.unit_id == unit_id))
    return condition


def _open_seats(user) -> list:
    """The expert's seats in meetings that are not closed: (member_id, meeting_id, group_id, the
    meeting's state, his unit_id), read once per request (an expert's own requests never change
    them: the staff open, start voting and close meetings); outside a request, read each time."""
    cached = getattr(request, "_zc_open_seats", None) if has_request_context() else None
    if cached is not None and cached[0] == user.id:
        return cached[1]
    db.session.flush()  # on the session's connection (plain rows, no ORM result), as the session would see it
    seats = db.session.connection().execute(_own_open_members(
        user, bm.MeetingMember.id.label("member_id"), bm.MeetingMember.meeting_id, bm.MeetingMember.group_id,
        bm.Meeting.state, bm.Expert.unit_id)).all()
    if has_request_context():
        request._zc_open_seats = (user.id, seats)
    return seats


def group_opinions(user) -> ColumnElement[bool]:
    """学科组评议意见: with the meeting's material (staff who see the meeting; the experts it is
    before, the whole 评委会 while it votes); never units or applicants."""
    if not user.is_authenticated or not (user.is_staff or user.is_expert):
        return false()
    return bm.GroupOpinion.meeting_material_id.in_(select(bm.MeetingMaterial.id).where(meeting_materials(user)))


def member_opinions(user) -> ColumnElement[bool]:
    """Members' 评议意见: staff who see the meeting; an expert his own, and as 组长 those of his
    group on the materials before him (while the meeting is open)."""
    if not user.is_authenticated or not (user.is_staff or user.is_expert):
        return false()
    visible = bm.MemberOpinion.meeting_material_id.in_(select(bm.MeetingMaterial.id).where(meeting_materials(user)))
    if user.is_staff:
        return visible
    led = (select(bm.MeetingMember.meeting_id, bm.MeetingMember.group_id)
           .join(bm.Expert, bm.Expert.id == bm.MeetingMember.expert_id)
           .where(bm.Expert.user_id == user.id, bm.MeetingMember.role == MemberRole.LEADER))
    led_materials = select(bm.MeetingMaterial.id).where(
        tuple_(bm.MeetingMaterial.meeting_id, bm.MeetingMaterial.group_id).in_(led))
    return visible & (bm.MemberOpinion.member_id.in_(_own_open_members(user))
                      | bm.MemberOpinion.meeting_material_id.in_(led_materials))


def draw_records(user) -> ColumnElement[bool]:
    """The draw is audited by staff who see the meeting; experts never see it."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return bm.DrawRecord.meeting_id.in_(select(bm.Meeting.id).where(meetings(user)))


def ballot_receipts(user) -> ColumnElement[bool]:
    """Who has voted (never how: ballots are only ever counted): staff who see the meeting."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return bm.BallotReceipt.meeting_material_id.in_(select(bm.MeetingMaterial.id).where(meeting_materials(user)))


def meeting_results(user) -> ColumnElement[bool]:
    """Results (counts only), for staff who see the meeting, and with the material for everyone who
    sees it (接收评审情况: the 职改部门, the unit, its 工作账号); an expert sees nothing of them."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return (bm.MeetingResult.meeting_material_id.in_(select(bm.MeetingMaterial.id).where(meeting_materials(user)))
            | bm.MeetingResult.meeting_material_id.in_(select(bm.MeetingMaterial.id).where(
                bm.MeetingMaterial.material_id.in_(select(Material.id).where(materials(user))))))


def board_transfer(user) -> ColumnElement[bool]:
    """转评委会: materials of the 评审 projects the user's department published that passed 初审."""
    from zhicheng.projects.models import REVIEW_KINDS
    if not user.is_authenticated or not user.is_staff or user.department_id is None:
        return false()
    return materials(user) & (Material.state == MaterialState.APPROVED) & Material.project_id.in_(
        select(Project.id).where(Project.issuer_id == user.department_id, Project.kind.in_(list(REVIEW_KINDS))))


def eligibility_rules(user) -> ColumnElement[bool]:
    """可申报资格表: the root office keeps it; every staff member reads the whole table."""
    return true() if user.is_authenticated and user.is_staff else false()
