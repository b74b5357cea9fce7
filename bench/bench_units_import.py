"""接收原系统数据 · 单位: a 10,000-row workbook through the page (POST /admin/unit_dict/import/ by
the root office, the report page rendered), budget 10 s each:

- first: every row new (新增), the departments' 主管单位代码 given by name on their first rows;
- again: the same file (every row 跳过, nothing written);
- changed: one row in ten renamed (更新), the rest 跳过.

    .venv/bin/python bench/bench_units_import.py [--rows 10000]
    .venv/bin/python bench/bench_units_import.py --database-url postgresql+psycopg://…/empty_db

With --database-url the database must be empty: the tables are created and dropped again.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from bench._common import drop_database, verdict  # noqa: E402
from tests import factories  # noqa: E402
from zhicheng import create_app  # noqa: E402
from zhicheng.codes.units import IMPORT_HEADER  # noqa: E402
from zhicheng.config import TestConfig  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import DictItem, UnitCode  # noqa: E402
from zhicheng.org import codes as org_codes  # noqa: E402

BUDGET_SECONDS = 10.0
NATURES = ["机关", "事业单位", "国有企业", "非公企业"]


def workbook(org, rows: int, renamed_every: int = 0) -> bytes:
    """`rows` units spread over four departments (codes 330106, 3301, 330101, 330199, each named
    on its first row), with 统一社会信用代码, 单位性质, 单位行业 and 所在地 filled in."""
    departments = [("330106", org.xihu.name), ("3301", org.edu.name), ("330101", org.edu_sub.name),
                   ("330199", org.talent.name)]
    industries, regions = list(org_codes.INDUSTRIES.values()), list(org_codes.REGIONS)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("单位")
    ws.append(list(IMPORT_HEADER))
    for i in range(rows):
        code, name = departments[i % len(departments)]
        unit_name = f"原系统单位{i:05d}" + ("（更名）" if renamed_every and i % renamed_every == 0 else "")
        ws.append([code, name if i < len(departments) else "", f"U{i:07d}", unit_name,
                   factories.make_uscc(100_000 + i), NATURES[i % len(NATURES)], industries[i % len(industries)],
                   regions[i % len(regions)], "是"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(client, data: bytes, label: str, expect: dict[str, int]) -> bool:
    t0, c0 = time.perf_counter(), time.process_time()
    r = client.post("/admin/unit_dict/import/", data={"file": (io.BytesIO(data), "原系统单位.xlsx")},
                    content_type="multipart/form-data")
    body = r.get_data(as_text=True)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    statuses = re.findall(r'data-status="(\w+)"', body)
    got = {s: statuses.count(s) for s in ("added", "updated", "skipped")}
    ok = r.status_code == 200 and got == expect and seconds <= BUDGET_SECONDS
    # On a loaded machine the wall time is mostly waiting for a core: the CPU time is the app's own
    # (with SQLite, the database's work is in this process too).
    print(f"{label}: {len(statuses)} rows reported {got} in {seconds:.2f} s, CPU {cpu:.2f} s "
          f"(page {len(body) // 1024} KB; budget {BUDGET_SECONDS:.0f} s){'' if ok else '  <-- FAILED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    n = args.rows
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp), args.database_url))
        app.config.update(WTF_CSRF_ENABLED=False)
        try:
            with app.app_context():
                db.create_all()
                org = factories.build_org()
                db.session.add_all(DictItem(kind="unit_nature", code=f"{i:02d}", name=name, sort=i)
                                   for i, name in enumerate(NATURES, 1))
                db.session.commit()
                first, changed = workbook(org, n), workbook(org, n, renamed_every=10)
                username = org["root"].username
                db.session.remove()
            # Each request in its own application context, as when served.
            client = app.test_client()
            r = client.post("/login", data={"username": username, "password": factories.PASSWORD})
            assert r.status_code == 302, "login failed"
            ok &= run(client, first, "first import", {"added": n, "updated": 0, "skipped": 0})
            ok &= run(client, first, "same file again", {"added": 0, "updated": 0, "skipped": n})
            renamed = len(range(0, n, 10))
            ok &= run(client, changed, "one in ten renamed", {"added": 0, "updated": renamed, "skipped": n - renamed})
            with app.app_context():
                count = db.session.query(UnitCode).count()
                assert count == n, count
        finally:
            with app.app_context():
                drop_database(args.database_url)
    return verdict(ok)


if __name__ == "__main__":
    sys.exit(main())
