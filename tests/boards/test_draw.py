"""评委会, 专家库 and the draw: defaults of the composition rule, expert accounts, a draw that
replays from its record, 回避 of a group's units, and refusals that leave nothing behind."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from zhicheng import scope, transaction
from zhicheng.accounts.models import KIND_EXPERT, KIND_LABELS
from zhicheng.boards import boards, meetings
from zhicheng.boards.common import BoardError
from zhicheng.boards.draw import DrawError, DrawRequest, draw_matches, draw_members, replay_draw
from zhicheng.boards.states import MeetingState, MemberRole
from zhicheng.extensions import db
from zhicheng.models import (
    AuditLog,
    DrawRecord,
    Expert,
    Material,
    MaterialState,
    Meeting,
    MeetingMember,
    ReviewBoard,
    User,
)

from .. import factories
from .conftest import approved, draw, new_meeting


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- 评委会 and 专家库 ---------------------------------------------------------------------------

def test_a_board_starts_with_the_national_rule_of_its_level(org):
    senior = boards.create_board(org["root"], "高级评委会", org.root, "senior")
    middle = boards.create_board(org["root"], "中级评委会", org.edu, "middle")
    assert (senior.min_members, middle.min_members) == (25, 11)
    assert (senior.quorum_num, senior.quorum_den, senior.pass_num, senior.pass_den) == (2, 3, 2, 3)
    assert (senior.level_label, middle.level_label) == ("高级", "中级")
    boards.set_board_rule(org["root"], middle, min_members=13, passing="3/4")
    assert (middle.min_members, middle.pass_num, middle.pass_den) == (13, 3, 4)


@pytest.mark.parametrize("kwargs,message", [
    (dict(min_members=24), "应为正奇数"), (dict(quorum="3/2"), "出席比例应大于0且不超过1"),
    (dict(passing="abc"), "通过比例应为分数"), (dict(level="junior"), "评委会级别应为中级或高级"),
])
def test_a_board_with_a_bad_rule_is_refused(org, kwargs, message):
    args = dict(level="senior") | kwargs
    with pytest.raises(BoardError, match=message):
        boards.create_board(org["root"], "评委会", org.root, args.pop("level"), **args)
    assert count(ReviewBoard) == 0


def test_only_the_root_offices_dictionary_staff_keep_boards(org):
    with pytest.raises(BoardError, match="只有市级职改部门的字典维护人员"):
        boards.create_board(org["edu_admin"], "教育局评委会", org.edu, "middle")
    assert count(ReviewBoard) == 0


def test_the_database_refuses_an_even_composition_rule(org):
    with pytest.raises(IntegrityError):
        db.session.execute(insert(ReviewBoard).values(name="x", department_id=org.root.id, level="senior",
                                                      min_members=24, series="", scope="", majors=""))
    db.session.rollback()


def test_an_expert_gets_an_expert_account_with_a_one_time_password(org):
    expert, otp = boards.add_expert(org["edu_admin"], org.edu, "zhuanjia01", "王专家", "中学数学",
                                    title="正高级教师", phone="0571-87654321", unit=org.unit_b)
    transaction.commit()
    user = expert.user
    assert (user.kind, user.kind_label, user.must_change_password) == (KIND_EXPERT, "评审专家", True)
    assert KIND_LABELS[KIND_EXPERT] == "评审专家" and user.is_expert and not user.is_staff
    assert otp and user.password_hash.startswith("otp-hmac$")
    assert (expert.department_id, expert.unit_id, expert.unit_name, expert.active) == (org.edu.id, org.unit_b.id,
                                                                                       "乙单位中学", True)
    assert user.unit_id is None and user.department_id is None  # his account belongs to no unit


@pytest.mark.parametrize("actor,message", [("xihu_admin", "无权管理“杭州市教育局”的专家库"),
                                           ("edu_review", "没有管理评委会的权限"),
                                           ("unit_a", "没有管理评委会的权限")])
def test_only_a_manager_of_the_department_adds_to_its_pool(org, actor, message):
    with pytest.raises(BoardError, match=message):
        boards.add_expert(org[actor], org.edu, "zhuanjia01", "王专家", "中学数学")
    assert db.session.scalar(select(func.count()).where(User.kind == KIND_EXPERT)) == 0


# --- the draw ------------------------------------------------------------------------------------

def test_the_draw_is_recorded_and_replays_to_the_same_members(setup):
    record = draw(setup)
    members = setup.members()
    assert len(members) == 25 and setup.meeting.state == MeetingState.DRAWN
    replayed = replay_draw(record)
    assert sorted((m.group_id, m.expert_id, m.role) for m in replayed) == sorted(
        (m.group_id, m.expert_id, m.role) for m in members)
    assert draw_matches(record)
    detail = json.loads(record.detail)
    assert detail["seed"] == record.seed and int(record.seed) < 2 ** 64
    for step in detail["steps"]:
        assert step["candidates"] == sorted(step["candidates"])
    # One 组长 per group: the first drawn.
    leaders = [m for m in members if m.role == MemberRole.LEADER]
    assert sorted(m.group_id for m in leaders) == [setup.cs.id, setup.arch.id]
    assert {m.expert_id for m in leaders} == {s["drawn"][0] for s in detail["steps"]}
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "meeting.draw"))
    assert record.seed in audit.detail


def test_the_same_seed_draws_the_same_members_and_the_replay_ignores_later_changes(setup):
    """A pool larger than the request: which experts are drawn depends on the seed alone."""
    boards.set_board_rule(setup.org["root"], setup.board, min_members=23)
    record = draw(setup, seed=12345, cs=11, arch=12)
    first = sorted((m.group_id, m.expert_id) for m in setup.members())
    org = setup.org
    a3 = approved(org.projects["xihu_junior"], org["unit_a"], "甲三", 4)
    b2 = approved(org.projects["edu_rd"], org["unit_b"], "乙二", 5)
    setup.meeting = new_meeting(setup, "第二次会议")
    meetings.assign_materials(setup.manager, setup.meeting, setup.cs, [a3.id])
    meetings.assign_materials(setup.manager, setup.meeting, setup.arch, [b2.id])
    second_record = draw(setup, seed=12345, cs=11, arch=12)
    assert sorted((m.group_id, m.expert_id) for m in setup.members()) == first
    # The 专家库 changes afterwards (an expert stops being available): the record still replays.
    boards.set_expert_active(setup.manager, setup.experts["cs"][0], False)
    transaction.commit()
    assert draw_matches(record) and draw_matches(second_record)


def test_an_expert_is_never_drawn_into_a_group_holding_a_material_of_his_unit(setup):
    record = draw(setup)
    own_unit = {e.id for e in setup.experts["cs_a"]}
    cs_members = {m.expert_id for m in setup.members() if m.group_id == setup.cs.id}
    assert not cs_members & own_unit
    step = next(s for s in json.loads(record.detail)["steps"] if s["group_id"] == setup.cs.id)
    assert not set(step["candidates"]) & own_unit and len(step["candidates"]) == 13
    # An expert of unit B may sit in 计算机组 (it holds unit A's materials only).
    assert setup.experts["cs_b"][0].id in cs_members


def test_a_draw_that_cannot_be_filled_changes_nothing(setup):
    audits = count(AuditLog)
    with pytest.raises(DrawError, match="学科组“计算机组”专业“计算机应用”需抽取15人，专家库中符合条件.*仅13人"):
        draw_members(setup.manager, setup.meeting, setup.requests(cs=15, arch=10))
    transaction.commit()
    db.session.expire_all()
    assert setup.meeting.state == MeetingState.PREPARING
    assert (count(MeetingMember), count(DrawRecord), count(AuditLog)) == (0, 0, audits)


@pytest.mark.parametrize("cs,arch", [(12, 12), (11, 12)])
def test_a_draw_against_the_composition_rule_is_refused(setup, cs, arch):
    total = cs + arch
    with pytest.raises(DrawError, match=f"抽取总人数{total}人不符合.*应为不少于25人的奇数"):
        draw_members(setup.manager, setup.meeting, setup.requests(cs=cs, arch=arch))
    assert count(MeetingMember) == 0 and setup.meeting.state == MeetingState.PREPARING


def test_a_meeting_is_drawn_once_and_only_by_its_boards_manager(setup):
    with pytest.raises(BoardError, match="无权管理评委会"):
        draw_members(setup.org["edu_admin"], setup.meeting, setup.requests())
    with pytest.raises(DrawError, match="不属于本评委会"):
        draw_members(setup.manager, setup.meeting, [DrawRequest(999, "计算机应用", 25)])
    draw(setup)
    with pytest.raises(BoardError, match="当前状态为“抽取完成”，不能抽取评审专家"):
        draw_members(setup.manager, setup.meeting, setup.requests())
    assert count(MeetingMember) == 25 and count(DrawRecord) == 1


# --- materials ----------------------------------------------------------------------------------

def test_only_approved_materials_are_assigned_and_only_before_the_draw(setup):
    org = setup.org
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"], name="草稿", seq=9)
    db.session.execute(update(Material).where(Material.id == draft.id).values(state=MaterialState.IN_REVIEW))
    db.session.commit()
    with pytest.raises(BoardError, match="状态为“审核中”，只有已转评委会的材料可以提交评审"):
        meetings.assign_materials(setup.manager, setup.meeting, setup.cs, [draft.id])
    with pytest.raises(BoardError, match="已在评审会议“2026年度第一次评审会议”中"):
        other = new_meeting(setup, "另一次会议")
        meetings.assign_materials(setup.manager, other, setup.cs, [setup.materials["a1"].id])
    draw(setup)
    with pytest.raises(BoardError, match="只能在抽取评审专家之前分配评审材料"):
        meetings.assign_materials(setup.manager, setup.meeting, setup.cs, [draft.id])


def test_a_meeting_needs_a_valid_window(setup):
    start = datetime(2026, 12, 1)
    with pytest.raises(BoardError, match="评议结束时间应晚于开始时间"):
        meetings.create_meeting(setup.manager, setup.board, "会议", start, start, start.date())


def test_an_inactive_expert_or_a_disabled_account_is_not_drawn(setup):
    boards.set_expert_active(setup.manager, setup.experts["cs"][0], False)
    setup.experts["cs"][1].user.enabled = False
    transaction.commit()
    with pytest.raises(DrawError, match="需抽取13人.*仅11人"):
        draw_members(setup.manager, setup.meeting, setup.requests())
    boards.set_board_rule(setup.org["root"], setup.board, min_members=23)
    record = draw(setup, cs=11, arch=12)
    drawn = {m.expert_id for m in setup.members()}
    assert setup.experts["cs"][0].id not in drawn and setup.experts["cs"][1].id not in drawn
    assert draw_matches(record)


def test_the_leader_can_be_changed_until_the_vote(setup):
    draw(setup)
    cs_members = [m for m in setup.members() if m.group_id == setup.cs.id]
    newcomer = next(m for m in cs_members if m.role == MemberRole.MEMBER)
    meetings.appoint_leader(setup.manager, newcomer)
    transaction.commit()
    leaders = [m.id for m in setup.members() if m.group_id == setup.cs.id and m.role == MemberRole.LEADER]
    assert leaders == [newcomer.id]
    meetings.start_review(setup.manager, setup.meeting)
    meetings.open_voting(setup.manager, setup.meeting, [m.id for m in setup.members()])
    with pytest.raises(BoardError, match="不能更换组长"):
        meetings.appoint_leader(setup.manager, cs_members[0])


def test_review_starts_only_with_materials(setup):
    with pytest.raises(BoardError, match="当前状态为“筹备”，不能开始评议"):
        meetings.start_review(setup.manager, setup.meeting)
    setup.meeting = new_meeting(setup, "空会议")
    draw(setup)
    with pytest.raises(BoardError, match="评审会议“空会议”尚无评审材料，不能开始评议"):
        meetings.start_review(setup.manager, setup.meeting)
    assert setup.meeting.state == MeetingState.DRAWN


def test_a_draw_of_a_meeting_changed_meanwhile_is_refused(setup):
    """Materials assigned by someone else after the draw loaded the meeting (its version moved on):
    the draw may have missed their units for 回避, so it is refused."""
    meeting = setup.meeting
    assert meeting.version == 3  # created, then two assignments
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(version=Meeting.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(BoardError, match="已被他人处理或状态已改变"):
        draw_members(setup.manager, meeting, setup.requests())
    transaction.commit()
    assert count(MeetingMember) == 0 and count(DrawRecord) == 0


def test_staff_see_the_boards_and_pools_of_their_subtree(org):
    edu_board = boards.create_board(org["root"], "教育系列中级评委会", org.edu, "middle")
    root_board = boards.create_board(org["root"], "工程系列高级评委会", org.root, "senior")
    sub_expert, _ = boards.add_expert(org["edusub_admin"], org.edu_sub, "zhuanjia01", "王专家", "中学数学")
    transaction.commit()

    def seen(user, model, predicate):
        return set(db.session.scalars(select(model.id).where(predicate(user))))

    assert seen(org["root"], ReviewBoard, scope.boards) == {edu_board.id, root_board.id}
    assert seen(org["edu_review"], ReviewBoard, scope.boards) == {edu_board.id}
    assert seen(org["edu_review"], ReviewBoard, scope.managed_boards) == set()  # not a 管理员
    assert seen(org["edu_admin"], ReviewBoard, scope.managed_boards) == {edu_board.id}
    assert seen(org["xihu_admin"], ReviewBoard, scope.boards) == set()
    assert seen(org["unit_a"], ReviewBoard, scope.boards) == set()
    assert seen(org["edu_admin"], Expert, scope.experts) == {sub_expert.id}
    assert seen(org["xihu_admin"], Expert, scope.experts) == set()
    assert seen(sub_expert.user, Expert, scope.experts) == {sub_expert.id}
    assert seen(sub_expert.user, ReviewBoard, scope.boards) == set()
