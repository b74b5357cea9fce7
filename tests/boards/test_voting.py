"""Attendance and the secret ballot: the quorum, every refusal with its message and nothing
written, the database's one-ballot rule, secrecy by schema, thresholds at their boundary, and a
closed meeting's fixed results."""
from __future__ import annotations

import json
import tarfile

import pytest
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from zhicheng import scope, transaction
from zhicheng.boards import meetings
from zhicheng.boards.common import BoardError
from zhicheng.boards.states import MeetingState, at_least
from zhicheng.boards.voting import BallotError, Tally, cast_ballot, count_ballots, declare_conflict, tally
from zhicheng.extensions import db
from zhicheng.models import (
    AuditLog,
    Ballot,
    BallotReceipt,
    ConflictDeclaration,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    MeetingResult,
)
from zhicheng.system.backup import make_backup

from .conftest import draw, to_voting


def votes() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Ballot)),
            db.session.scalar(select(func.count()).select_from(BallotReceipt)))


def user_of(member: MeetingMember):
    return member.expert.user


def vote(member, mm, choice):
    cast_ballot(user_of(member), mm.id, choice)
    transaction.commit()


@pytest.mark.parametrize("members,needed", [(25, 17), (24, 16), (19, 13), (18, 12), (11, 8), (1, 1)])
def test_two_thirds_rounded_up_in_integers(members, needed):
    assert at_least(2, 3, members) == needed


# --- attendance ---------------------------------------------------------------------------------

def test_voting_needs_two_thirds_of_the_members_present(setup):
    draw(setup)
    meetings.start_review(setup.manager, setup.meeting)
    transaction.commit()
    members = setup.members()
    with pytest.raises(BoardError, match=r"出席委员16人，不足全体委员25人的2/3（至少17人），不能进行表决"):
        meetings.open_voting(setup.manager, setup.meeting, [m.id for m in members[:16]])
    transaction.commit()
    db.session.expire_all()
    assert setup.meeting.state == MeetingState.REVIEWING
    assert {m.present for m in setup.members()} == {None}
    meetings.open_voting(setup.manager, setup.meeting, [m.id for m in members[:17]])
    transaction.commit()
    assert setup.meeting.state == MeetingState.VOTING
    assert sum(1 for m in setup.members() if m.present) == 17


def test_attendance_lists_only_the_meetings_members(setup):
    draw(setup)
    meetings.start_review(setup.manager, setup.meeting)
    with pytest.raises(BoardError, match="出席名单中有不属于本次会议的委员"):
        meetings.open_voting(setup.manager, setup.meeting, [m.id for m in setup.members()] + [9999])


# --- ballots and their refusals -----------------------------------------------------------------

def test_every_present_member_votes_once_on_every_material_whatever_his_group(setup):
    present = to_voting(setup)
    a1 = setup.mm("a1")
    arch_member = next(m for m in present if m.group_id == setup.arch.id)
    vote(arch_member, a1, "approve")  # the plenary votes on 计算机组's material too
    assert votes() == (1, 1)
    receipt = db.session.scalar(select(BallotReceipt))
    assert (receipt.meeting_material_id, receipt.member_id) == (a1.id, arch_member.id)


def refused(member_or_user, mm, choice, message):
    before = votes()
    user = member_or_user if not isinstance(member_or_user, MeetingMember) else user_of(member_or_user)
    with pytest.raises(BallotError, match=message):
        cast_ballot(user, mm.id, choice)
    transaction.commit()
    assert votes() == before


def test_each_refused_ballot_says_why_and_writes_nothing(setup):
    draw(setup)
    members = setup.members()
    a1, b1 = setup.mm("a1"), setup.mm("b1")
    refused(members[0], a1, "approve", "评审会议当前状态为“抽取完成”，不在表决阶段，不能投票")
    meetings.start_review(setup.manager, setup.meeting)
    transaction.commit()
    refused(members[0], a1, "approve", "当前状态为“评议中”，不在表决阶段")
    absent = members[-1]
    meetings.open_voting(setup.manager, setup.meeting, [m.id for m in members[:-1]])
    transaction.commit()
    refused(absent, a1, "approve", "您未出席本次评审会议，缺席委员不能投票，也不能委托他人投票")
    # 回避: his own unit's material (unit B's expert sits in 计算机组), or a declared conflict.
    unit_b_member = setup.member_of(setup.experts["cs_b"][0])
    assert unit_b_member.present
    refused(unit_b_member, b1, "approve", "您对材料.*与申报人同属一个单位，须回避，不能投票")
    declarer = members[1]
    declare_conflict(user_of(declarer), a1.id, "曾为申报人的导师")
    transaction.commit()
    refused(declarer, a1, "reject", "您对材料.*已声明回避，不能投票")
    # Not a member: an expert of unit A (never drawn), or a staff member.
    refused(setup.experts["cs_a"][0].user, a1, "approve", "您不是本次评审会议的委员")
    refused(setup.org["root"], a1, "approve", "只有评审专家可以进行此操作")
    refused(members[2], a1, "yes", "请选择同意、不同意、弃权之一")
    vote(members[2], a1, "approve")
    refused(members[2], a1, "reject", "您已对材料.*投过票，每位委员对每份材料只能投一票")
    with pytest.raises(BallotError, match="您已对材料.*投票，不能再声明回避"):
        declare_conflict(user_of(members[2]), a1.id)
    meetings.close_meeting(setup.manager, setup.meeting)
    transaction.commit()
    refused(members[3], a1, "approve", "评审会议已结束，不能再投票")
    assert votes() == (1, 1)


def test_one_ballot_per_member_and_material_is_a_database_rule(setup):
    present = to_voting(setup)
    a1 = setup.mm("a1")
    vote(present[0], a1, "approve")
    with pytest.raises(IntegrityError):
        db.session.execute(insert(BallotReceipt).values(meeting_material_id=a1.id, member_id=present[0].id))
    db.session.rollback()
    assert votes() == (1, 1)


def test_a_ballot_names_no_voter(setup):
    """Secrecy by schema: the ballot row has the material and the choice, a random key, and
    nothing else: no member, no time, no sequence that could be matched with the receipts."""
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("ballot")}
    assert set(columns) == {"id", "meeting_material_id", "choice"}
    foreign = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("ballot")}
    assert foreign == {"meeting_material"}
    present = to_voting(setup)
    a1 = setup.mm("a1")
    for m in present[:5]:
        vote(m, a1, "approve")
    ids = list(db.session.scalars(select(Ballot.id)))
    assert len(set(ids)) == 5 and all(len(i) == 32 and not i.isdigit() for i in ids)
    # Nothing in the audit log records a ballot either.
    assert db.session.scalar(select(func.count()).where(AuditLog.detail.contains("同意"))) == 0


def test_an_expert_sees_only_his_open_meetings_and_never_his_own_units_material(setup):
    draw(setup)
    cs_member = setup.member_of(setup.experts["cs_b"][0])  # 计算机组, of unit B
    user = user_of(cs_member)

    def seen():
        return (set(db.session.scalars(select(Meeting.id).where(scope.meetings(user)))),
                set(db.session.scalars(select(MeetingMaterial.id).where(scope.meeting_materials(user)))))

    a1, a2, b1 = setup.mm("a1"), setup.mm("a2"), setup.mm("b1")
    assert seen() == ({setup.meeting.id}, {a1.id, a2.id})  # his group's materials during 评议
    meetings.start_review(setup.manager, setup.meeting)
    meetings.open_voting(setup.manager, setup.meeting, [m.id for m in setup.members()])
    transaction.commit()
    assert seen() == ({setup.meeting.id}, {a1.id, a2.id})  # voting: all but unit B's own b1
    arch_user = user_of(setup.member_of(setup.experts["arch"][0]))
    assert set(db.session.scalars(select(MeetingMaterial.id).where(
        scope.meeting_materials(arch_user)))) == {a1.id, a2.id, b1.id}
    meetings.close_meeting(setup.manager, setup.meeting)
    transaction.commit()
    assert seen() == (set(), set())
    assert db.session.scalar(select(func.count()).select_from(MeetingResult)
                             .where(scope.meeting_results(user))) == 0
    # The manager of another department sees nothing of the root office's board.
    assert db.session.scalar(select(func.count(Meeting.id)).where(scope.meetings(setup.org["edu_admin"]))) == 0


# --- the tally and closing ----------------------------------------------------------------------

def test_two_thirds_of_those_present_at_the_boundary(setup):
    present = to_voting(setup)  # all 25 present: 2/3 × 25 = 16.67, so 17 同意 pass and 16 do not
    a1, a2, b1 = setup.mm("a1"), setup.mm("a2"), setup.mm("b1")
    for i, m in enumerate(present):
        vote(m, a1, "approve" if i < 17 else "reject")
        vote(m, a2, "approve" if i < 16 else "abstain")
    counts = count_ballots(setup.meeting)
    assert counts[a1.id] == Tally(approve=17, reject=8, abstain=0, present=25, passed=True)
    assert counts[a2.id] == Tally(approve=16, reject=0, abstain=9, present=25, passed=False)
    assert counts[b1.id] == Tally(0, 0, 0, 25, False)


def test_with_fewer_present_the_threshold_follows_those_present(setup):
    present = to_voting(setup, absent=6)  # 19 present: 2/3 × 19 = 12.67 → 13
    a1, a2 = setup.mm("a1"), setup.mm("a2")
    for i, m in enumerate(present):
        vote(m, a1, "approve" if i < 13 else "reject")
        vote(m, a2, "approve" if i < 12 else "reject")
    counts = count_ballots(setup.meeting)
    assert (counts[a1.id].passed, counts[a2.id].passed) == (True, False)
    assert counts[a1.id].present == 19


def test_closing_fixes_the_results_for_good(setup):
    present = to_voting(setup)
    a1 = setup.mm("a1")
    for i, m in enumerate(present):
        vote(m, a1, "approve" if i < 20 else "reject")
    before = count_ballots(setup.meeting)
    results = meetings.close_meeting(setup.manager, setup.meeting)
    transaction.commit()
    assert setup.meeting.state == MeetingState.CLOSED and setup.meeting.closed_at is not None
    assert len(results) == 3
    assert tally(setup.meeting) == before
    row = db.session.scalar(select(MeetingResult).where(MeetingResult.meeting_material_id == a1.id))
    assert (row.approve, row.reject, row.present, row.passed) == (20, 5, 25, True)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "meeting.result")).all()
    assert len(audit) == 3 and any("评审通过（出席25人，同意20，不同意5，弃权0）" in a.detail for a in audit)
    assert {a.target_type for a in audit} == {"Material"}
    # 接收评审情况: each material's 审核记录 and state carry the result the unit and the applicant see.
    from zhicheng.models import Material, ReviewRecord
    material = db.session.get(Material, setup.materials["a1"].id)
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == material.id)
                                .order_by(ReviewRecord.id.desc())).first()
    assert (material.state, record.action) == ("board_passed", "board_pass")
    assert "出席25人，同意20，不同意5，弃权0" in record.reason
    others = {db.session.get(Material, setup.materials[k].id).state for k in ("a2", "b1")}
    assert others == {"board_failed"}, "no ballot: fewer than 2/3 of those present agreed"
    with pytest.raises(BoardError, match="当前状态为“已结束”，不能结束会议"):
        meetings.close_meeting(setup.manager, setup.meeting)
    with pytest.raises(BallotError, match="已结束"):
        cast_ballot(user_of(present[-1]), a1.id, "approve")
    row.approve = 25
    with pytest.raises(RuntimeError, match="不可修改"):
        db.session.flush()
    db.session.rollback()
    assert tally(setup.meeting) == before


def test_a_conflict_is_declared_once_and_not_after_closing(setup):
    present = to_voting(setup)
    a1 = setup.mm("a1")
    declare_conflict(user_of(present[0]), a1.id)
    with pytest.raises(BallotError, match="已对材料.*声明回避"):
        declare_conflict(user_of(present[0]), a1.id)
    meetings.close_meeting(setup.manager, setup.meeting)
    transaction.commit()
    with pytest.raises(BallotError, match="当前状态为“已结束”，不能声明回避"):
        declare_conflict(user_of(present[1]), a1.id)
    assert db.session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 1


def test_results_are_shown_after_closing_only_and_to_the_boards_managers(setup):
    present = to_voting(setup)
    vote(present[0], setup.mm("a1"), "approve")
    with pytest.raises(BoardError, match="结束后才能查看表决结果"):
        meetings.meeting_results(setup.manager, setup.meeting)
    meetings.close_meeting(setup.manager, setup.meeting)
    transaction.commit()
    with pytest.raises(BoardError, match="无权管理评委会"):
        meetings.meeting_results(setup.org["edu_admin"], setup.meeting)
    assert meetings.meeting_results(setup.manager, setup.meeting)[setup.mm("a1").id].approve == 1


def test_a_backup_lists_ballots_in_key_order_not_in_the_order_cast(setup, tmp_path):
    present = to_voting(setup)
    for m in present[:8]:
        vote(m, setup.mm("a1"), "approve")
    make_backup(str(tmp_path / "b.tar.gz"), kind="json")
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        lines = tar.extractfile("tables/ballot.jsonl").read().decode().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == 8 and ids == sorted(ids)
