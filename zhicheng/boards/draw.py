"""抽取: a meeting's members drawn at random from the 组建单位's 专家库, per 学科组 and 专业.

回避: an expert is never drawn into a 学科组 holding a material of his own 工作单位, nor twice into
one meeting. The requests are drawn in a fixed order (学科组 id, then 专业) with one
`random.Random(seed)`; the record keeps the seed, each request's candidates (sorted expert ids, as
they stood when its turn came) and what was drawn, so `replay_draw` gives the same members from the
record alone, whatever the 专家库 has become since. A draw that cannot be filled, or whose total
breaks the 评委会's composition rule, is refused before anything is written.
"""
from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select

from zhicheng import transaction
from zhicheng.boards import states
from zhicheng.boards.common import BoardError, move_meeting, now, require_board
from zhicheng.boards.states import MemberRole
from zhicheng.extensions import db
from zhicheng.models import DrawRecord, Expert, Material, Meeting, MeetingMaterial, MeetingMember, SubjectGroup, User
from zhicheng.system import audit

RECORD_FORMAT = 1


class DrawError(BoardError):
    """A draw refused (not enough eligible experts, composition rule): no member was drawn."""


@dataclass(frozen=True)
class DrawRequest:
    group_id: int
    major: str
    count: int


@dataclass(frozen=True)
class DrawnMember:
    group_id: int
    expert_id: int
    role: MemberRole


def _clean(meeting: Meeting, requests) -> tuple[list[DrawRequest], dict[int, str]]:
    groups = dict(db.session.execute(select(SubjectGroup.id, SubjectGroup.name)
                                     .where(SubjectGroup.board_id == meeting.board_id)).all())
    cleaned: dict[tuple[int, str], DrawRequest] = {}
    for r in requests:
        major = (r.major or "").strip()
        if r.group_id not in groups:
            raise DrawError("抽取的学科组不属于本评委会")
        if not major:
            raise DrawError(f"学科组“{groups[r.group_id]}”：请填写抽取的专业")
        if not isinstance(r.count, int) or r.count < 1:
            raise DrawError(f"学科组“{groups[r.group_id]}”专业“{major}”：抽取人数应为正整数")
        if (r.group_id, major) in cleaned:
            raise DrawError(f"学科组“{groups[r.group_id]}”的专业“{major}”重复")
        cleaned[(r.group_id, major)] = DrawRequest(r.group_id, major, r.count)
    if not cleaned:
        raise DrawError("请填写各学科组、各专业的抽取人数")
    return [cleaned[k] for k in sorted(cleaned)], groups


def _pool(department_id: int, majors: set[str]) -> dict[str, list[tuple[int, int | None]]]:
    """The 专家库's available experts of these 专业: (id, unit id), by id."""
    rows = db.session.execute(
        select(Expert.major, Expert.id, Expert.unit_id)
        .join(User, User.id == Expert.user_id)
        .where(Expert.department_id == department_id, Expert.major.in_(majors), Expert.active.is_(True),
               User.enabled.is_(True))
        .order_by(Expert.id)).all()
    pool: dict[str, list[tuple[int, int | None]]] = {}
    for major, expert_id, unit_id in rows:
        pool.setdefault(major, []).append((expert_id, unit_id))
    return pool


def _avoided_units(meeting: Meeting) -> dict[int, set[int]]:
    """Per 学科组, the units whose materials it holds."""
    avoided: dict[int, set[int]] = {}
    for group_id, unit_id in db.session.execute(
            select(MeetingMaterial.group_id, Material.unit_id).distinct()
            .join(Material, Material.id == MeetingMaterial.material_id)
            .where(MeetingMaterial.meeting_id == meeting.id)):
        avoided.setdefault(group_id, set()).add(unit_id)
    return avoided


def _members(steps: list[dict]) -> list[DrawnMember]:
    """Members in the order drawn; the first drawn of each 学科组 is its 组长."""
    members, led = [], set()
    for step in steps:
        for expert_id in step["drawn"]:
            role = MemberRole.MEMBER if step["group_id"] in led else MemberRole.LEADER
            led.add(step["group_id"])
            members.append(DrawnMember(step["group_id"], expert_id, role))
    return members


def _draw(seed: int, steps: list[dict]) -> list[dict]:
    """Fill each step's `drawn` from its candidates: the one random part, shared with the replay."""
    rng = random.Random(seed)
    for step in steps:
        step["drawn"] = rng.sample(step["candidates"], step["count"])
    return steps


def draw_members(actor, meeting: Meeting, requests, seed: int | None = None) -> DrawRecord:
    """Draw the meeting's members (筹备 → 抽取完成) and record the draw; all or nothing."""
    require_board(actor, meeting.board)
    if not states.may("draw", meeting.state):
        move_meeting(meeting, "draw")  # refuses, naming the meeting's state
    requests, group_names = _clean(meeting, requests)
    board = meeting.board
    total = sum(r.count for r in requests)
    if total < board.min_members or total % 2 == 0:
        raise DrawError(f"抽取总人数{total}人不符合评委会“{board.name}”的组成规则："
                        f"应为不少于{board.min_members}人的奇数，未抽取任何专家")
    seed = secrets.randbits(64) if seed is None else int(seed)
    pool = _pool(board.department_id, {r.major for r in requests})
    avoided = _avoided_units(meeting)
    rng = random.Random(seed)
    chosen: set[int] = set()
    steps = []
    for r in requests:
        units = avoided.get(r.group_id, set())
        candidates = [e for e, unit_id in pool.get(r.major, []) if e not in chosen and unit_id not in units]
        if len(candidates) < r.count:
            raise DrawError(f"学科组“{group_names[r.group_id]}”专业“{r.major}”需抽取{r.count}人，专家库中符合条件"
                            f"（在用、非回避单位、未被本次抽中）的专家仅{len(candidates)}人，未抽取任何专家")
        drawn = rng.sample(candidates, r.count)
        chosen.update(drawn)
        steps.append({"group_id": r.group_id, "major": r.major, "count": r.count,
                      "candidates": candidates, "drawn": drawn})
    members = _members(steps)

    with transaction.atomic():
        move_meeting(meeting, "draw")
        db.session.execute(insert(MeetingMember), [
            dict(meeting_id=meeting.id, expert_id=m.expert_id, group_id=m.group_id, role=m.role) for m in members])
        detail = {"format": RECORD_FORMAT, "seed": str(seed), "steps": steps}
        record = DrawRecord(meeting_id=meeting.id, seed=str(seed), drawn_at=now(), drawn_by_id=actor.id,
                            detail=json.dumps(detail, ensure_ascii=False, separators=(",", ":")))
        db.session.add(record)
        db.session.flush()
        audit.record("meeting.draw", meeting, f"评审会议 {meeting.name} 抽取评审专家{total}人（随机种子 {seed}）",
                     actor=actor)
    return record


def replay_draw(record: DrawRecord) -> list[DrawnMember]:
    """The members the record's seed and candidates give, computed again (the audit of a draw)."""
    detail = json.loads(record.detail)
    steps = [{"group_id": s["group_id"], "major": s["major"], "count": s["count"], "candidates": s["candidates"]}
             for s in detail["steps"]]
    return _members(_draw(int(detail["seed"]), steps))


def draw_matches(record: DrawRecord) -> bool:
    """Whether the meeting's members are exactly those the replay of its draw gives."""
    stored = db.session.execute(select(MeetingMember.group_id, MeetingMember.expert_id)
                                .where(MeetingMember.meeting_id == record.meeting_id)).all()
    return sorted(stored) == sorted((m.group_id, m.expert_id) for m in replay_draw(record))
