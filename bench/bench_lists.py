"""List pages, exact lookups and home-page counts at city scale, each against a bare
Flask-Admin ModelView over the same table in the same run.

    .venv/bin/flask --app app demo-data --scale city          # once, with DATABASE_URL set
    DATABASE_URL=... .venv/bin/python bench/bench_lists.py [--n 30]

Prints median / p95 per page (ms) and the ratio of medians ours / bare (--cpu: CPU time of the
request's thread instead of wall time, for a machine busy with other work).
Budgets: ratio ≤ 1.5, p95 ≤ 50 ms; exact lookup ≤ 5 ms; home counts ≤ 50 ms; a 姓名 / 单位名称
search (ILIKE '%…%', pg_trgm GIN indexes on PostgreSQL) ≤ 20 ms p95.

    DATABASE_URL=... .venv/bin/python bench/bench_lists.py --search-only   # only the searches
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CAPTCHA_ENABLED", "0")
# In-process requests only: PostgreSQL's required settings get values for this run.
os.environ.setdefault("SECRET_KEY", "bench-lists-in-process")
os.environ.setdefault("BASE_URL", "http://localhost")
os.environ.setdefault("LOGIN_RATE_LIMIT", "1000 per minute")

from flask_admin import Admin, AdminIndexView  # noqa: E402
from flask_admin.contrib.sqla import ModelView  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bench._common import busiest_reviewer, city_app, login, median_p95  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import (  # noqa: E402
    Expert,
    Material,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    Unit,
    User,
)


def bare_admin(app):
    """Plain ModelViews, no scope, no joins: the baseline a list page is compared with."""
    admin = Admin(app, name="bare", url="/bare", endpoint="bare",
                  index_view=AdminIndexView(endpoint="bare", url="/bare"))
    for model, name in [(Material, "material"), (User, "user"), (Unit, "unit"), (MeetingMaterial, "meeting_material")]:
        view = ModelView(model, db, endpoint=f"bare_{name}", url=f"/bare/{name}")
        view.page_size = 20
        admin.add_view(view)


#: What a request's time is: wall time, or the thread's CPU time (--cpu: what other work on the
#: machine weighs on least; SQLite's work counts, it runs in the thread).
CLOCK = time.perf_counter


def timed(client, url, n):
    client.get(url)  # warm-up
    samples = []
    for _ in range(n):
        t = CLOCK()
        r = client.get(url)
        samples.append((CLOCK() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return median_p95(samples)


def name_searches(app, client, n, failures):
    """The root office's 本部门及下级材料 searched by part of a 姓名 (Flask-Admin ORs ILIKE '%…%'
    over 姓名, 身份证号 and 编号, and counts the matches), and its 注册单位 by part of a 单位名称."""
    from urllib.parse import quote

    with app.app_context():
        # The latest material's applicant: a three-character name, its two-character given name.
        full = db.session.scalar(select(Material.name).where(func.length(Material.name) == 3)
                                 .order_by(Material.id.desc()).limit(1))
        unit_name = db.session.scalar(select(Unit.name).order_by(Unit.id.desc()).limit(1))
        counts = {t: db.session.scalar(select(func.count()).where(Material.name.contains(t)))
                  for t in (full, full[1:])}
        plans = {}
        if db.engine.dialect.name == "postgresql":
            # What the list's search counts: over the three columns, or for two characters over
            # the name with its characters doubled (MaterialListView._apply_search).
            plans[full] = db.session.execute(text(
                "EXPLAIN ANALYZE SELECT count(*) FROM material WHERE name ILIKE :p OR id_card ILIKE :p "
                "OR number ILIKE :p"), {"p": f"%{full}%"}).scalars().all()
            pairs = "".join(c + c for c in full[1:])
            plans[full[1:]] = db.session.execute(text(
                "EXPLAIN ANALYZE SELECT count(*) FROM material WHERE regexp_replace(name, '(.)', '\\1\\1', 'g') "
                "LIKE :d AND name ILIKE :p"), {"d": f"%{pairs}%", "p": f"%{full[1:]}%"}).scalars().all()
    print(f"name searches (root office, {counts[full]} materials match {full}, {counts[full[1:]]} match {full[1:]}; "
          "budget p95 ≤ 20 ms)")
    for label, url in [("本部门及下级材料 (no search)", "/admin/dept_materials/"),
                       (f"本部门及下级材料 姓名 {full}", f"/admin/dept_materials/?search={quote(full)}"),
                       (f"本部门及下级材料 名 {full[1:]}", f"/admin/dept_materials/?search={quote(full[1:])}"),
                       (f"注册单位 单位名称 {unit_name[2:8]}", f"/admin/units/?search={quote(unit_name[2:8])}")]:
        m, p = timed(client, url, n)
        flag = "" if p <= 20 or "no search" in label else "  <-- over budget"
        if flag:
            failures.append(label)
        print(f"  {label:<30} median {m:.1f}  p95 {p:.1f}{flag}")
    for t, plan in plans.items():
        print(f"  EXPLAIN ANALYZE count(*) of the search {t}:")
        for line in plan:
            print(f"    {line}")
    print()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--search-only", action="store_true", help="only the substring searches")
    ap.add_argument("--cpu", action="store_true", help="thread CPU time per request instead of wall time")
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.thread_time
    app, total = city_app()
    if total is None:
        return 2
    bare_admin(app)
    failures = []
    with app.app_context():
        # Representative accounts: a unit with materials, its sub-account, a busy district reviewer, the root office.
        unit_id = db.session.scalar(select(Material.unit_id).group_by(Material.unit_id)
                                    .order_by(func.count().desc()).limit(1))
        unit_user = db.session.scalar(select(User.username).where(User.unit_id == unit_id, User.kind == "unit"))
        sub_user = db.session.scalar(select(User.username).join(Material, Material.creator_id == User.id)
                                     .where(User.unit_id == unit_id).limit(1))
        department, reviewer = busiest_reviewer()
        dept_name = department.name
        sample = db.session.execute(select(Material.id_card, Material.number, Material.unit_id)
                                    .where(Material.unit_id == unit_id).limit(1)).one()
        # 评审: a member of the meeting in 评议 whose 学科组 holds the most materials (2,000 in the city).
        group_id, meeting_id = db.session.execute(
            select(MeetingMaterial.group_id, MeetingMaterial.meeting_id)
            .join(Meeting, Meeting.id == MeetingMaterial.meeting_id).where(Meeting.state == "reviewing")
            .group_by(MeetingMaterial.group_id, MeetingMaterial.meeting_id)
            .order_by(func.count().desc()).limit(1)).one()
        expert_user = db.session.scalar(
            select(User.username).join(Expert, Expert.user_id == User.id)
            .join(MeetingMember, MeetingMember.expert_id == Expert.id)
            .where(MeetingMember.group_id == group_id, MeetingMember.meeting_id == meeting_id).limit(1))
        group_size = db.session.scalar(select(func.count()).select_from(MeetingMaterial)
                                       .where(MeetingMaterial.group_id == group_id))
        print(f"city data: {total} materials; unit {unit_user}, sub-account {sub_user}, "
              f"reviewer {reviewer} ({dept_name}); expert {expert_user} (学科组 of {group_size} materials)\n")

    clients = {u: login(app, u) for u in {unit_user, sub_user, reviewer, "rsj_admin", expert_user}}
    bare = clients["rsj_admin"]
    name_searches(app, clients["rsj_admin"], args.n, failures)
    if args.search_only:
        print("\nover budget: " + (", ".join(failures) if failures else "none"))
        return 0
    cases = [
        ("单位 管理材料", unit_user, "/admin/materials/", "/bare/material/"),
        ("单位 上报材料", unit_user, "/admin/submit/", "/bare/material/"),
        ("单位 被退回的材料", unit_user, "/admin/returned/", "/bare/material/"),
        ("单位 上报材料跟踪", unit_user, "/admin/tracking/", "/bare/material/"),
        ("单位 进入打印", unit_user, "/admin/print/", "/bare/material/"),
        ("单位 工作账号管理", unit_user, "/admin/sub_accounts/", "/bare/user/"),
        ("工作账号 管理材料", sub_user, "/admin/materials/", "/bare/material/"),
        ("部门 待审核材料", reviewer, "/admin/review/", "/bare/material/"),
        ("部门 本部门及下级材料", reviewer, "/admin/dept_materials/", "/bare/material/"),
        ("市人社局 本部门及下级材料", "rsj_admin", "/admin/dept_materials/", "/bare/material/"),
        ("市人社局 待审核材料", "rsj_admin", "/admin/review/", "/bare/material/"),
        ("市人社局 注册单位", "rsj_admin", "/admin/units/", "/bare/unit/"),
        ("市人社局 本部门工作人员", "rsj_admin", "/admin/staff/", "/bare/user/"),
        ("专家 评审材料", expert_user, "/admin/expert_materials/", "/bare/meeting_material/"),
        ("专家 评审材料（本会议）", expert_user, f"/admin/expert_materials/?meeting={meeting_id}",
         "/bare/meeting_material/"),
        ("市人社局 评审会议", "rsj_admin", "/admin/meetings/", "/bare/meeting_material/"),
    ]
    print(f"{'page':<26}{'ours med':>9}{'p95':>8}{'bare med':>10}{'p95':>8}{'ratio':>7}")
    for label, user, ours, base in cases:
        m, p = timed(clients[user], ours, args.n)
        bm, bp = timed(bare, base, args.n)
        ratio = m / bm
        flag = "" if ratio <= 1.5 and p <= 50 else "  <-- over budget"
        if flag:
            failures.append(label)
        print(f"{label:<26}{m:>9.1f}{p:>8.1f}{bm:>10.1f}{bp:>8.1f}{ratio:>7.2f}{flag}")

    print("\nexact lookups (ms, whole request; budget ≤ 5 ms for the query)")
    with app.app_context():
        from zhicheng import scope  # noqa: F401
        for label, cond in [("身份证号", Material.id_card == sample.id_card), ("编号", Material.number == sample.number)]:
            samples = []
            for _ in range(args.n):
                t = time.perf_counter()
                db.session.execute(select(Material.id).where(cond)).all()
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            print(f"  query by {label:<6} median {statistics.median(samples):.2f}  p95 {samples[int(0.95 * len(samples)) - 1]:.2f}")
            if statistics.median(samples) > 5:
                failures.append(f"lookup {label}")
    for label, url in [("身份证号", f"/admin/materials/?search={sample.id_card}"),
                       ("编号", f"/admin/materials/?search={sample.number}")]:
        m, p = timed(clients[unit_user], url, args.n)
        print(f"  单位 管理材料 search {label:<6} median {m:.1f}  p95 {p:.1f}")
        m, p = timed(clients["rsj_admin"], url.replace("/admin/materials/", "/admin/dept_materials/"), args.n)
        print(f"  市人社局 本部门及下级材料 search {label:<6} median {m:.1f}  p95 {p:.1f}")

    print("\nhome page with counts (ms)")
    for label, user in [("单位首页", unit_user), ("部门首页", reviewer), ("市人社局首页", "rsj_admin"),
                        ("专家首页", expert_user)]:
        m, p = timed(clients[user], "/admin/", args.n)
        flag = "" if p <= 50 else "  <-- over budget"
        if flag:
            failures.append(label)
        print(f"  {label:<10} median {m:.1f}  p95 {p:.1f}{flag}")
    print("\nover budget: " + (", ".join(failures) if failures else "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
