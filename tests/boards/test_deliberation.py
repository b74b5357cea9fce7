"""学科组评议: members write and change their 评议意见 and grade during 评议 only, on their own
group's materials only, never on one they are recused from; the 组长 alone submits the group's
opinion, once, after everyone wrote or with a reason; the members' opinions are locked from then
on; who reads what (a member his own, the 组长 his group's, the 组建单位 all; the whole 评委会 the
group's opinion while it votes); every refusal a Chinese message with nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhicheng import scope, transaction
from zhicheng.boards import deliberation, meetings
from zhicheng.boards.deliberation import OpinionError, submit_group_opinion, write_opinion
from zhicheng.boards.states import MemberRole
from zhicheng.boards.voting import declare_conflict
from zhicheng.extensions import db
from zhicheng.models import AuditLog, GroupOpinion, MeetingMember, MemberOpinion

from .conftest import draw


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(MemberOpinion)),
            db.session.scalar(select(func.count()).select_from(GroupOpinion)))


def refused(fn, message):
    before = counts()
    with pytest.raises(OpinionError, match=message):
        fn()
    db.session.rollback()
    assert counts() == before


def group_members(s, group) -> list[MeetingMember]:
    return [m for m in s.members() if m.group_id == group.id]


def leader_of(s, group) -> MeetingMember:
    return next(m for m in group_members(s, group) if m.role == MemberRole.LEADER)


def plain_member(s, group) -> MeetingMember:
    return next(m for m in group_members(s, group) if m.role == MemberRole.MEMBER)


def reviewing(s):
    draw(s)
    meetings.start_review(s.manager, s.meeting)
    transaction.commit()


def write(member, mm, grade="good", text="业绩突出，材料完整。"):
    row = write_opinion(member.expert.user, mm.id, grade, text)
    transaction.commit()
    return row


def test_only_during_the_review_window(setup):
    s = setup
    draw(s)
    member = plain_member(s, s.cs)
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "good", "好"), "尚未开始评议，不能填写或提交评议意见")
    meetings.start_review(s.manager, s.meeting)
    transaction.commit()
    write(member, s.mm("a1"))
    meetings.open_voting(s.manager, s.meeting, [m.id for m in s.members()])
    transaction.commit()
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "pass", "改"),
            "当前状态为“表决中”，评议已结束，不能再填写或提交评议意见")
    leader = leader_of(s, s.cs)
    refused(lambda: submit_group_opinion(leader.expert.user, s.mm("a1").id, "good", "同意", "来不及"),
            "评议已结束")
    assert db.session.scalar(select(MemberOpinion.grade)) == "good"


def test_a_member_writes_and_changes_his_opinion_on_his_group_materials_only(setup):
    s = setup
    reviewing(s)
    member = plain_member(s, s.cs)
    other = plain_member(s, s.arch)
    write(member, s.mm("a1"), "good", "业绩较好")
    row = write(member, s.mm("a1"), "excellent", "业绩突出，建议通过")
    assert counts() == (1, 0)
    assert (row.grade, row.grade_label, row.opinion) == ("excellent", "优秀", "业绩突出，建议通过")
    refused(lambda: write_opinion(other.expert.user, s.mm("a1").id, "good", "好"),
            "不属于您所在的学科组“建筑组”，不能评议")
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "perfect", "好"),
            "请选择评议等次：优秀、良好、合格、不合格之一")
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "good", "  "), "请填写评议意见")
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "good", "好" * 2001), "评议意见不能超过2000字")
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "good", "好\x07"), "评议意见：")
    refused(lambda: write_opinion(s.manager, s.mm("a1").id, "good", "好"), "只有评审专家可以进行此操作")
    assert db.session.scalar(select(MemberOpinion.opinion)) == "业绩突出，建议通过"


def test_a_recused_member_cannot_write_and_his_opinion_is_withdrawn(setup):
    s = setup
    reviewing(s)
    member = plain_member(s, s.cs)
    write(member, s.mm("a1"))
    declare_conflict(member.expert.user, s.mm("a1").id, "曾共同承担项目")
    transaction.commit()
    assert counts() == (0, 0)
    refused(lambda: write_opinion(member.expert.user, s.mm("a1").id, "good", "好"), "已声明回避，不能评议")
    # and the 组长 does not wait for him
    assert member.id not in {m.id for m in deliberation.pending_members(s.mm("a1"), s.materials["a1"])}


def test_the_leader_alone_submits_once_after_all_wrote_or_with_a_reason(setup):
    s = setup
    reviewing(s)
    leader, member = leader_of(s, s.cs), plain_member(s, s.cs)
    mm = s.mm("a1")
    write(member, mm, "good")
    refused(lambda: submit_group_opinion(member.expert.user, mm.id, "good", "同意"),
            "只有学科组“计算机组”的组长可以提交学科组评议意见")
    refused(lambda: submit_group_opinion(leader_of(s, s.arch).expert.user, mm.id, "good", "同意"),
            "不属于您所在的学科组")
    pending = len(group_members(s, s.cs)) - 1
    refused(lambda: submit_group_opinion(leader.expert.user, mm.id, "good", "同意"),
            f"尚有{pending}位组员未填写材料.*的评议意见，请待其填写后再提交，或注明未全部填写的理由")
    refused(lambda: submit_group_opinion(leader.expert.user, mm.id, "good", ""), "请填写学科组评议意见")
    row = submit_group_opinion(leader.expert.user, mm.id, "good", "学科组认为该同志业绩良好。", "部分组员出差")
    transaction.commit()
    assert (row.grade_label, row.missing_reason, row.submitted_by_id) == ("良好", "部分组员出差", leader.id)
    assert "学科组 计算机组 提交材料" in db.session.scalar(
        select(AuditLog.detail).where(AuditLog.action == "meeting.group_opinion"))
    # Locked: no member changes his opinion any more, and nothing is submitted twice.
    refused(lambda: write_opinion(member.expert.user, mm.id, "fail", "改"), "学科组已提交材料.*组员评议意见不能再修改")
    refused(lambda: write_opinion(leader.expert.user, mm.id, "fail", "改"), "组员评议意见不能再修改")
    refused(lambda: submit_group_opinion(leader.expert.user, mm.id, "fail", "再交", "理由"), "不能重复提交或修改")
    with pytest.raises(RuntimeError):
        row.grade = "fail"
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(GroupOpinion.grade)) == "good"


def test_when_everyone_wrote_no_reason_is_needed(setup):
    s = setup
    reviewing(s)
    mm = s.mm("b1")
    for m in group_members(s, s.arch):
        write(m, mm, "pass", f"{m.expert.name}：符合条件")
    leader = leader_of(s, s.arch)
    submit_group_opinion(leader.expert.user, mm.id, "pass", "符合评审条件", "这条理由不需要")
    transaction.commit()
    assert db.session.scalar(select(GroupOpinion.missing_reason)) == ""


def test_a_recused_leader_is_replaced_by_the_board(setup):
    s = setup
    reviewing(s)
    leader, member = leader_of(s, s.cs), plain_member(s, s.cs)
    declare_conflict(leader.expert.user, s.mm("a1").id, "亲属")
    transaction.commit()
    refused(lambda: submit_group_opinion(leader.expert.user, s.mm("a1").id, "good", "同意", "理由"),
            "已声明回避，不能提交其评议意见；请评委会组建单位另行指定组长")
    meetings.appoint_leader(s.manager, member)
    transaction.commit()
    submit_group_opinion(member.expert.user, s.mm("a1").id, "good", "同意", "原组长回避，其余组员未填写")
    transaction.commit()
    assert counts() == (0, 1)


def test_who_reads_which_opinion(setup):
    s = setup
    reviewing(s)
    leader, member = leader_of(s, s.cs), plain_member(s, s.cs)
    others = [m for m in group_members(s, s.cs) if m.id not in (leader.id, member.id)]
    write(member, s.mm("a1"), "good", "组员甲意见")
    write(others[0], s.mm("a1"), "pass", "组员乙意见")

    def readable(user):
        return set(db.session.scalars(select(MemberOpinion.opinion).where(scope.member_opinions(user))))

    assert readable(member.expert.user) == {"组员甲意见"}
    assert readable(leader.expert.user) == {"组员甲意见", "组员乙意见"}
    assert readable(leader_of(s, s.arch).expert.user) == set()
    assert readable(s.manager) == {"组员甲意见", "组员乙意见"}
    assert readable(s.org["unit_a"]) == set() and readable(s.org["xihu_admin"]) == set()
    submit_group_opinion(leader.expert.user, s.mm("a1").id, "good", "组意见", "理由")
    transaction.commit()

    def group_readable(user):
        return set(db.session.scalars(select(GroupOpinion.opinion).where(scope.group_opinions(user))))

    arch_member = plain_member(s, s.arch)
    assert group_readable(member.expert.user) == {"组意见"} and group_readable(arch_member.expert.user) == set()
    assert group_readable(s.org["unit_a"]) == set()
    meetings.open_voting(s.manager, s.meeting, [m.id for m in s.members()])
    transaction.commit()
    assert group_readable(arch_member.expert.user) == {"组意见"}  # the whole 评委会 votes
    assert readable(arch_member.expert.user) == set()  # but never the members' own
    meetings.close_meeting(s.manager, s.meeting)
    transaction.commit()
    assert group_readable(member.expert.user) == set() and readable(leader.expert.user) == set()
    assert group_readable(s.manager) == {"组意见"}
