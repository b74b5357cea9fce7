"""The CPU of one gunicorn worker per request, request kind by request kind: the floor a request
of this stack costs (a static file, a page without an account, the cheapest signed-in pages), each
page and write of the load mix (bench/locustfile.py), and the login with its Argon2 hash.

    DATABASE_URL=… .venv/bin/python bench/floor.py [--n 400] [--writes 150] [--stats LOCUST_STATS_CSV]

Starts this checkout's gunicorn (or --checkout's, with its own .venv; gunicorn.conf.py: gthread,
one worker, no access log) pinned to one core, drives it from another with one keep-alive
connection per account, and reads the worker's CPU from /proc around each batch of the same
request (the clock ticks of /proc are 10 ms: a batch is hundreds of requests). The writes (上报, 审核通过) change the city data as the
load run does. With --stats (a locust `_stats.csv` of bench/load_ab.sh or bench/load.sh), the mix
is weighed by the counts of that run and the floors are set against it.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cpu_pids import _children, _cpu  # noqa: E402

os.environ.setdefault("SECRET_KEY", "bench-floor")
os.environ.setdefault("BASE_URL", "http://127.0.0.1")
os.environ.setdefault("LOGIN_RATE_LIMIT", "100000 per minute")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROWID = re.compile(r'name="rowid"[^>]*value="(\d+)"')
DETAILS = re.compile(r"/details/\?id=(\d+)")
PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo2026pass")


class Browser:
    """One account's keep-alive connection and session cookie."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("session="):
                self.cookie = v.split(";")[0]
        token = CSRF.search(text)
        if token:
            self.token = token.group(1)
        return r.status, text

    def log_in(self, username: str) -> None:
        self.request("GET", "/login")
        status, _ = self.request("POST", "/login", {"username": username, "password": PASSWORD})
        assert status == 302, (username, status)


def worker_cpu(master: int) -> float:
    return sum(_cpu(p) for p in [master, *_children(master)])


def start_server(port: int, checkout: Path) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_ACCESS_LOG": "/dev/null", "CAPTCHA_ENABLED": "0",
           "GUNICORN_KEEPALIVE": "3600",  # the accounts signed in before a batch keep their connections
           "BASE_URL": f"http://127.0.0.1:{port}",
           "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://")}
    pin = ["taskset", "-c", "1"] if shutil.which("taskset") and os.cpu_count() > 1 else []
    server = subprocess.Popen([*pin, str(checkout / ".venv/bin/gunicorn"), "-c", os.environ.get("FLOOR_GUNICORN_CONF", "gunicorn.conf.py"), "app:app"],
                              cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/favicon.ico")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def accounts() -> tuple[list[str], list[str]]:
    """Units with materials to submit, and the reviewers with the longest queues."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select

    from zhicheng import create_app
    from zhicheng.extensions import db
    from zhicheng.models import Material, MaterialState, Unit, User
    with create_app().app_context():
        units = db.session.scalars(
            select(User.username).join(Unit, Unit.id == User.unit_id).join(Material, Material.unit_id == Unit.id)
            .where(User.kind == "unit", Material.state == MaterialState.DRAFT)
            .group_by(User.username).order_by(User.username).limit(400)).all()
        queues = db.session.execute(
            select(Material.current_department_id, func.count()).where(Material.state == MaterialState.IN_REVIEW)
            .group_by(Material.current_department_id).order_by(func.count().desc()).limit(5)).all()
        reviewers = [db.session.scalar(select(User.username).where(User.department_id == d, User.username.like("d%review"))
                                       ) for d, _ in queues]
    return units, [r for r in reviewers if r]


class Target:
    """One checkout's server and the accounts signed in on it."""

    def __init__(self, checkout: Path, port: int):
        self.checkout, self.port = checkout, port
        self.server = start_server(port, checkout)
        self.code = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
                                   capture_output=True, text=True).stdout.strip()
        self.spent: dict[str, list[float]] = {}  # label → [CPU ms, requests]

    def browser(self, username: str | None = None) -> Browser:
        b = Browser(self.port)
        if username:
            b.log_in(username)
        return b

    def run(self, label: str, calls) -> None:
        before = worker_cpu(self.server.pid)
        for call in calls:
            call()
        spent = self.spent.setdefault(label, [0.0, 0])
        spent[0] += 1000 * (worker_cpu(self.server.pid) - before)
        spent[1] += len(calls)

    def result(self, label: str) -> float | None:
        spent = self.spent.get(label)
        return spent[0] / spent[1] if spent and spent[1] else None


def get(b: Browser, path: str, ok=(200,)):
    def call():
        status, _ = b.request("GET", path)
        assert status in ok, (path, status)
    return call


def pages_of(target: Target, unit_name: str, reviewer_name: str) -> list[tuple[str, object]]:
    """(label, a call that requests the page once) for each page, warmed; a page the code does not
    have (404) is left out."""
    unit, reviewer, anonymous = target.browser(unit_name), target.browser(reviewer_name), target.browser()
    _, listing = unit.request("GET", "/admin/materials/")
    detail = DETAILS.findall(listing)[0]
    _, queue = reviewer.request("GET", "/admin/review/")
    queued = ROWID.findall(queue)[0]
    _, submit_list = unit.request("GET", "/admin/submit/")
    to_submit = ROWID.findall(submit_list)
    pages = [
        ("/favicon.ico (a static file)", anonymous, "/favicon.ico"),
        ("登录页 (no account)", anonymous, "/login"),
        ("帮助 (signed in, no statement of its own)", unit, "/help"),
        ("密码修改 (signed in, a form)", unit, "/password"),
        ("首页", unit, "/admin/"),
        ("管理材料", unit, "/admin/materials/"),
        ("材料详情", unit, f"/admin/materials/details/?id={detail}"),
        ("上报材料跟踪", unit, "/admin/tracking/"),
        ("被退回的材料", unit, "/admin/returned/"),
        ("上报材料", unit, "/admin/submit/"),
        ("上报确认", unit, f"/admin/submit/confirm/?id={to_submit[0]}" if to_submit else None),
        ("首页 (reviewer)", reviewer, "/admin/"),
        ("待审核材料", reviewer, "/admin/review/"),
        ("审核详情", reviewer, f"/admin/review/details/?id={queued}"),
    ]
    out = []
    for label, b, path in pages:
        if path is None or b.request("GET", path)[0] == 404:
            continue
        for _ in range(10):  # warm: templates compiled, statements cached
            get(b, path)()
        out.append((label, get(b, path)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400, help="requests per page (per checkout)")
    ap.add_argument("--writes", type=int, default=150, help="上报 and 审核通过 each (per checkout)")
    ap.add_argument("--logins", type=int, default=60)
    ap.add_argument("--port", type=int, default=8391)
    ap.add_argument("--stats", help="a locust _stats.csv: weigh the mix by its counts")
    ap.add_argument("--checkout", type=Path, action="append",
                    help="serve this checkout's code (its own .venv) on the same database; given twice, "
                         "the two servers run side by side and each batch alternates between them "
                         "(A B B A): a comparison that holds while the machine's speed drifts")
    args = ap.parse_args()
    random.seed(2026)
    units, reviewers = accounts()
    checkouts = [c.resolve() for c in (args.checkout or [ROOT])]
    targets: list[Target] = []
    try:
        for i, checkout in enumerate(checkouts):
            targets.append(Target(checkout, args.port + i))
        rounds = 4

        def alternate(label: str, calls_of) -> None:
            """`calls_of(target, k)`: the calls of round k; the targets' order turns every round."""
            for k in range(rounds):
                for t in (targets if k % 2 == 0 else targets[::-1]):
                    calls = calls_of(t, k)
                    if calls:
                        t.run(label, calls)

        pages = {t.port: dict(pages_of(t, units[0], reviewers[0])) for t in targets}
        labels = list(dict.fromkeys(label for p in pages.values() for label in p))
        for label in labels:
            alternate(label, lambda t, k, label=label: [pages[t.port][label]] * (args.n // rounds)
                      if label in pages[t.port] else [])

        # Logins (the form first, outside the batch), then 退出 of the same sessions.
        per = max(1, args.logins // rounds)
        sessions: dict[tuple[int, int], list] = {}

        def logins(t, k):
            browsers = [(t.browser(), units[(k * per + i) % len(units)]) for i in range(per)]
            for b, _ in browsers:
                b.request("GET", "/login")
            sessions[(t.port, k)] = [b for b, _ in browsers]
            return [(lambda b=b, u=u: b.request("POST", "/login", {"username": u, "password": PASSWORD}))
                    for b, u in browsers]
        alternate("登录 (POST, Argon2)", logins)
        alternate("退出 (POST)", lambda t, k: [(lambda b=b: b.request("POST", "/logout", {}))
                                             for b in sessions[(t.port, k)]])

        # 上报: a material of each of its own units (signed in and its 上报确认 open before the batch).
        form = {"operator_name": "经办人", "operator_phone": "13900001111"}
        spare = iter(units[1:])
        per = max(1, args.writes // rounds)

        def submits(t, k):
            calls = []
            for name in spare:
                b = t.browser(name)
                ids = ROWID.findall(b.request("GET", "/admin/submit/")[1])
                if ids:
                    mid = random.choice(ids)
                    b.request("GET", f"/admin/submit/confirm/?id={mid}")
                    calls.append(lambda b=b, m=mid: b.request("POST", f"/admin/submit/confirm/?id={m}", form))
                if len(calls) == per:
                    break
            return calls
        alternate("上报 (POST)", submits)

        # 审核通过: materials of the longest queues, each passed once, by either server.
        queued = []
        for name in reviewers:
            b = targets[0].browser(name)
            for page in range(20):
                ids = ROWID.findall(b.request("GET", f"/admin/review/?page={page}")[1])
                if not ids:
                    break
                queued += [(name, i) for i in ids]
        queued = iter(queued)

        def passes(t, k):
            signed: dict[str, Browser] = {}
            calls = []
            for name, rowid in queued:
                b = signed.get(name) or signed.setdefault(name, t.browser(name))
                calls.append(lambda b=b, i=rowid: b.request("POST", "/admin/review/action/", {"action": "pass", "rowid": i}))
                if len(calls) == per:
                    break
            return calls
        alternate("审核通过 (POST)", passes)
    finally:
        for t in targets:
            t.server.terminate()
            t.server.wait()

    labels = list(dict.fromkeys(label for t in targets for label in t.spent))
    print("gunicorn (gthread, 1 worker, pinned), CPU per request, ms; " + ", ".join(
        f"{t.code}: {sum(n for _, n in t.spent.values())} requests" for t in targets))
    print(f"  {'':<42}" + "".join(f"{t.code:>10}" for t in targets) + ("     ratio" if len(targets) == 2 else ""))
    for label in labels:
        values = [t.result(label) for t in targets]
        row = "".join(f"{v:10.2f}" if v is not None else f"{'—':>10}" for v in values)
        if len(targets) == 2 and None not in values:
            row += f"{values[1] / values[0]:10.2f}"
        print(f"  {label:<42}{row}")
    if args.stats:
        for t in targets:
            weigh(t.code, {label: t.result(label) for label in t.spent}, args.stats)
    return 0


#: locust's request names (bench/locustfile.py) → the rows above.
NAMES = {"登录页": "登录页 (no account)", "登录": "登录 (POST, Argon2)", "退出": "退出 (POST)",
         "管理材料": "管理材料", "材料详情": "材料详情", "上报材料跟踪": "上报材料跟踪",
         "被退回的材料": "被退回的材料", "上报材料": "上报材料", "上报确认": "上报确认", "上报": "上报 (POST)",
         "待审核材料": "待审核材料", "审核详情": "审核详情", "审核通过": "审核通过 (POST)"}


def weigh(code: str, results: dict[str, float], stats: str) -> None:
    """The mix by a load run's request counts: its CPU per request as these batches price it, and
    what it would be if every signed-in page cost only the cheapest signed-in page (帮助)."""
    rows = [r for r in csv.DictReader(open(stats, encoding="utf-8")) if r["Name"] != "Aggregated"]
    total = sum(int(r["Request Count"]) for r in rows)
    cheapest_label = next(label for label in ("帮助 (signed in, no statement of its own)", "密码修改 (signed in, a form)")
                          if results.get(label) is not None)
    cheapest = results[cheapest_label]
    priced = floor = 0.0
    print(f"\n{code}: the mix of {stats} ({total} requests)")
    for r in rows:
        n = int(r["Request Count"])
        name = r["Name"]
        if name == "首页":  # units and reviewers share the name: priced by the mix's 4:1 users
            cost = (4 * 3 / 10 * results["首页"] + 2 / 7 * results["首页 (reviewer)"]) / (4 * 3 / 10 + 2 / 7)
        else:
            cost = results[NAMES[name]]
        least = cost if name in ("登录页", "登录", "退出") else min(cost, cheapest)
        priced += n * cost
        floor += n * least
        print(f"  {name:<10}{100 * n / total:6.1f} %  {cost:7.2f} ms")
    print(f"  weighted: {priced / total:.2f} ms a request; with every signed-in page and write at the "
          f"cost of {cheapest_label.split()[0]} (the logins as they are): {floor / total:.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
