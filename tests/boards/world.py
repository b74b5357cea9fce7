"""A small 评审 world for the role × URL matrices: a 评委会 of the root office whose meeting is
voting, with an expert of 学科组 A, one of 学科组 B and one of unit B (recused from unit B's
material), a second meeting of it in 评议 (expert_a 组长 of 学科组 A, expert_recused its member
who declared a conflict for one of its two materials, expert_b alone in 学科组 B), and a second
评委会 whose meeting is closed, with its one expert (its material filled by a 工作账号). The experts join
the test organisation's users as expert_a, expert_b, expert_recused and expert_closed."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from zhicheng import transaction
from zhicheng.boards import boards, meetings
from zhicheng.boards.draw import DrawRequest, draw_members
from zhicheng.extensions import db
from zhicheng.boards.voting import declare_conflict
from zhicheng.models import Material, MaterialState, Meeting, MeetingMaterial, MeetingMember

from .. import factories

EXPERT_ROLES = ["expert_a", "expert_b", "expert_recused", "expert_closed"]


def _approved(project, creator, name, seq) -> Material:
    m = factories.material(project, creator, name=name, seq=seq)
    db.session.execute(update(Material).where(Material.id == m.id).values(state=MaterialState.IN_BOARD))  # 初审, then 转评委会
    db.session.commit()
    return m


def _expert(org, key, major, unit=None):
    expert, _ = boards.add_expert(org["root"], org.root, key.replace("_", ""), f"{key}专家", major,
                                  unit=unit, unit_name="" if unit else "某研究院")
    expert.user.password_hash = factories.pw_hash()
    expert.user.must_change_password = False
    org.users[key] = expert.user
    return expert


def _meeting(root, board, name) -> Meeting:
    start = datetime(2026, 12, 1, 9, 0)
    return meetings.create_meeting(root, board, name, start, start + timedelta(days=7),
                                   (start + timedelta(days=8)).date())


def populate_boards(org) -> dict:
    """Build the world (once per organisation) and return its meetings and materials."""
    if getattr(org, "boards_world", None) is not None:
        return org.boards_world
    root = org["root"]
    board = boards.create_board(root, "矩阵测试高级评委会", org.root, "senior", min_members=3)
    group_a = boards.add_subject_group(root, board, "计算机组", ["计算机应用"])
    group_b = boards.add_subject_group(root, board, "建筑组", ["建筑工程"])
    closed_board = boards.create_board(root, "矩阵测试中级评委会", org.root, "middle", min_members=1)
    group_c = boards.add_subject_group(root, closed_board, "电气组", ["电气工程"])
    _expert(org, "expert_a", "计算机应用")
    _expert(org, "expert_recused", "计算机应用", unit=org.unit_b)
    _expert(org, "expert_b", "建筑工程")
    _expert(org, "expert_closed", "电气工程")
    transaction.commit()
    mats = {"a": _approved(org.projects["xihu_junior"], org["unit_a"], "评审甲", 31),
            "b": _approved(org.projects["edu_rd"], org["unit_b"], "评审乙", 32),
            "c": _approved(org.projects["xihu_junior"], org["sub_a_full"], "评审丙", 33),
            "ra1": _approved(org.projects["xihu_junior"], org["unit_a"], "评议甲一", 34),
            "ra2": _approved(org.projects["xihu_junior"], org["unit_a"], "评议甲二", 35),
            "rb": _approved(org.projects["edu_rd"], org["unit_b"], "评议乙", 36)}
    voting = _meeting(root, board, "矩阵测试表决中会议")
    closed = _meeting(root, closed_board, "矩阵测试已结束会议")
    reviewing = _meeting(root, board, "矩阵测试评议中会议")
    meetings.assign_materials(root, voting, group_a, [mats["a"].id])
    meetings.assign_materials(root, voting, group_b, [mats["b"].id])
    meetings.assign_materials(root, closed, group_c, [mats["c"].id])
    meetings.assign_materials(root, reviewing, group_a, [mats["ra1"].id, mats["ra2"].id])
    meetings.assign_materials(root, reviewing, group_b, [mats["rb"].id])
    transaction.commit()
    for m in (voting, reviewing):
        draw_members(root, m, [DrawRequest(group_a.id, "计算机应用", 2), DrawRequest(group_b.id, "建筑工程", 1)])
    draw_members(root, closed, [DrawRequest(group_c.id, "电气工程", 1)])
    transaction.commit()
    for m in (voting, closed):
        meetings.start_review(root, m)
        ids = list(db.session.scalars(select(MeetingMember.id).where(MeetingMember.meeting_id == m.id)))
        meetings.open_voting(root, m, ids)
    meetings.close_meeting(root, closed)
    # 评议中: expert_a is 计算机组's 组长, expert_recused its member, recused from 评议甲二 by his declaration.
    members = {m.expert.user_id: m for m in db.session.scalars(
        select(MeetingMember).where(MeetingMember.meeting_id == reviewing.id))}
    meetings.appoint_leader(root, members[org["expert_a"].id])
    meetings.start_review(root, reviewing)
    transaction.commit()
    ra2 = db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.material_id == mats["ra2"].id))
    declare_conflict(org["expert_recused"], ra2, "近亲属")
    transaction.commit()
    world = {"voting": voting, "closed": closed, "reviewing": reviewing, "materials": mats,
             "members": {key: members[org[key].id].id for key in ("expert_a", "expert_recused", "expert_b")}}
    org.boards_world = world
    return world
