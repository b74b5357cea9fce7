"""导出汇总表 at volume: time and peak RSS of exporting 10k and 100k rows.

    DATABASE_URL=... .venv/bin/python bench/bench_export.py        # a city-scale database
    .venv/bin/python bench/bench_export.py                          # builds a temporary one (100k materials)

Each export runs in a fresh process so its peak RSS is its own (the whole process: Python,
the app and the export). Budgets: 10k rows ≤ 2.5 s and ≤ 100 MB; 100k rows ≤ 150 MB.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# In-process exports only: PostgreSQL's required settings get values for this run.
os.environ.setdefault("SECRET_KEY", "bench-export-in-process")
os.environ.setdefault("BASE_URL", "http://localhost")


def child(rows: int) -> None:
    from sqlalchemy import select

    from zhicheng import create_app
    from zhicheng.exporting.services import (
        MATERIAL_COLUMNS,
        ExportFilters,
        _material_rows,
        material_conditions,
        write_xlsx,
    )
    from zhicheng.extensions import db
    from zhicheng.models import Material, User

    app = create_app()
    with app.app_context():
        root = db.session.scalar(select(User).where(User.username == "rsj_admin"))
        conds = material_conditions(root, ExportFilters())
        first = db.session.scalar(select(Material.id).where(*conds).order_by(Material.id).limit(1))
        last = db.session.scalar(select(Material.id).where(*conds).order_by(Material.id).offset(rows - 1).limit(1))
        conds.append(Material.id.between(first, last))
        before_mb = _vm("VmRSS")
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            n = write_xlsx(str(Path(tmp) / "out.xlsx"), "汇总表", MATERIAL_COLUMNS, _material_rows(conds))
            seconds = time.perf_counter() - start
            size = (Path(tmp) / "out.xlsx").stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
                      "before_mb": round(before_mb, 1), "file_mb": round(size / 1e6, 1)}))


def _vm(key: str) -> float:
    """A line of /proc/self/status in MB (VmRSS now, VmHWM peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    env = dict(os.environ)
    tmpdir = None
    if not env.get("DATABASE_URL"):
        tmpdir = tempfile.mkdtemp(prefix="zc-bench-")
        env["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite"
        env["ZHICHENG_INSTANCE"] = tmpdir
        print("building a temporary database with 100k materials …", flush=True)
        subprocess.run([sys.executable, "-c", (
            "from zhicheng import create_app\n"
            "from zhicheng import transaction\n"
            "from zhicheng.extensions import db\n"
            "from zhicheng.demodata.city import load_city\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    db.create_all()\n"
            "    load_city(units=1000, subs_per_unit=2, materials=125_000, echo=lambda *a: None)\n"
            "    transaction.commit()\n")],
            env=env, cwd=ROOT, check=True)
    budgets = {10_000: (2.5, 100), 100_000: (None, 150)}
    for rows, (max_s, max_mb) in budgets.items():
        out = subprocess.run([sys.executable, __file__, "--child", str(rows)], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        r = json.loads(out)
        ok = (max_s is None or r["seconds"] <= max_s) and r["peak_rss_mb"] <= max_mb
        print(f"export {r['rows']:>7} rows: {r['seconds']:6.2f} s, peak RSS {r['peak_rss_mb']:6.1f} MB "
              f"(app at rest {r['before_mb']:.1f} MB, the export adds {r['peak_rss_mb'] - r['before_mb']:.1f} MB), "
              f"file {r['file_mb']} MB  (budget: {'≤ %.1f s, ' % max_s if max_s else ''}≤ {max_mb} MB) "
              f"{'ok' if ok else 'OVER'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        raise SystemExit(main())
