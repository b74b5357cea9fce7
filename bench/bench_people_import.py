"""接收原系统数据 (historical people) at volume: a 10,000-row .xlsx of people (姓名, 证件类型, 证件号码,
性别, 出生日期, 单位代码, 学历, 现从事专业, 现有资格, 资格级别, 取得时间, 联系电话) of 200 units, imported by the
root office through the page (upload, read, check every row, write, render the per-row report), on
data built here; budget 10 s. Then the same file again (every row 跳过, nothing written), and a
third file where one row in ten changes and one in a hundred has a wrong 身份证 check digit. Then
a 聘任 for each of them (导入聘任信息; one unit in ten has a 岗位结构比例), and that file again.

    .venv/bin/python bench/bench_people_import.py [--rows 10000]
    .venv/bin/python bench/bench_people_import.py --database-url postgresql+psycopg://…/empty_db

With --database-url the database must be empty: the tables are created and dropped again.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench._common import drop_database
from tests import factories
from tests.conftest import RequestClient, csrf_token
from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db
from zhicheng.models import Unit
from zhicheng.people.models import GRADE_LEVELS, LEVELS, Appointment, PersonRecord, PostQuota

BUDGET = 10.0
UNITS = 200
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
QUALIFICATIONS = [("助理工程师", "初级"), ("工程师", "中级"), ("高级工程师", "副高级"), ("正高级工程师", "正高级"),
                  ("二级教师", "初级"), ("一级教师", "中级"), ("主治医师", "中级")]
HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "单位代码", "学历", "现从事专业", "现有资格", "资格级别",
          "取得时间", "联系电话"]
APPOINTMENT_HEADER = ["证件号码", "姓名", "单位代码", "主管单位", "聘任职务", "岗位级别", "岗位等级", "聘任起始日期",
                      "聘任终止日期", "超比例聘任理由"]
LEVEL_OF_GRADE = {g: LEVELS[level] for g, level in GRADE_LEVELS.items()}
PEOPLE_URL, APPOINTMENTS_URL = "/admin/people/import/", "/admin/appointments/import/"


def units(org, n: int) -> list[str]:
    """`n` units under 西湖区 (bulk insert): their 统一社会信用代码."""
    codes = [factories.make_uscc(10_000 + i) for i in range(n)]
    db.session.execute(insert(Unit), [{"uscc": code, "legal_rep": "法人", "name": f"历史单位{i:04d}有限公司",
                                            "department_id": org.xihu.id} for i, code in enumerate(codes)])
    # One unit in ten has its 岗位结构比例 (room for everyone): its 聘任 are checked against it one by one.
    ids = db.session.scalars(select(Unit.id).where(Unit.uscc.in_(codes[::10]))).all()
    db.session.execute(insert(PostQuota), [{"unit_id": i, "mode": "count", "senior": 100, "deputy": 100, "middle": 100,
                                           "junior": 100} for i in ids])
    db.session.commit()
    return codes


def people_rows(n: int, codes: list[str], rng: random.Random) -> list[list]:
    rows = []
    for i in range(n):
        birth = date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        number = factories.make_id_card(birth, i % 1000, area=f"3301{(i // 1000) % 100:02d}")
        qualification, level = rng.choice(QUALIFICATIONS)
        rows.append([rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                     "居民身份证", number, "", birth, rng.choice(codes), rng.choice(("大学本科", "研究生", "大专")),
                     "计算机应用", qualification, level, date(min(birth.year + 25 + rng.randrange(10), 2024), 12, 31),
                     f"139{i:08d}"])
    return rows


def appointment_rows(people: list[list], rng: random.Random) -> list[list]:
    """One 聘任 per person, in his unit, at a grade of a random 级别."""
    rows = []
    for person in people:
        grade = rng.randrange(1, 14)
        rows.append([person[2], person[0], person[5], "", f"专业技术{grade}级岗位", LEVEL_OF_GRADE[grade], grade,
                     date(2020 + rng.randrange(5), 1 + rng.randrange(12), 1), None, ""])
    return rows


def workbook(header: list[str], rows: list[list]) -> bytes:
    return factories.xlsx([header, *rows]).getvalue()


def timed_import(client, url: str, token: str, data: bytes, label: str) -> tuple[float, dict]:
    t0, c0 = time.perf_counter(), time.process_time()
    r = client.post(url, data={"csrf_token": token, "file": (BytesIO(data), "导入.xlsx")},
                    content_type="multipart/form-data")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    page = r.get_data(as_text=True)
    assert r.status_code == 200, page[:2000]
    statuses = {s: len(re.findall(f'data-status="{s}"', page)) for s in ("added", "updated", "unchanged", "rejected")}
    reasons = re.findall(r'data-status="rejected">(?:<td>[^<]*</td>){5}<td>([^<]*)</td>', page)
    if reasons:
        print("  first refusals:", sorted(set(reasons))[:5])
    summary = re.search(r'<p id="import-summary">([^<]+)</p>', page).group(1)
    print(f"{label}: {elapsed:.2f} s ({cpu:.2f} s CPU) for {sum(statuses.values())} report rows ({len(page) // 1024} KB page): {summary}")
    return elapsed, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(17)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp), args.database_url))
        app.test_client_class = RequestClient  # each request in an app context of its own, as served
        with app.app_context():
            db.create_all()
            try:
                org = factories.build_org()
                codes = units(org, UNITS)
                rows = people_rows(args.rows, codes, rng)
                first = workbook(HEADER, rows)
                changed = [list(r) for r in rows]
                for i, row in enumerate(changed):
                    if i % 10 == 0:
                        row[8], row[9] = "高级工程师", "副高级"
                    if i % 100 == 5:
                        row[2] = row[2][:-1] + ("0" if row[2][-1] != "0" else "1")
                third = workbook(HEADER, changed)
                appointments = workbook(APPOINTMENT_HEADER, appointment_rows(rows, rng))
                client = app.test_client()
                client.post("/login", data={"username": "rootadmin", "password": factories.PASSWORD,
                                            "csrf_token": csrf_token(client, "/login")})
                token = csrf_token(client, PEOPLE_URL)
                elapsed, statuses = timed_import(client, PEOPLE_URL, token, first, "import of new people")
                assert statuses["added"] == args.rows, statuses
                assert db.session.scalar(select(func.count()).select_from(PersonRecord)) == args.rows
                again, statuses = timed_import(client, PEOPLE_URL, token, first, "the same file again")
                assert statuses["unchanged"] == args.rows, statuses
                changes, statuses = timed_import(client, PEOPLE_URL, token, third,
                                                 "one row in ten changed, one in 100 bad")
                assert statuses["rejected"] == args.rows // 100 and statuses["updated"] > 0, statuses
                token = csrf_token(client, APPOINTMENTS_URL)
                hired, statuses = timed_import(client, APPOINTMENTS_URL, token, appointments, "聘任 of every person")
                assert statuses["added"] == args.rows, statuses
                assert db.session.scalar(select(func.count()).select_from(Appointment)) == args.rows
                hired_again, statuses = timed_import(client, APPOINTMENTS_URL, token, appointments,
                                                    "the same 聘任 file again")
                assert statuses["unchanged"] == args.rows, statuses
            finally:
                drop_database(args.database_url)
    worst = max(elapsed, again, changes, hired, hired_again)
    ok = worst <= BUDGET
    print(f"slowest {worst:.2f} s, budget {BUDGET:.0f} s: {'within budget' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
