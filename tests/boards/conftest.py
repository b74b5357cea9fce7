"""A 高级评委会 of the root office with two 学科组, a 专家库 and a meeting holding approved
materials, built through the services (as requests would, each followed by its commit).

The pools are sized so that every eligible expert is drawn: the members are known whatever the
seed. 计算机组 holds unit A's materials and 建筑组 unit B's; 计算机应用 has 3 experts of unit A
(never drawn: 回避), 1 of unit B (drawn into 计算机组, recused from unit B's material) and 12 of
other units; 建筑工程 has 12 experts, 2 of them of unit A's department's other units.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from zhicheng import transaction
from zhicheng.boards import boards, meetings
from zhicheng.boards.draw import DrawRequest, draw_members
from zhicheng.extensions import db
from zhicheng.models import Expert, Material, MaterialState, Meeting, MeetingMaterial, MeetingMember, ReviewBoard

from .. import factories


@dataclass
class Setup:
    org: object
    manager: object
    board: ReviewBoard
    cs: object  # 计算机组
    arch: object  # 建筑组
    meeting: Meeting
    materials: dict[str, Material]
    experts: dict[str, list[Expert]] = field(default_factory=dict)

    def requests(self, cs: int = 13, arch: int = 12) -> list[DrawRequest]:
        return [DrawRequest(self.cs.id, "计算机应用", cs), DrawRequest(self.arch.id, "建筑工程", arch)]

    def mm(self, key: str) -> MeetingMaterial:
        return db.session.scalar(select(MeetingMaterial).where(
            MeetingMaterial.meeting_id == self.meeting.id, MeetingMaterial.material_id == self.materials[key].id))

    def members(self) -> list[MeetingMember]:
        return list(db.session.scalars(select(MeetingMember).where(MeetingMember.meeting_id == self.meeting.id)
                                       .order_by(MeetingMember.id)))

    def member_of(self, expert: Expert) -> MeetingMember | None:
        return db.session.scalar(select(MeetingMember).where(MeetingMember.meeting_id == self.meeting.id,
                                                             MeetingMember.expert_id == expert.id))


def approved(project, creator, name, seq) -> Material:
    m = factories.material(project, creator, name=name, seq=seq)
    db.session.execute(update(Material).where(Material.id == m.id).values(state=MaterialState.IN_BOARD))  # 初审, then 转评委会
    db.session.commit()
    db.session.expire_all()
    return m


def add_experts(manager, department, major, n, prefix, unit=None) -> list[Expert]:
    made = []
    for i in range(n):
        expert, _ = boards.add_expert(manager, department, f"{prefix}{i:02d}", f"{prefix}专家{i}", major,
                                      title="正高级工程师", phone="13900000000", unit=unit,
                                      unit_name="" if unit else "某研究院")
        made.append(expert)
    transaction.commit()
    return made


def new_meeting(s: Setup, name: str) -> Meeting:
    start = datetime(2026, 12, 1, 9, 0)
    meeting = meetings.create_meeting(s.manager, s.board, name, start, start + timedelta(days=7),
                                      (start + timedelta(days=8)).date())
    transaction.commit()
    return meeting


@pytest.fixture
def setup(org) -> Setup:
    root_admin = org["root"]
    unit_c, _ = factories.unit("丙单位设计院", org.xihu, "unitc", 3)
    db.session.commit()
    board = boards.create_board(root_admin, "杭州市工程系列高级评委会", org.root, "senior", series="工程",
                                scope="在杭单位", majors="计算机应用、建筑工程")
    cs = boards.add_subject_group(root_admin, board, "计算机组", ["计算机应用"])
    arch = boards.add_subject_group(root_admin, board, "建筑组", ["建筑工程"])
    transaction.commit()
    experts = {
        "cs_a": add_experts(root_admin, org.root, "计算机应用", 3, "csa", unit=org.unit_a),
        "cs_b": add_experts(root_admin, org.root, "计算机应用", 1, "csb", unit=org.unit_b),
        "cs": add_experts(root_admin, org.root, "计算机应用", 12, "cs"),
        "arch_c": add_experts(root_admin, org.root, "建筑工程", 2, "arc", unit=unit_c),
        "arch": add_experts(root_admin, org.root, "建筑工程", 10, "ar"),
    }
    project = org.projects["xihu_junior"]
    materials = {
        "a1": approved(project, org["unit_a"], "甲一", 1),
        "a2": approved(project, org["unit_a"], "甲二", 2),
        "b1": approved(org.projects["edu_rd"], org["unit_b"], "乙一", 3),
    }
    s = Setup(org, root_admin, board, cs, arch, None, materials, experts)
    s.meeting = new_meeting(s, "2026年度第一次评审会议")
    meetings.assign_materials(root_admin, s.meeting, cs, [materials["a1"].id, materials["a2"].id])
    meetings.assign_materials(root_admin, s.meeting, arch, [materials["b1"].id])
    transaction.commit()
    return s


def draw(s: Setup, seed=None, **counts):
    record = draw_members(s.manager, s.meeting, s.requests(**counts), seed=seed)
    transaction.commit()
    return record


def to_voting(s: Setup, absent: int = 0) -> list[MeetingMember]:
    """Draw, 评议, then attendance with the last `absent` members away; returns those present."""
    draw(s)
    meetings.start_review(s.manager, s.meeting)
    members = s.members()
    present = members[:len(members) - absent]
    meetings.open_voting(s.manager, s.meeting, [m.id for m in present])
    transaction.commit()
    return present
