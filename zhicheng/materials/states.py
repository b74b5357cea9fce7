"""The states of a 申报材料 and the moves between them, as data.

STATES says what each state means to the unit, the lists and the print; TRANSITIONS says, for each
step of the review path, which states it may start from and where it leads. The workflow, the
lists, the print and `Material.editable` read these two tables and nothing else; the database
refuses any other value in material.state (a CHECK constraint built from MaterialState).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MaterialState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    # 评审 projects after 初审: transferred to the 评委会, then its result.
    IN_BOARD = "in_board"
    BOARD_PASSED = "board_passed"
    BOARD_FAILED = "board_failed"
    # 个人申报: a person's own application, filled by him and reviewed by his unit before 上报.
    PERSON_DRAFT = "p_draft"
    UNIT_REVIEW = "unit_review"
    PERSON_RETURNED = "p_returned"
    # 评后管理: a passed result (评审通过, or 审核通过 of an 初定/认定 project) on a public 公示, then
    # 评定 (final, certificates are issued from it), or revoked after an upheld 异议.
    PUBLICIZED = "publicized"
    CERTIFIED = "certified"
    RESULT_REVOKED = "revoked"


@dataclass(frozen=True)
class StateFacts:
    label: str
    editable: bool  # the unit may change or resubmit it
    watermarked: bool  # printed with the "未上报" watermark: not (or no longer) with a department
    submitted: bool  # has left the unit: listed in 上报材料跟踪 and 进入打印, seen by departments
    opinions: bool  # the print shows the departments' opinions of the current submission
    person_editable: bool = False  # a person's own application he may change and 提交 to his unit


S = MaterialState
STATES: dict[MaterialState, StateFacts] = {
    S.DRAFT: StateFacts("待上报", editable=True, watermarked=True, submitted=False, opinions=False),
    S.IN_REVIEW: StateFacts("审核中", editable=False, watermarked=False, submitted=True, opinions=True),
    S.RETURNED: StateFacts("被退回", editable=True, watermarked=True, submitted=True, opinions=False),
    S.APPROVED: StateFacts("审核通过", editable=False, watermarked=False, submitted=True, opinions=True),
    S.IN_BOARD: StateFacts("评审中", editable=False, watermarked=False, submitted=True, opinions=True),
    S.BOARD_PASSED: StateFacts("评审通过", editable=False, watermarked=False, submitted=True, opinions=True),
    S.BOARD_FAILED: StateFacts("评审未通过", editable=False, watermarked=False, submitted=True, opinions=True),
    # 个人申报 before it reaches a department: the unit never edits it; it sees it from 提交 on.
    S.PERSON_DRAFT: StateFacts("待提交", editable=False, watermarked=True, submitted=False, opinions=False,
                               person_editable=True),
    S.UNIT_REVIEW: StateFacts("单位审核中", editable=False, watermarked=True, submitted=False, opinions=False),
    S.PERSON_RETURNED: StateFacts("退回个人", editable=False, watermarked=True, submitted=False, opinions=False,
                                  person_editable=True),
    S.PUBLICIZED: StateFacts("公示中", editable=False, watermarked=False, submitted=True, opinions=True),
    S.CERTIFIED: StateFacts("已评定", editable=False, watermarked=False, submitted=True, opinions=True),
    S.RESULT_REVOKED: StateFacts("结果已撤销", editable=False, watermarked=False, submitted=True, opinions=True),
}


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[MaterialState]
    target: MaterialState
    #: Where a 个人申报 goes instead, when that differs (it never becomes one of the unit's drafts).
    person_target: MaterialState | None = None


# Keyed by the action written to the 审核记录 (ReviewRecord.action).
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("上报", frozenset({S.DRAFT, S.RETURNED, S.UNIT_REVIEW}), S.IN_REVIEW),
    "pass": Transition("审核通过并上报", frozenset({S.IN_REVIEW}), S.IN_REVIEW),
    "approve": Transition("审核通过", frozenset({S.IN_REVIEW}), S.APPROVED),
    "return": Transition("退回", frozenset({S.IN_REVIEW}), S.RETURNED),
    # A 个人申报 goes back to its unit's review (the unit 上报 it again, or returns it to the person).
    "change_department": Transition("修改归口部门退回", frozenset({S.IN_REVIEW, S.RETURNED}), S.DRAFT,
                                    person_target=S.UNIT_REVIEW),
    # 录入高中级申报信息: a department types in the 评审简表 a unit handed in on paper; the new
    # material starts where the paper is, 审核中 at that department (zhicheng.declare).
    "enter": Transition("部门录入", frozenset({S.DRAFT}), S.IN_REVIEW),
    # 评审 projects: the 职改部门 transfers what passed 初审 (and, if required, the exam) to the 评委会,
    # whose closed meeting decides.
    "to_board": Transition("转评委会", frozenset({S.APPROVED}), S.IN_BOARD),
    "board_pass": Transition("评审通过", frozenset({S.IN_BOARD}), S.BOARD_PASSED),
    "board_fail": Transition("评审未通过", frozenset({S.IN_BOARD}), S.BOARD_FAILED),
    # 个人申报: the person 提交 to his unit; the unit's 职能部门 sign off (the state stays), the unit
    # returns it to him with a reason (also one a department returned), or 上报 it ("submit" above).
    "person_submit": Transition("提交单位", frozenset({S.PERSON_DRAFT, S.PERSON_RETURNED}), S.UNIT_REVIEW),
    "signoff": Transition("职能部门审核", frozenset({S.UNIT_REVIEW}), S.UNIT_REVIEW),
    "unit_return": Transition("单位退回", frozenset({S.UNIT_REVIEW, S.RETURNED}), S.PERSON_RETURNED),
    # 评后管理 (zhicheng.certificates): the 职改部门 publishes passed results for 公示 (评审 projects
    # after 评审通过, 初定/认定 projects after 审核通过); an upheld 异议 revokes the result; after a clean
    # period the batch is confirmed (评定, final).
    "publicize": Transition("公示", frozenset({S.APPROVED, S.BOARD_PASSED}), S.PUBLICIZED),
    "revoke_result": Transition("异议成立，撤销结果", frozenset({S.PUBLICIZED}), S.RESULT_REVOKED),
    "certify": Transition("评定", frozenset({S.PUBLICIZED}), S.CERTIFIED),
}

STATE_LABELS: dict[MaterialState, str] = {s: f.label for s, f in STATES.items()}


def states_where(fact: str) -> tuple[MaterialState, ...]:
    """The states with `fact` set, in the order of MaterialState (for lists and IN filters)."""
    return tuple(s for s in MaterialState if getattr(STATES[s], fact))


def may(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def target(action: str, person: bool = False) -> MaterialState:
    """Where `action` leads; `person`: for a 个人申报 (a person's own application)."""
    t = TRANSITIONS[action]
    return t.person_target if person and t.person_target is not None else t.target


def sources(action: str) -> tuple[MaterialState, ...]:
    return tuple(s for s in MaterialState if s in TRANSITIONS[action].sources)


def check_sql(column: str) -> str:
    """The CHECK constraint's condition: `column` holds one of MaterialState's values."""
    return f"{column} IN ({', '.join(repr(s.value) for s in MaterialState)})"
