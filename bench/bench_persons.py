"""个人端 timings, server side (the app in this process, through Flask's test client):

- 个人注册 with an SMS code: 获取验证码 then 注册 (the real Argon2 cost of chosen passwords),
  budget 100 ms for the 注册 request (the one that checks the code and writes the account);
- a 个人档案 of 200 items: each section page of a teacher's 档案 (学历学位, 工作经历, 培训经历, 工作业绩,
  研究成果, 年度考核, 公开课, 教育教学, 25 rows each), the 研究成果 page of a 档案 holding 200 研究成果 and
  the 工作业绩 page of one holding 200 工作业绩 (100 rows shown, with their longer texts), budget p95 50 ms.

    .venv/bin/python bench/bench_persons.py [--runs 30] [--database-url postgresql+psycopg://…/empty_db]

With --database-url the database must be empty: the tables are created and dropped again.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import update  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from bench._common import csrf_token, login  # noqa: E402
from zhicheng import create_app  # noqa: E402
from zhicheng.config import TestConfig  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Person  # noqa: E402
from zhicheng.persons import models as pm  # noqa: E402

REGISTER_BUDGET_MS, ARCHIVE_BUDGET_MS = 100.0, 50.0
ARCHIVE_PERSONS = 3  # the 档案 pages: 200 items over the sections, 200 研究成果, 200 工作业绩, one person each
PASSWORD = "Geren2026ok"


def id_card(seq: int) -> str:
    body = f"330106{date(1980, 1, 1) + timedelta(days=seq):%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def last_code(app, phone: str) -> str:
    folder = Path(app.config["SMS_OUTBOX_DIR"])
    for path in sorted(folder.glob("*.txt"), reverse=True):
        text = path.read_text(encoding="utf-8")
        if text.startswith(f"To: {phone}\n"):
            return re.search(r"验证码为(\d{6})", text).group(1)
    raise RuntimeError("no code")


CPU: dict[str, list[float]] = {}


def timed(fn, label: str = "") -> tuple[float, object]:
    """Wall time of fn in ms; its CPU time (this thread's: the request runs in it) is kept under
    `label`, the part of the server's time the machine's load does not inflate."""
    started, cpu = time.perf_counter(), time.thread_time()
    result = fn()
    CPU.setdefault(label, []).append((time.thread_time() - cpu) * 1000)
    return (time.perf_counter() - started) * 1000, result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def bench_registration(app, runs: int) -> tuple[list[float], list[float]]:
    """`runs` registrations, and at least ARCHIVE_PERSONS (the 档案 pages need that many persons), all timed."""
    codes, registers = [], []
    for i in range(max(runs, ARCHIVE_PERSONS)):
        client = app.test_client()
        phone = f"137{i:08d}"
        t = csrf_token(client, "/person/register")
        ms, r = timed(lambda: client.post("/person/register/code", data={"phone": phone, "csrf_token": t}), "code")
        assert r.status_code == 200, re.findall(r"invalid-feedback[^>]*>([^<]+)", r.get_data(as_text=True))
        codes.append(ms)
        data = {"name": "李个人", "id_type": "resident", "id_number": id_card(i), "phone": phone,
                "sms_code": last_code(app, phone), "password": PASSWORD, "confirm": PASSWORD, "agree_terms": "y",
                "agree_privacy": "y", "csrf_token": t}
        ms, r = timed(lambda: client.post("/person/register", data=data), "register")
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        registers.append(ms)
    return codes, registers


SECTIONS = ("person_education", "person_work", "person_training", "person_achievement", "person_research",
            "person_assessment", "person_open_lesson", "person_teaching")


def fill_archive(user_id: int, per_section: int, research: int = 0, achievements: int = 0) -> None:
    """`per_section` rows in each of the eight sections (the person made a teacher, so that 公开课 and
    教育教学 open), plus `research` 研究成果 and `achievements` 工作业绩."""
    start = date(2000, 1, 1)
    rows = []
    for i in range(per_section):
        day = start + timedelta(days=30 * i)
        rows += [pm.PersonEducation(user_id=user_id, start_date=day, school=f"学校{i}", major="计算机", education="大学本科"),
                 pm.PersonWork(user_id=user_id, start_date=day, employer=f"单位{i}", position="工程师"),
                 pm.PersonTraining(user_id=user_id, start_date=day, subject=f"培训{i}", organiser="人才服务局", hours=8),
                 pm.PersonAssessment(user_id=user_id, year=1900 + i, result="competent"),
                 pm.PersonOpenLesson(user_id=user_id, taught_on=day, subject="数学", title=f"公开课课题{i}",
                                     audience="初二（3）班", level="county", organiser="区教研室"),
                 pm.PersonTeaching(user_id=user_id, start_date=day, end_date=day + timedelta(days=300), kind="classes",
                                   content=f"初二数学两个班{i}", weekly_hours=12, evaluation="学生满意度98")]
    for i in range(research + per_section):
        rows.append(pm.PersonResearch(user_id=user_id, kind="paper", title=f"论文题目{i}", source="计算机工程",
                                      number="CN 31-1289/TP", published_on=start + timedelta(days=i),
                                   url="https://kns.cnki.net/x"))
    for i in range(achievements + per_section):
        rows.append(pm.PersonAchievement(user_id=user_id, start_date=start + timedelta(days=i), title=f"业绩名称{i}",
                                         role="项目负责人", content="主持平台架构设计与核心模块开发，" * 10,
                                         outcome="获区科技进步二等奖"))
    db.session.add_all(rows)
    if per_section:
        db.session.execute(update(Person).where(Person.user_id == user_id).values(series="中小学教师"))
    db.session.commit()


def bench_archive(app, runs: int) -> dict[str, list[float]]:
    from zhicheng.models import User
    with app.app_context():
        users = [(u.id, u.username) for u in db.session.scalars(
            db.select(User).where(User.kind == "person").order_by(User.id).limit(ARCHIVE_PERSONS))]
        fill_archive(users[0][0], 25)  # 200 items over the eight sections
        fill_archive(users[1][0], 0, research=200)
        fill_archive(users[2][0], 0, achievements=200)
        db.session.remove()
    result: dict[str, list[float]] = {}
    c1, c2, c3 = (login(app, u[1], PASSWORD) for u in users)
    pages = [(c1, f"/admin/{s}/", f"{s} (25 of 200)") for s in SECTIONS]
    pages.append((c2, "/admin/person_research/", "person_research (200 研究成果)"))
    pages.append((c3, "/admin/person_achievement/", "person_achievement (200 工作业绩)"))
    for client, url, label in pages:
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            ms, r = timed(lambda: client.get(url), label)
            assert r.status_code == 200
            times.append(ms)
        result[label] = times
    return result


def line(label: str, wall: list[float], cpu: list[float], budget: float | None) -> None:
    verdict = ""
    if budget is not None:
        verdict = f"  budget p95 {budget:.0f} ms: wall {'ok' if p95(wall) <= budget else 'OVER'}, " \
                  f"cpu {'ok' if p95(cpu) <= budget else 'OVER'}"
    print(f"{label} wall median {statistics.median(wall):6.1f} p95 {p95(wall):6.1f} | "
          f"cpu median {statistics.median(cpu):6.1f} p95 {p95(cpu):6.1f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        config = TestConfig(Path(tmp), args.database_url)
        del config.ARGON2_TEST_COST  # the real cost of a chosen password
        config.RATELIMIT_ENABLED = False
        config.SMS_ADDRESS_LIMIT = "100000 per hour"
        app = create_app(config)
        with app.app_context():
            db.create_all()
            db.session.remove()
        # Requests run outside any app context of ours, as a server's would.
        try:
            if True:
                codes, registers = bench_registration(app, args.runs)
                print("wall = elapsed time of the request; cpu = CPU time it used (load-independent)")
                line(f"{'获取验证码':38s}", codes, CPU["code"], None)
                line(f"{'注册 (checks the code, Argon2, writes)':38s}", registers, CPU["register"],
                     REGISTER_BUDGET_MS)
                for label, times in bench_archive(app, args.runs).items():
                    line(f"档案 {label:35s}", times, CPU[label], ARCHIVE_BUDGET_MS)
        finally:
            if args.database_url:
                with app.app_context():
                    db.drop_all()


if __name__ == "__main__":
    main()
