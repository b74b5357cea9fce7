"""统计分析 at city scale: the whole page (GET /admin/stats/, charts' JSON and tables, in-process) for
the root office and a busy 归口部门, unfiltered and with each filter, and the xlsx download.

    export DATABASE_URL=sqlite:////…/city.sqlite
    .venv/bin/flask --app app db upgrade
    .venv/bin/flask --app app demo-data --scale city          # once, about 70 s
    .venv/bin/python bench/bench_stats.py [--n 40]

Budget: p95 ≤ 200 ms per page. Prints median / p95 of the wall time and p95 of the thread's CPU time
(ms) per case (on SQLite the CPU time is the wall time of a quiet machine), and the SQL statements of one
page with their time (the statements read ix_material_state_project_series and
ix_material_unit_state_project_series; see zhicheng/stats/models.py).
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
os.environ.setdefault("SECRET_KEY", "bench-stats-in-process")
os.environ.setdefault("BASE_URL", "http://localhost")
os.environ.setdefault("LOGIN_RATE_LIMIT", "1000 per minute")

from sqlalchemy import event, func, select, text  # noqa: E402

from bench._common import city_app, login, p95  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Department, Unit, User  # noqa: E402

P95_BUDGET_MS = 200.0


def timed(client, url, n):
    """Median and p95 of the wall time, and p95 of this thread's CPU time (ms): on SQLite the request
    runs in this thread, so its CPU time is what the wall time would be on a quiet machine."""
    first = client.get(url)  # warm-up
    assert first.status_code == 200, (url, first.status_code)
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.thread_time()
        r = client.get(url)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(wall), p95(wall), p95(cpu)


def statements(app, client, url):
    """The statements of one request with the time each took to its last row."""
    found = []
    started = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        found.append([statement.split("\n", 1)[0][:110], started.pop(id(cursor), time.perf_counter())])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        try:
            t = time.perf_counter()
            client.get(url)
            total = (time.perf_counter() - t) * 1000
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
            event.remove(db.engine, "after_cursor_execute", after)
    # SQLite runs a statement as its rows are fetched: each one's time runs to the next's start.
    ends = [s for _, s in found[1:]] + [None]
    return total, [(sql, None if end is None else (end - start) * 1000) for (sql, start), end in zip(found, ends)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    app, total = city_app()
    if total is None:
        return 2
    with app.app_context():
        # The first-level department with the most units under it, and its 审核经办.
        bureau = db.session.execute(
            select(Department.id, Department.name).join(Unit, Unit.department_id == Department.id)
            .where(Department.depth == 1).group_by(Department.id, Department.name)
            .order_by(func.count().desc()).limit(1)).one()
        reviewer = db.session.scalar(select(User.username).where(User.department_id == bureau.id,
                                                                 User.role_review.is_(True)).limit(1))
        year = db.session.scalar(text("SELECT max(year) - 2 FROM project"))
        print(f"city data: {total} materials ({db.engine.dialect.name}); 归口部门 {bureau.name} ({reviewer})\n")

    clients = {u: login(app, u) for u in ("rsj_admin", reviewer)}
    cases = [
        ("市人社局 全部", "rsj_admin", "/admin/stats/"),
        ("市人社局 年度", "rsj_admin", f"/admin/stats/?year={year}"),
        ("市人社局 系列+级别", "rsj_admin", "/admin/stats/?series=工程&level=junior"),
        ("市人社局 部门", "rsj_admin", f"/admin/stats/?department={bureau.id}"),
        ("市人社局 导出Excel", "rsj_admin", "/admin/stats/download"),
        ("归口部门 全部", reviewer, "/admin/stats/"),
        ("归口部门 年度+系列", reviewer, f"/admin/stats/?year={year}&series=工程"),
    ]
    failures = []
    print(f"{'case':<22}{'median':>9}{'p95':>9}{'cpu p95':>9}")
    for label, user, url in cases:
        m, p, cpu = timed(clients[user], url, args.n)
        flag = "" if p <= P95_BUDGET_MS else "  over budget"
        if flag:
            failures.append(label)
        print(f"{label:<22}{m:>9.1f}{p:>9.1f}{cpu:>9.1f}{flag}")
    page_ms, stmts = statements(app, clients["rsj_admin"], "/admin/stats/")
    print(f"\n市人社局 全部, one request {page_ms:.1f} ms; its statements:")
    for sql, ms in stmts:
        print(f"  {'' if ms is None else f'{ms:7.1f}'}  {sql}")
    print("\nover budget: " + (", ".join(failures) if failures else "none"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
