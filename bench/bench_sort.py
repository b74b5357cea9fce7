"""组合排序 on 高中级申报信息管理 at city scale: the root office's list (every submitted material of
the city) and a district's, sorted over two and three columns, whole requests in-process.

    export DATABASE_URL=sqlite:////…/city.sqlite     # or postgresql+psycopg://…
    .venv/bin/flask --app app db upgrade && .venv/bin/flask --app app demo-data --scale city   # once
    .venv/bin/python bench/bench_sort.py [--n 30]

Prints median / p95 (ms) per order and the query plan of the page's id query. Budget: a combined
sort over two columns on the root office's list ≤ 50 ms p95. The two sorts the page offers ready-made
(单位 then 姓名; 系列 then 资格 then 上报时间) read an index in order and stop at the page's end
(ix_material_unit_name, ix_material_series_qualification); an order no index serves sorts the
matching rows, which the table below shows too.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CAPTCHA_ENABLED", "0")
os.environ.setdefault("SECRET_KEY", "bench-sort-in-process")
os.environ.setdefault("BASE_URL", "http://localhost")
os.environ.setdefault("LOGIN_RATE_LIMIT", "1000 per minute")

from sqlalchemy import select, text  # noqa: E402

from bench._common import busiest_reviewer, city_app, login, median_p95  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import User  # noqa: E402

ROOT = "rsj_admin"
#: (label, order, budgeted): the budget is for two-column sorts on the root office's list.
ORDERS = [
    ("默认（最新在前）", "", False),
    ("单位、姓名", "unit,name", True),
    ("系列、资格", "series,qualification", True),
    ("系列、资格、上报时间", "series,qualification,submitted_at", False),
    ("姓名、上报时间", "name,submitted_at", True),
    ("上报时间（降序）、姓名", "-submitted_at,name", True),
    ("单位、上报时间（降序）", "unit,-submitted_at", True),
    ("编号、姓名", "number,name", True),
    ("申报项目、姓名", "project,name", True),
    ("资格、姓名", "qualification,name", True),
    ("学历、上报时间", "education,submitted_at", True),
    ("学历、姓名", "education,name", True),
    ("出生日期、姓名", "birth_date,name", True),
    ("现有资格、上报时间", "current_qualification,submitted_at", True),
    ("申报专业、工作单位", "major,unit", True),
    ("学历、申报资格", "education,qualification", True),
]


def timed(client, url, n):
    r = client.get(url)  # warm-up
    assert r.status_code == 200, (url, r.status_code)
    assert "排序字段不正确" not in r.get_data(as_text=True), url
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return median_p95(samples)


def plan(app, username, order) -> list[str]:
    from zhicheng.declare import listing
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        conds = listing.conditions(user, listing.DeclareFilters())
        stmt = listing.ids_statement(conds, listing.parse_order(order)).limit(20)
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        return [" ".join(str(c) for c in row) for row in db.session.execute(text(prefix + sql))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--plans", action="store_true", help="print the id query's plan for each order")
    args = ap.parse_args()
    app, total = city_app()
    if total is None:
        return 2
    with app.app_context():
        department, reviewer = busiest_reviewer()
        print(f"{db.engine.dialect.name}, {total} materials; root office {ROOT}, district reviewer {reviewer} "
              f"({department.name})\n")
    clients = {u: login(app, u) for u in (ROOT, reviewer)}
    failures = []
    for label, url in (("对照：打印空白表格页（页面框架）", "/admin/blank_forms/"),
                       ("对照：本部门及下级材料（Flask-Admin 列表）", "/admin/dept_materials/")):
        m, p = timed(clients[ROOT], url, args.n)
        print(f"{label:<38} root median {m:.1f}  p95 {p:.1f}")
    print()
    print(f"{'高中级申报信息管理, 组合排序':<28}{'root med':>9}{'p95':>8}{'district med':>14}{'p95':>8}")
    for label, order, budgeted in ORDERS:
        url = "/admin/declare/" + (f"?order={order}" if order else "")
        m, p = timed(clients[ROOT], url, args.n)
        dm, dp = timed(clients[reviewer], url, args.n)
        flag = "  <-- over budget" if budgeted and p > 50 else ""
        if flag:
            failures.append(label)
        print(f"{label:<28}{m:>9.1f}{p:>8.1f}{dm:>14.1f}{dp:>8.1f}{flag}")
        if args.plans:
            for line in plan(app, ROOT, order):
                print(f"      {line}")
    print("\nthe root office's queries alone (ms): the 20 ids of page 1 and of page 50 in each order "
          "(listing.page_ids), and the count")
    with app.app_context(), app.test_request_context():
        from zhicheng.declare import listing
        from zhicheng.exporting.services import count_materials
        user = db.session.scalar(select(User).where(User.username == ROOT))
        conds = listing.conditions(user, listing.DeclareFilters())
        total = count_materials(conds)
        for label, order, _ in ORDERS:
            parsed = listing.parse_order(order)
            m, p = timed_call(lambda parsed=parsed: listing.page_ids(conds, parsed, 0, 20, total), args.n)
            m50, p50 = timed_call(lambda parsed=parsed: listing.page_ids(conds, parsed, 980, 20, total), args.n)
            print(f"  {label:<26} page 1 median {m:7.1f}  p95 {p:7.1f}   page 50 median {m50:7.1f}  p95 {p50:7.1f}")
        m, p = timed_call(lambda: count_materials(conds), args.n)
        print(f"  {'count':<26} median {m:7.1f}  p95 {p:7.1f}")
    print("\nover budget (two-column sorts, root office, p95 > 50 ms): " + (", ".join(failures) if failures else "none"))
    return 0


def timed_call(fn, n):
    fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return median_p95(samples)


if __name__ == "__main__":
    raise SystemExit(main())
