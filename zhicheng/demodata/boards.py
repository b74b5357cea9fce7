"""评审 demo data: the small demo's 评委会 with a 学科组, experts and a meeting ready to draw, and
the city's 30 评委会, 150 学科组, 1,500 experts and 20,000 评审-ready materials (bulk inserts).

The small demo goes through the services, as the pages would; the city writes rows in bulk and
then runs one meeting through the draw and into 评议, so that an expert has a 学科组 of 2,000
materials to read (the benchmark's list).
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_EXPERT
from zhicheng.boards import boards, meetings
from zhicheng.boards import models as bm
from zhicheng.boards.draw import DrawRequest, draw_members
from zhicheng.boards.states import DEFAULT_MIN_MEMBERS, BoardLevel, MeetingState
from zhicheng.demodata.materials import add_material
from zhicheng.extensions import db
from zhicheng.models import Department, Material, MaterialState, Project, ReviewRecord, User

DEMO_EXPERTS = [("zj001", "周明远", "正高级工程师", "浙江大学"), ("zj002", "吴晓峰", "正高级工程师", "杭州电子科技大学"),
                ("zj003", "郑丽华", "高级工程师", "浙江工业大学"), ("zj004", "王建平", "正高级工程师", "中国美术学院"),
                ("zj005", "冯志刚", "高级工程师", "杭州师范大学"), ("zj006", "陈静", "正高级工程师", "浙江科技学院"),
                ("zj007", "褚国庆", "高级工程师", "浙江传媒学院")]
DEMO_APPLICANTS = ["林晓东", "黄文静", "徐浩然"]  # the first meeting's, ready to draw
DEMO_REVIEWED = ["何思远", "蒋雨桐"]  # the second meeting's, in 评议


def load_demo_boards(root_admin: User, root: Department, unit_user: User, reviewer: User,
                     password: str, today: date) -> list[tuple[str, str, str]]:
    """A 中级评委会 of the root office with its 计算机组, seven experts (zj001–zj007; zj007 changes
    his password at first login), its 评审 project, a meeting holding three materials of it that
    passed 初审 and were transferred (转评委会), ready to draw, and a second meeting with two more in
    学科组评议 (all seven drawn, zj001 the 组长)."""
    from stdnum.cn import ric

    from zhicheng.review.workflow import pass_materials, submit_materials, transfer_to_board
    board = boards.create_board(root_admin, "杭州市工程系列中级评审委员会", root, BoardLevel.MIDDLE, series="工程",
                                scope="在杭单位中从事工程技术工作的人员", majors="计算机应用、软件工程",
                                min_members=5, code="01")
    group = boards.add_subject_group(root_admin, board, "计算机组", ["计算机应用", "软件工程"])
    hashed = passwords.hash_chosen(password)
    for i, (username, name, title, unit_name) in enumerate(DEMO_EXPERTS):
        expert, _ = boards.add_expert(root_admin, root, username, name, "计算机应用", title=title, unit_name=unit_name)
        expert.user.password_hash = hashed
        expert.user.must_change_password = i == len(DEMO_EXPERTS) - 1
    # The 评审 project the three applied to: published by the 评委会's 组建单位 for it.
    project = Project(name=f"{today.year}年度杭州市工程系列中级专业技术资格评审", kind="ps_middle", year=today.year,
                      series="工程", majors="计算机应用、软件工程", scope="在杭单位中从事工程技术工作的人员",
                      requirements=f"关于{today.year}年度杭州市工程系列中级专业技术资格评审工作的通知：请申报人先阅读"
                                   "真实性承诺，再按要求填写材料。", start_date=today - timedelta(days=30),
                      end_date=today + timedelta(days=30), issuer=root, board_id=board.id)
    db.session.add(project)
    db.session.flush()
    ids = []
    for i, name in enumerate(DEMO_APPLICANTS + DEMO_REVIEWED):
        birth = date(1985 + i, 3, 12)
        body = f"330106{birth:%Y%m%d}{301 + i:03d}"
        m = add_material(project, unit_user, name, gender="男女"[i % 2], birth_date=birth,
                         id_card=body + ric.calc_check_digit(body + "0"), work_start_date=date(2009 + i, 7, 1),
                         current_title="技术骨干", achievements="主持完成单位核心业务系统的设计与实施。")
        ids.append(m.id)
    submit_materials(unit_user, ids, "张建国", "13900001111", today=today)
    pass_materials(reviewer, ids)
    pass_materials(root_admin, ids)  # 初审 done at the 职改部门 that published the project
    transfer_to_board(root_admin, ids)
    start = datetime.combine(today, datetime.min.time()).replace(hour=9)
    meeting = meetings.create_meeting(root_admin, board, f"{today.year}年度工程系列中级评审会议（第一次）", start,
                                      start + timedelta(days=7), today + timedelta(days=8))
    first = len(DEMO_APPLICANTS)
    meetings.assign_materials(root_admin, meeting, group, ids[:first])
    # A second meeting already in 评议: all seven experts drawn (recorded seed), zj001 the 组长.
    second = meetings.create_meeting(root_admin, board, f"{today.year}年度工程系列中级评审会议（第二次）", start,
                                     start + timedelta(days=7), today + timedelta(days=9))
    meetings.assign_materials(root_admin, second, group, ids[first:])
    draw_members(root_admin, second, [DrawRequest(group.id, "计算机应用", len(DEMO_EXPERTS))], seed=20261206)
    leader = db.session.scalar(select(bm.MeetingMember).join(bm.Expert, bm.Expert.id == bm.MeetingMember.expert_id)
                               .join(User, User.id == bm.Expert.user_id)
                               .where(bm.MeetingMember.meeting_id == second.id,
                                      User.username == DEMO_EXPERTS[0][0]))
    meetings.appoint_leader(root_admin, leader)
    meetings.start_review(root_admin, second)
    db.session.flush()
    return [("zj001", password, f"评审专家，“{second.name}”计算机组组长（评议中：填写评议意见，提交学科组评议意见）"),
            ("zj002 … zj006", password, f"评审专家，“{second.name}”计算机组组员（评议中：填写评议意见）；"
                                        f"“{meeting.name}”待抽取"),
            ("zj007", password, "评审专家，计算机组组员（首次登录须修改密码）")]


def load_city_boards(rng: random.Random, root_admin: User, departments: list[Department], password_hash: str,
                     boards_n: int = 30, groups_per_board: int = 5, experts_n: int = 1500,
                     review_materials: int = 20_000, big_group: int = 2000, insert=None) -> dict:
    """Bulk: `boards_n` 评委会 (formed in turn by the root office and the first-level departments),
    `groups_per_board` 学科组 each, `experts_n` experts spread over the 组建单位's 专家库, and
    `review_materials` 审核通过 materials assigned to one 筹备 meeting per 评委会 — the first 学科组
    holding `big_group` of them; that first meeting is then drawn and put in 评议."""
    from zhicheng.demodata.demo import DICTS
    majors = DICTS["major"]
    formers = [departments[i % len(departments)] for i in range(boards_n)]
    board_rows = []
    for i, dept in enumerate(formers):
        level = BoardLevel.MIDDLE if i % 2 == 0 else BoardLevel.SENIOR
        board_rows.append(bm.ReviewBoard(
            name=f"杭州市第{i + 1}评审委员会（{dept.name}{'中级' if level == BoardLevel.MIDDLE else '高级'}）",
            department_id=dept.id, level=level, series=rng.choice(DICTS["series"]), scope=f"{dept.name}组建",
            majors="、".join(majors), min_members=DEFAULT_MIN_MEMBERS[level]))
    db.session.add_all(board_rows)
    db.session.flush()
    groups = []
    for board in board_rows:
        for g in range(groups_per_board):
            covered = [majors[(g * 2) % len(majors)], majors[(g * 2 + 1) % len(majors)]]
            groups.append(bm.SubjectGroup(board_id=board.id, name=f"第{g + 1}学科组",
                                          major_rows=[bm.SubjectGroupMajor(major=m) for m in covered]))
    db.session.add_all(groups)
    db.session.flush()

    # Experts: accounts and 专家库 rows, spread over the departments that form a 评委会.
    next_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    next_expert = (db.session.scalar(select(func.max(bm.Expert.id))) or 0) + 1
    pools = list(dict.fromkeys(d.id for d in formers))
    user_rows, expert_rows = [], []
    for i in range(experts_n):
        uid = next_user + i
        user_rows.append(dict(id=uid, kind=KIND_EXPERT, username=f"e{i:05d}", password_hash=password_hash,
                              enabled=True, must_change_password=False, real_name=f"专家{i:05d}", phone="",
                              email="", id_card=""))
        expert_rows.append(dict(id=next_expert + i, user_id=uid, department_id=pools[i % len(pools)],
                                major=majors[(i // len(pools)) % len(majors)], unit_name="某研究院",
                                title=rng.choice(["高级工程师", "正高级工程师"]), phone="", active=True))
    insert(User, user_rows)
    insert(bm.Expert, expert_rows)
    db.session.flush()

    # One 筹备 meeting per 评委会; materials that passed 初审 and no meeting holds yet, the first group's
    # share first.
    meeting_rows = []
    for board in board_rows:
        start = datetime(2026, 11, 2, 9, 0)
        meeting_rows.append(bm.Meeting(board_id=board.id, name=f"{board.name}2026年度评审会议", review_start=start,
                                       review_end=start + timedelta(days=10), meeting_date=date(2026, 11, 13),
                                       state=MeetingState.PREPARING))
    db.session.add_all(meeting_rows)
    db.session.flush()
    meeting_of = {m.board_id: m.id for m in meeting_rows}
    held = select(bm.MeetingMaterial.material_id)
    ids = list(db.session.scalars(select(Material.id).where(Material.state == MaterialState.APPROVED,
                                                            Material.id.not_in(held))
                                  .order_by(Material.id).limit(review_materials)))
    # 转评委会: each of them has passed 初审 and is handed to the 评委会 (评审中), as its 审核记录 says.
    at = datetime(2026, 11, 1, 9, 0)
    db.session.execute(update(Material).where(Material.id.in_(ids))
                       .values(state=MaterialState.IN_BOARD, current_department_id=None, version=Material.version + 1))
    insert(ReviewRecord, [dict(material_id=mid, action="to_board", department_id=None, to_department_id=None,
                               actor_id=root_admin.id, actor_name=root_admin.display_name, reason="转评委会评审",
                               state_after=MaterialState.IN_BOARD.value, at=at) for mid in ids])
    first, rest = ids[:big_group], ids[big_group:]
    mm_rows = [dict(meeting_id=meeting_of[groups[0].board_id], material_id=mid, group_id=groups[0].id)
               for mid in first]
    others = groups[1:] or groups
    for k, mid in enumerate(rest):
        g = others[k % len(others)]
        mm_rows.append(dict(meeting_id=meeting_of[g.board_id], material_id=mid, group_id=g.id))
    insert(bm.MeetingMaterial, mm_rows)
    db.session.flush()

    # The first meeting: drawn (its first group's two 专业) and in 评议.
    meeting = db.session.get(bm.Meeting, meeting_rows[0].id)
    board = board_rows[0]
    group = groups[0]
    counts = {m: 0 for m in group.majors}
    total = board.min_members
    for k in range(total):
        counts[group.majors[k % len(group.majors)]] += 1
    drawn = False
    try:
        draw_members(root_admin, meeting, [DrawRequest(group.id, m, n) for m, n in counts.items()],
                     seed=rng.randrange(2 ** 32))
        meetings.start_review(root_admin, meeting)
        drawn = True
    except boards.BoardError:  # a pool too small at test sizes: the meeting stays 筹备
        pass
    return {"boards": len(board_rows), "groups": len(groups), "experts": experts_n,
            "review_materials": len(mm_rows), "reviewing_meeting": meeting.id if drawn else None,
            "big_group": group.id}
