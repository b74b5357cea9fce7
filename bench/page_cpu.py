"""CPU time of each page of the load mix (bench/locustfile.py), in-process: the Flask test client
against the city data, each page requested N times in turn, the thread's CPU time per request
(time.thread_time, so other work on the machine counts little). Run it from each checkout (with
its own .venv) back to back to compare two commits page by page.

    DATABASE_URL=postgresql+psycopg://…/zhicheng_city SECRET_KEY=x BASE_URL=http://127.0.0.1 \
        .venv/bin/python bench/page_cpu.py [--n 30] [--profile DIR]

--serve: after the warm-up, print the pages' names (one JSON line), then run the page whose index
is read from each line of stdin and print its thread CPU time in seconds; bench/page_cpu_ab.py
drives two checkouts this way, request by request in turn.

--profile DIR writes one cProfile file per page (DIR/<page>.pstats) instead of timing. Under a
sampling profiler each page runs inside a function of its own, `page_<index>` (the index printed
with the page), so that its samples can be told apart:

    .venv/bin/py-spy record -r 400 -f raw -o spy.txt -- .venv/bin/python bench/page_cpu.py --n 100
    .venv/bin/python bench/profile_split.py --spy spy.txt
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("CAPTCHA_ENABLED", "0")

from sqlalchemy import select  # noqa: E402

from zhicheng import create_app  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Material, User  # noqa: E402

PASSWORD = "Demo2026pass"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, (username, r.status_code)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--profile")
    ap.add_argument("--queries", action="store_true", help="print the SQL statements of each page once")
    ap.add_argument("--serve", action="store_true", help="run pages as asked on stdin (bench/page_cpu_ab.py)")
    args = ap.parse_args()
    app = create_app()
    with app.app_context():
        reviewer = db.session.scalar(select(User.username).where(User.username.like("d%review")).order_by(User.id))
        unit = db.session.scalar(select(User).where(User.username == "u00000"))
        mid = db.session.scalar(select(Material.id).where(Material.unit_id == unit.unit_id).order_by(Material.id))
        draft = db.session.scalar(select(Material.id).where(Material.unit_id == unit.unit_id,
                                                            Material.state == "draft").order_by(Material.id))
    unit_client, rev_client = app.test_client(), app.test_client()
    login(unit_client, "u00000")
    login(rev_client, reviewer)
    review_page = rev_client.get("/admin/review/").get_data(as_text=True)
    rid = re.search(r'name="rowid"[^>]*value="(\d+)"', review_page)
    pages = [
        ("登录页", app.test_client(), "/login"),
        ("首页 (单位)", unit_client, "/admin/"),
        ("管理材料", unit_client, "/admin/materials/"),
        ("材料详情", unit_client, f"/admin/materials/details/?id={mid}"),
        ("上报材料跟踪", unit_client, "/admin/tracking/"),
        ("被退回的材料", unit_client, "/admin/returned/"),
        ("上报材料", unit_client, "/admin/submit/"),
        ("上报确认", unit_client, f"/admin/submit/confirm/?id={draft}"),
        ("首页 (部门)", rev_client, "/admin/"),
        ("待审核材料", rev_client, "/admin/review/"),
    ]
    if rid:
        pages.append(("审核详情", rev_client, f"/admin/review/details/?id={rid.group(1)}"))
    pages.append(("登录 (POST)", None, "/login"))  # a new browser each time: Argon2 and a new session

    def login_post(_client, url):
        c = app.test_client()
        token = CSRF.search(c.get(url).get_data(as_text=True)).group(1)
        data = {"username": "u00001", "password": PASSWORD, "csrf_token": token}
        return c, data
    runners = {}
    for i, (name, _, _) in enumerate(pages):
        scope_: dict = {}
        if name == "登录 (POST)":
            exec(f"def page_{i}(client, url):\n    return client.post(url, data=client.zc_data)\n", scope_)  # noqa: S102
        else:
            exec(f"def page_{i}(client, url):\n    return client.get(url)\n", scope_)  # noqa: S102
        runners[name] = scope_[f"page_{i}"]
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    profiles = {name: cProfile.Profile() for name, _, _ in pages}
    for name, client, url in pages:  # warm-up
        if client is not None:
            assert client.get(url).status_code == 200, (name, url)
    if args.queries:
        from sqlalchemy import event
        with app.app_context():
            engine = db.engine
        for name, client, url in pages:
            if client is None:
                continue
            statements: list[str] = []
            listener = lambda conn, cur, stmt, *a: statements.append(stmt)  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            client.get(url)
            event.remove(engine, "before_cursor_execute", listener)
            print(f"== {name} {url}: {len(statements)} statements")
            for stmt in statements:
                print("   ", " ".join(stmt.split())[:300])
        return
    def run(name, client, url) -> float:
        if client is None:  # the login POST, from a new browser
            client, data = login_post(None, url)
            client.zc_data = data
        prof = profiles[name] if args.profile else None
        t0 = time.thread_time()
        if prof:
            prof.enable()
        r = runners[name](client, url)
        if prof:
            prof.disable()
        elapsed = time.thread_time() - t0
        assert r.status_code == (302 if name == "登录 (POST)" else 200), (name, url, r.status_code)
        return elapsed

    if args.serve:
        print(json.dumps([name for name, _, _ in pages], ensure_ascii=False), flush=True)
        for line in sys.stdin:
            name, client, url = pages[int(line)]
            print(run(name, client, url), flush=True)
        return
    for _ in range(args.n):
        for name, client, url in pages:
            times[name].append(run(name, client, url))
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        for i, (name, _, _) in enumerate(pages):
            profiles[name].dump_stats(os.path.join(args.profile, f"{i}-{args.n}-{name}.pstats"))
    total = 0.0
    for i, (name, ts) in enumerate(times.items()):
        med = statistics.median(ts) * 1000
        total += med
        print(f"page_{i:<2d} {name:12s} median {med:6.2f} ms  p90 {sorted(ts)[int(len(ts) * 0.9)] * 1000:6.2f} ms")
    print(f"{'sum':21s}        {total:6.2f} ms")


if __name__ == "__main__":
    main()
