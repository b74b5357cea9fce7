"""The closed vocabularies of 评审, as data: levels, a meeting's states and the moves between them,
members' roles and ballot choices.

The services read MEETING_TRANSITIONS and nothing else to decide whether a meeting may move; the
database refuses any other value in each column (CHECK constraints built by `check_sql`).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class BoardLevel(StrEnum):
    MIDDLE = "middle"
    SENIOR = "senior"


LEVEL_LABELS = {BoardLevel.MIDDLE: "中级", BoardLevel.SENIOR: "高级"}
# 组建评委会的人数下限 (an odd number): the defaults the 评委会 starts with, changeable per 评委会.
DEFAULT_MIN_MEMBERS = {BoardLevel.MIDDLE: 11, BoardLevel.SENIOR: 25}
# 职称评审管理暂行规定 (2019): 出席 ≥ 2/3 of the members, 同意 ≥ 2/3 of those present.
DEFAULT_QUORUM = Fraction(2, 3)
DEFAULT_PASS = Fraction(2, 3)


class MeetingState(StrEnum):
    PREPARING = "preparing"
    DRAWN = "drawn"
    REVIEWING = "reviewing"
    VOTING = "voting"
    CLOSED = "closed"


MEETING_STATE_LABELS = {
    MeetingState.PREPARING: "筹备",
    MeetingState.DRAWN: "抽取完成",
    MeetingState.REVIEWING: "评议中",
    MeetingState.VOTING: "表决中",
    MeetingState.CLOSED: "已结束",
}
FINAL_STATES = frozenset({MeetingState.CLOSED})


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[MeetingState]
    target: MeetingState


M = MeetingState
# Keyed by the action written to the audit log (meeting.<action>).
MEETING_TRANSITIONS: dict[str, Transition] = {
    "draw": Transition("抽取评审专家", frozenset({M.PREPARING}), M.DRAWN),
    "start_review": Transition("开始评议", frozenset({M.DRAWN}), M.REVIEWING),
    "open_voting": Transition("开始表决", frozenset({M.REVIEWING}), M.VOTING),
    "close": Transition("结束会议", frozenset({M.VOTING}), M.CLOSED),
}
assert not any(t.sources & FINAL_STATES for t in MEETING_TRANSITIONS.values()), "a closed meeting stays closed"


def may(action: str, state: str) -> bool:
    return state in MEETING_TRANSITIONS[action].sources


def target(action: str) -> MeetingState:
    return MEETING_TRANSITIONS[action].target


class MemberRole(StrEnum):
    LEADER = "leader"
    MEMBER = "member"


ROLE_LABELS = {MemberRole.LEADER: "组长", MemberRole.MEMBER: "组员"}


class BallotChoice(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"


CHOICE_LABELS = {BallotChoice.APPROVE: "同意", BallotChoice.REJECT: "不同意", BallotChoice.ABSTAIN: "弃权"}


class Grade(StrEnum):
    """学科组评议's grade of a material (each member's, and the group's)."""
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


GRADE_LABELS = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.PASS: "合格", Grade.FAIL: "不合格"}


def check_sql(column: str, enum: type[StrEnum]) -> str:
    """A CHECK constraint's condition: `column` holds one of `enum`'s values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in enum)})"


def at_least(fraction_num: int, fraction_den: int, whole: int) -> int:
    """The smallest integer n with n ≥ num/den × whole, in integers (no float rounding)."""
    return -(-fraction_num * whole // fraction_den)
