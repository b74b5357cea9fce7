"""Time 批量新增账号 of 500 工作账号 (budget: 1 s): median of 5 runs, a fresh unit each run.

    .venv/bin/python bench/bench_batch.py [--runs 5] [--count 500]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.security import generate_password_hash  # noqa: E402

from zhicheng import create_app  # noqa: E402
from zhicheng.accounts.models import KIND_UNIT  # noqa: E402
from zhicheng.accounts.services import batch_create_sub_accounts  # noqa: E402
from zhicheng.config import TestConfig  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Unit, User  # noqa: E402
from zhicheng.org.departments import create_department  # noqa: E402

BUDGET_SECONDS = 1.0


def make_unit(dept, seq: int) -> User:
    unit = Unit(uscc=f"91330106MA{seq:08d}", legal_rep="法人", name=f"基准测试单位{seq}", department=dept)
    db.session.add(unit)
    db.session.flush()
    account = User(kind=KIND_UNIT, username=f"benchunit{seq}", unit=unit,
                   password_hash=generate_password_hash("Bench12345", method="pbkdf2:sha256:1000"))
    db.session.add(account)
    db.session.commit()
    return account


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp)))
        with app.app_context():
            db.create_all()
            root = create_department("市人社局", None)
            dept = create_department("区人才职改办", root)
            db.session.commit()
            timings = []
            for run in range(1, args.runs + 1):
                actor = make_unit(dept, run)
                start = time.perf_counter()
                rows = batch_create_sub_accounts(actor, args.count, {"perm_fill": True, "perm_change_password": True})
                timings.append(time.perf_counter() - start)
                assert len(rows) == args.count
            db.session.remove()
            db.engine.dispose()
    median = statistics.median(timings)
    print(f"batch_create_sub_accounts({args.count}): median {median:.3f} s over {args.runs} runs "
          f"(min {min(timings):.3f} s, max {max(timings):.3f} s; budget {BUDGET_SECONDS:.1f} s)")
    return 0 if median <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
