"""Where a page's CPU goes, from the per-page cProfile files of `bench/page_cpu.py --profile DIR`
or the py-spy samples of bench/page_cpu.py.

    python bench/profile_split.py PROFILE_DIR [PROFILE_DIR_2]
    python bench/profile_split.py --spy RAW_STACKS [RAW_STACKS_2]   # py-spy record -f raw
    python bench/profile_split.py --spy-table [--names=PAGE_CPU_OUTPUT] RAW_STACKS   # by phase

With --spy: samples of py-spy (no slowdown of the code measured); each sample goes to the part of
its innermost frame that belongs to one, and to a page by the `page_<n>` frame of
bench/page_cpu.py; samples of a gunicorn worker (py-spy record --pid, no such frame) count as the
whole mix.

Each function's own time is put in one part by the module it belongs to (a built-in's, such as
str.join, in its callers' parts, in proportion); a few inclusive figures follow (everything under
the account loader, the CSRF check, the count statements, the password check). ms per request,
under the profiler (which slows Python code down about twice: compare parts, not totals with
other runs).
"""
from __future__ import annotations

import collections
import glob
import os
import pstats
import re
import sys

PARTS = [
    ("Argon2", ("argon2",)),
    ("SQL and ORM", ("sqlalchemy", "psycopg")),
    ("Jinja rendering", ("jinja2", "markupsafe", "/templates/", "zhicheng/admin/listing.py:list_rows")),
    ("Flask-Admin", ("flask_admin",)),
    ("CSRF and forms", ("flask_wtf", "wtforms")),
    ("session and user", ("flask_login", "itsdangerous", "flask/sessions.py", "auth/sessions.py",
                          "auth/routes.py:load_user")),
    ("Babel / i18n", ("flask_babel", "babel", "gettext")),
    ("routing, Flask, Werkzeug", ("werkzeug", "flask/", "flask_limiter", "limits")),
    ("metrics", ("prometheus_client",)),
    ("app code (zhicheng)", ("zhicheng",)),
]
INCLUSIVE = [
    ("user loading (all, with its SQL)", re.compile(r"auth/routes\.py:\d+\(load_user\)")),
    ("CSRF (generate + validate)", re.compile(r"flask_wtf/csrf\.py:\d+\((generate_csrf|protect|validate_csrf)\)")),
    ("home-page counts", re.compile(r"\((unit_project_counts|department_counts)\)")),
    ("template rendering (all)", re.compile(r"flask/templating\.py:\d+\(_render\)")),
    ("SQL execution (all)", re.compile(r"sqlalchemy/orm/session\.py:\d+\(execute\)")),
    ("Argon2 verify/hash", re.compile(r"argon2/_password_hasher\.py:\d+\((verify|hash)\)")),
]


def part_of(func) -> str | None:
    filename, _, name = func
    key = f"{filename}:{name}"
    if filename == "~":
        return None
    for part, needles in PARTS:
        if any(n in key for n in needles):
            return part
    return "other Python"


def split(stats: pstats.Stats) -> dict[str, float]:
    raw = stats.stats
    own: dict[str, float] = collections.defaultdict(float)
    for func, (_cc, _nc, tt, _ct, callers) in raw.items():
        part = part_of(func)
        if part is not None:
            own[part] += tt
            continue
        # A built-in: its time goes to its callers' parts, as they called it.
        total = sum(c[2] for c in callers.values()) or 1.0
        for caller, c in callers.items():
            own[part_of(caller) or "other Python"] += tt * c[2] / total
    return own


def inclusive(stats: pstats.Stats) -> dict[str, float]:
    out = {}
    for label, pattern in INCLUSIVE:
        best = 0.0
        for func, (_cc, _nc, _tt, ct, callers) in stats.stats.items():
            name = f"{func[0]}:{func[1]}({func[2]})"
            if pattern.search(name) and not any(pattern.search(f"{c[0]}:{c[1]}({c[2]})") for c in callers):
                best += ct
        out[label] = best
    return out


def load(directory: str) -> dict[str, tuple[pstats.Stats, int]]:
    pages: dict[str, list] = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.pstats"))):
        _pid, n, page = os.path.basename(path)[:-7].split("-", 2)
        entry = pages.setdefault(page, [None, 0])
        entry[0] = pstats.Stats(path) if entry[0] is None else entry[0].add(path) or entry[0]
        entry[1] += int(n)
    return {page: (s, n) for page, (s, n) in pages.items()}


SPY_INCLUSIVE = [
    ("user loading (all, with its SQL)", ("load_user (",)),
    ("CSRF (generate + validate)", ("generate_csrf (", "validate_csrf (")),
    ("list and home-page counts", ("get_list (flask_admin/contrib/sqla/view.py:1305)", "unit_project_counts (",
                                   "department_counts (", "home_context (zhicheng/system/dashboard.py:")),
    ("template rendering (all)", ("_render (flask/templating.py",)),
    ("SQL and ORM (all)", ("sqlalchemy/", "psycopg")),
    ("Argon2", ("argon2",)),
]
_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


#: A thread in these frames waits for PostgreSQL's answer (py-spy without --gil counts a thread that
#: is runnable but not running, on a loaded machine, as busy).
WAITING = ("Connection.wait (psycopg/", "_send_query_prepared (psycopg/", "_exec_command (psycopg/")


def spy_part(frames: list[str]) -> str:
    if any(w in frames[-1] for w in WAITING):
        return "(waiting for PostgreSQL)"
    for frame in reversed(frames):
        m = _FRAME.match(frame)
        if not m:
            continue
        func, path = m.groups()
        key = f"{path}:{func}"
        if "gunicorn/" in path:
            return "gunicorn (HTTP, sockets)"
        for part, needles in PARTS:
            if any(n in key for n in needles):
                return part
    return "other Python"


def spy_phase(frames: list[str]) -> str:
    """One part per sample, by what the request was doing (the issue's breakdown): the first that
    applies of Argon2, account loading (the session cookie, Flask-Login, the account's statement),
    CSRF, counts, SQL and ORM (any statement, also one run from a template), Jinja, else routing
    and Flask-Admin (the request's own Python: Werkzeug, Flask, Flask-Admin's views, ours)."""
    joined = ";".join(frames)
    if "argon2" in joined:
        return "login: Argon2"
    if any(m in joined for m in ("load_user (", "flask_login/", "open_session (flask/sessions",
                                 "save_session (flask/sessions")):
        return "session and account loading"
    if any(m in joined for m in ("generate_csrf (", "validate_csrf (", "csrf_protect (")):
        return "CSRF"
    if any(m in joined for m in SPY_INCLUSIVE[2][1]):
        return "counts"
    if "sqlalchemy/" in joined or "psycopg" in joined:
        return "SQL and ORM"
    if "jinja2/" in joined or ".html" in joined or "markupsafe" in joined:
        return "Jinja rendering"
    return "routing, Flask-Admin, app code"


PHASES = ("routing, Flask-Admin, app code", "session and account loading", "CSRF", "SQL and ORM",
          "Jinja rendering", "counts", "login: Argon2")


def page_stacks(path: str):
    """The collapsed stacks of a py-spy file as (page, frames, samples): the page is the page_…
    frame's name, or the whole mix for a gunicorn worker's stack outside one (others are left out)."""
    for line in open(path, encoding="utf-8"):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        frames = stack.split(";")
        page = next((f.split(" ")[0] for f in frames if f.startswith("page_")), None)
        if page is None:
            if not any("gunicorn/workers" in f for f in frames):
                continue
            page = "whole mix (gunicorn workers)"
        yield page, frames, int(n)


def spy_table(files: list[str], names: dict[str, str]) -> None:
    """A markdown table: each page's share of its samples per phase (samples waiting for
    PostgreSQL left out)."""
    for path in files:
        pages: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for page, frames, count in page_stacks(path):
            if any(w in frames[-1] for w in WAITING):
                continue
            pages[page][spy_phase(frames)] += count
        print(f"\n{path}\n")
        print("| page | samples | " + " | ".join(PHASES) + " |")
        print("|---|---|" + "---|" * len(PHASES))
        for page in sorted(pages, key=lambda p: (len(p), p)):
            total = sum(pages[page].values())
            cells = " | ".join(f"{pages[page][ph] / total * 100:.0f} %" for ph in PHASES)
            print(f"| {names.get(page, page)} | {total} | {cells} |")


def spy(files: list[str]) -> None:
    for path in files:
        pages: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        marks: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for page, frames, count in page_stacks(path):
            if page.startswith("page_"):
                frames = frames[next(i for i, f in enumerate(frames) if f.startswith("page_")):]
            pages[page][spy_part(frames)] += count
            for label, needles in SPY_INCLUSIVE:
                if any(needle in f for f in frames for needle in needles):
                    marks[page][label] += count
        print(f"\n== {path}")
        for page in sorted(pages, key=lambda p: (len(p), p)):
            waiting = pages[page].pop("(waiting for PostgreSQL)", 0)
            total = sum(pages[page].values())
            print(f"\n{page}: {total} samples ({waiting} more waiting for PostgreSQL, left out)")
            for part, k in pages[page].most_common():
                if k / total >= 0.005:
                    print(f"    {part:28s} {k / total * 100:5.1f} %")
            for label, _ in SPY_INCLUSIVE:
                if marks[page][label]:
                    print(f"    · {label:34s} {marks[page][label] / total * 100:5.1f} %")


def main(dirs: list[str]) -> None:
    runs = [load(d) for d in dirs]
    pages = sorted(set().union(*runs), key=lambda p: -sum(r[p][1] for r in runs if p in r))
    for page in pages:
        print(f"\n{page}")
        for d, run in zip(dirs, runs):
            if page not in run:
                continue
            stats, n = run[page]
            own = split(stats)
            total = sum(own.values())
            print(f"  [{os.path.basename(d.rstrip('/'))}] {n} requests, {total / n * 1000:.2f} ms each under the profiler")
            for part, sec in sorted(own.items(), key=lambda kv: -kv[1]):
                if sec / n * 1000 >= 0.05:
                    print(f"    {part:28s} {sec / n * 1000:6.2f} ms  {sec / total * 100:4.0f} %")
            for label, sec in inclusive(stats).items():
                if sec:
                    print(f"    · {label:34s} {sec / n * 1000:6.2f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--spy"]:
        spy(sys.argv[2:])
    elif sys.argv[1:2] == ["--spy-table"]:
        # page names from bench/page_cpu.py's output: "page_3  材料详情  median …"
        names = {}
        if len(sys.argv) > 3 and sys.argv[2].startswith("--names="):
            for line in open(sys.argv[2].split("=", 1)[1], encoding="utf-8"):
                if line.startswith("page_"):
                    names[line.split()[0]] = line.split()[1] + (" " + line.split()[2] if line.split()[2].startswith("(") else "")
            spy_table(sys.argv[3:], names)
        else:
            spy_table(sys.argv[2:], names)
    else:
        main(sys.argv[1:])
