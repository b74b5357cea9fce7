"""评审 at volume: the tally of a meeting with 25 members × 500 materials (budget 1 s) and the draw
of 30 评委会' meetings (budget 2 s), on data built here.

    .venv/bin/python bench/bench_boards.py                                  # a temporary SQLite file
    .venv/bin/python bench/bench_boards.py --database-url postgresql+psycopg://…/empty_db

With --database-url the database must be empty: the tables are created and dropped again.
Data: 30 评委会 of 30 departments, 5 学科组 each covering 2 专业, 50 experts per 专家库 (1,500;
a fifth work in a registered unit), 20,000 materials of a 高级评审 project of 500 units, transferred
to the 评委会 (评审中) and spread over the 学科组 (回避 then matters), and one meeting voting with 25
members present, 500 materials and 12,500 ballots cast through bulk inserts, plus 100 cast through
the service.
"""
from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench._common import drop_database  # noqa: E402
from zhicheng import create_app, transaction  # noqa: E402
from zhicheng.accounts.models import KIND_EXPERT, KIND_STAFF, KIND_UNIT  # noqa: E402
from zhicheng.boards import models as bm  # noqa: E402
from zhicheng.boards.draw import DrawRequest, draw_matches, draw_members  # noqa: E402
from zhicheng.boards.meetings import close_meeting  # noqa: E402
from zhicheng.boards.states import BallotChoice, MeetingState, MemberRole  # noqa: E402
from zhicheng.boards.voting import cast_ballot, count_ballots  # noqa: E402
from zhicheng.config import TestConfig  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Material, MaterialState, Project, Unit, User  # noqa: E402
from zhicheng.org.departments import create_department  # noqa: E402

TALLY_BUDGET, DRAW_BUDGET = 1.0, 2.0
BOARDS, GROUPS, MAJORS_PER_GROUP, EXPERTS_PER_MAJOR = 30, 5, 2, 5
UNITS, MATERIALS = 500, 20_000
MEMBERS, VOTED_MATERIALS = 25, 500


def build(rng: random.Random) -> dict:
    pw = generate_password_hash("Bench12345", method="pbkdf2:sha256:1000")
    root = create_department("市人社局", None)
    depts = [create_department(f"组建单位{i:02d}", root) for i in range(BOARDS)]
    manager = User(kind=KIND_STAFF, username="benchadmin", password_hash=pw, department=root, role_admin=True,
                   role_dict=True)
    db.session.add(manager)
    db.session.flush()
    db.session.execute(insert(Unit), [dict(id=i + 1, uscc=f"91330106MA{i:08d}", legal_rep="法人", name=f"单位{i}",
                                           department_id=depts[i % BOARDS].id) for i in range(UNITS)])
    db.session.execute(insert(User), [dict(id=1000 + i, kind=KIND_UNIT, username=f"bunit{i}", password_hash=pw,
                                           unit_id=i + 1) for i in range(UNITS)])
    project = Project(name="高级评审项目", kind="ps_senior", year=2026, start_date=date(2026, 1, 1),
                      end_date=date(2026, 12, 31), issuer=root)
    db.session.add(project)
    db.session.flush()
    # Transferred to the 评委会 (转评委会: 评审中), the only state a meeting takes and records a result for.
    db.session.execute(insert(Material), [dict(
        id=i + 1, number=f"B{i + 1:08d}", project_id=project.id, unit_id=i % UNITS + 1, creator_id=1000 + i % UNITS,
        state=MaterialState.IN_BOARD, name=f"申报人{i}", id_card=f"33010619900101{i % 10000:04d}")
        for i in range(MATERIALS)])

    expert_user, expert_rows, groups = [], [], {}
    major_rows, board_rows, group_rows = [], [], []
    for b, dept in enumerate(depts):
        board_rows.append(dict(id=b + 1, name=f"评委会{b:02d}", department_id=dept.id, level="senior", series="工程",
                               scope="", majors="", min_members=25))
        for g in range(GROUPS):
            gid = b * GROUPS + g + 1
            group_rows.append(dict(id=gid, board_id=b + 1, name=f"学科组{g}"))
            groups[gid] = [f"专业{b}-{g}-{k}" for k in range(MAJORS_PER_GROUP)]
            for major in groups[gid]:
                major_rows.append(dict(group_id=gid, major=major))
                for _ in range(EXPERTS_PER_MAJOR):
                    n = len(expert_rows)
                    expert_user.append(dict(id=10_000 + n, kind=KIND_EXPERT, username=f"bexpert{n}", password_hash=pw,
                                            real_name=f"专家{n}"))
                    expert_rows.append(dict(id=n + 1, user_id=10_000 + n, department_id=dept.id, major=major,
                                            unit_id=rng.randrange(UNITS) + 1 if rng.random() < 0.2 else None,
                                            unit_name="某单位", title="正高级工程师", phone=""))
    db.session.execute(insert(bm.ReviewBoard), board_rows)
    db.session.execute(insert(bm.SubjectGroup), group_rows)
    db.session.execute(insert(bm.SubjectGroupMajor), major_rows)
    db.session.execute(insert(User), expert_user)
    db.session.execute(insert(bm.Expert), expert_rows)

    start = datetime(2026, 12, 1, 9)
    meeting_rows = [dict(id=b + 1, board_id=b + 1, name=f"评委会{b:02d}评审会议", review_start=start,
                         review_end=start + timedelta(days=7), meeting_date=date(2026, 12, 9),
                         state=MeetingState.PREPARING) for b in range(BOARDS)]
    db.session.execute(insert(bm.Meeting), meeting_rows)
    db.session.execute(insert(bm.MeetingMaterial), [dict(
        meeting_id=(i % (BOARDS * GROUPS)) // GROUPS + 1, group_id=i % (BOARDS * GROUPS) + 1, material_id=i + 1)
        for i in range(MATERIALS - VOTED_MATERIALS)])
    if db.engine.dialect.name == "postgresql":  # rows inserted with their ids: move the sequences past them
        for table in (Unit, User, Material, bm.ReviewBoard, bm.SubjectGroup, bm.Expert, bm.Meeting):
            name = table.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT max(id) FROM {name}))"))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum would have gathered them
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return {"manager": manager, "groups": groups}


def bench_draw(manager, groups) -> tuple[float, float]:
    meetings = list(db.session.scalars(select(bm.Meeting).where(bm.Meeting.state == MeetingState.PREPARING)
                                       .order_by(bm.Meeting.id)))
    start = time.perf_counter()
    for meeting in meetings:
        requests = [DrawRequest(gid, major, 3 if k == 0 else 2)
                    for gid, majors in groups.items() if (gid - 1) // GROUPS + 1 == meeting.board_id
                    for k, major in enumerate(majors)]
        draw_members(manager, meeting, requests)
    drawn = time.perf_counter() - start
    transaction.commit()
    committed = time.perf_counter() - start
    assert all(draw_matches(r) for r in db.session.scalars(select(bm.DrawRecord)))
    return drawn, committed


def build_vote(manager) -> bm.Meeting:
    """A meeting of board 1 voting: 25 members present, the last 500 materials, every ballot cast."""
    start = datetime(2026, 12, 1, 9)
    meeting = bm.Meeting(board_id=1, name="表决会议", review_start=start, review_end=start + timedelta(days=7),
                         meeting_date=date(2026, 12, 9), state=MeetingState.VOTING)
    db.session.add(meeting)
    db.session.flush()
    experts = list(db.session.scalars(select(bm.Expert.id).where(bm.Expert.department_id == db.session.get(
        bm.ReviewBoard, 1).department_id).order_by(bm.Expert.id).limit(MEMBERS)))
    db.session.execute(insert(bm.MeetingMember), [dict(meeting_id=meeting.id, expert_id=e, group_id=1, present=True,
                                                       role=MemberRole.MEMBER) for e in experts])
    db.session.execute(insert(bm.MeetingMaterial), [dict(meeting_id=meeting.id, group_id=1, material_id=m)
                                                     for m in range(MATERIALS - VOTED_MATERIALS + 1, MATERIALS + 1)])
    db.session.flush()
    members = list(db.session.scalars(select(bm.MeetingMember).where(bm.MeetingMember.meeting_id == meeting.id)))
    mms = list(db.session.scalars(select(bm.MeetingMaterial.id).where(bm.MeetingMaterial.meeting_id == meeting.id)
                                  .order_by(bm.MeetingMaterial.id)))
    choices = list(BallotChoice)
    # Materials registered by an expert's own unit would refuse his ballot: none here (no unit).
    for e in db.session.scalars(select(bm.Expert).where(bm.Expert.id.in_(experts))):
        e.unit_id = None
    db.session.commit()
    # 100 through the service (4 materials × 25 members), the rest in bulk.
    timings = []
    for mm_id in mms[:4]:
        for member in members:
            t = time.perf_counter()
            cast_ballot(member.expert.user, mm_id, BallotChoice.APPROVE)
            transaction.commit()
            timings.append(time.perf_counter() - t)
    rng = random.Random(7)
    receipts, ballots = [], []
    for mm_id in mms[4:]:
        for member in members:
            receipts.append(dict(meeting_material_id=mm_id, member_id=member.id))
            ballots.append(dict(id=secrets.token_hex(16), meeting_material_id=mm_id, choice=rng.choice(choices)))
    db.session.execute(insert(bm.BallotReceipt), receipts)
    db.session.execute(insert(bm.Ballot), ballots)
    db.session.commit()
    print(f"cast_ballot through the service (with its commit): median {statistics.median(timings) * 1000:.1f} ms, "
          f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.1f} ms over {len(timings)} ballots")
    return meeting


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=5, help="runs of the tally (median)")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp), args.database_url))
        with app.app_context():
            db.create_all()
            try:
                t = time.perf_counter()
                data = build(random.Random(2026))
                print(f"{db.engine.dialect.name}: built {BOARDS} 评委会, {BOARDS * GROUPS} 学科组, "
                      f"{BOARDS * GROUPS * MAJORS_PER_GROUP * EXPERTS_PER_MAJOR} experts, {MATERIALS} materials "
                      f"in {time.perf_counter() - t:.1f} s")
                drawn, committed = bench_draw(data["manager"], data["groups"])
                print(f"draw of {BOARDS} meetings (25 members each, 回避 against "
                      f"{MATERIALS - VOTED_MATERIALS} materials): {drawn:.3f} s, {committed:.3f} s with the commit "
                      f"(budget {DRAW_BUDGET:.0f} s); every draw replays to its members")
                ok &= committed <= DRAW_BUDGET
                meeting = build_vote(data["manager"])
                timings = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    counts = count_ballots(meeting)
                    timings.append(time.perf_counter() - t)
                assert len(counts) == VOTED_MATERIALS
                assert sum(c.approve + c.reject + c.abstain for c in counts.values()) == MEMBERS * VOTED_MATERIALS
                tally_s = statistics.median(timings)
                t = time.perf_counter()
                results = close_meeting(data["manager"], meeting)
                transaction.commit()
                close_s = time.perf_counter() - t
                assert len(results) == VOTED_MATERIALS
                print(f"tally of {MEMBERS} members × {VOTED_MATERIALS} materials ({MEMBERS * VOTED_MATERIALS} "
                      f"ballots): median {tally_s:.3f} s over {args.runs} runs (max {max(timings):.3f} s); "
                      f"closing (tally, {VOTED_MATERIALS} results and audit rows, commit) {close_s:.3f} s "
                      f"(budget {TALLY_BUDGET:.0f} s)")
                ok &= tally_s <= TALLY_BUDGET and close_s <= TALLY_BUDGET
            finally:
                drop_database(args.database_url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
