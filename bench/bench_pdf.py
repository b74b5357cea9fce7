"""Benchmark of 打印初定表/认定表: font registration, then 20 forms rendered to PDF.

    .venv/bin/python bench/bench_pdf.py [--forms 20] [--warmup 3]

Prints the time register_fonts() takes in a fresh process (the libraries
imported first, and timed apart), then the median and p95 wall time of render_material_pdf() over the forms (after a warm-up), and
exits non-zero when either is over the budget (100 ms a form).

The forms are built in a throw-away SQLite database with a minimal Flask app,
so the benchmark does not depend on the rest of the application: materials of
every state (a draft and a returned one carry the watermark), one to three
degrees, one to four posts, and 专业技术工作业绩 from 150 to 1,500 characters.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = 100.0

SENTENCE = ("本人自参加工作以来，一直从事计算机应用与软件开发工作，主持并参与了多个大型信息化项目的"
            "需求分析、系统设计与实施，解决了数据交换平台高并发处理等关键技术问题。")
NAMES = ["王𠮷", "刘䶮", "张堃", "李喆", "陈玥", "赵赟", "周昇", "吴晓明", "郑秀英", "欧阳娜娜"]
STATES = ["draft", "in_review", "approved", "returned", "in_review"]


def build_app(tmp: Path):
    from flask import Flask

    from zhicheng.extensions import db

    app = Flask("bench_pdf", template_folder=str(ROOT / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp / 'bench.sqlite'}"
    db.init_app(app)
    return app


def make_materials(n: int):
    from zhicheng.accounts.models import KIND_UNIT
    from zhicheng.extensions import db
    from zhicheng.models import Department, Education, Material, Project, ReviewRecord, Unit, User, WorkHistory

    root = Department(name="杭州市人力资源和社会保障局", path="/1/", depth=0)
    dept = Department(name="西湖区人才职改办", parent=root, path="/1/2/", depth=1)
    unit = Unit(uscc="91330106MA0000001X", legal_rep="法人", name="杭州市西湖区某某信息科技有限公司",
                department=dept)
    user = User(kind=KIND_UNIT, username="bench", password_hash="x", unit=unit)
    projects = [
        Project(name="2025年度初级初定", kind="cd_junior", year=2025, start_date=date(2025, 1, 1),
                end_date=date(2025, 12, 31), issuer=dept),
        Project(name="2025年度初级认定", kind="rd_junior", year=2025, start_date=date(2025, 1, 1),
                end_date=date(2025, 12, 31), issuer=dept),
    ]
    db.session.add_all([root, dept, unit, user, *projects])
    db.session.flush()
    materials = []
    for i in range(n):
        length = 150 + (i * 1350) // max(n - 1, 1)  # 150 .. 1,500 characters
        text = (SENTENCE * (length // len(SENTENCE) + 1))[:length]
        state = STATES[i % len(STATES)]
        m = Material(number=f"2025CD{i + 1:06d}", project=projects[i % 2], unit=unit, creator=user,
                     state=state, name=NAMES[i % len(NAMES)], gender="男" if i % 2 else "女",
                     birth_date=date(1985 + i % 10, 1 + i % 12, 1 + i % 28),
                     id_card=f"33010619900517{i:04d}", phone="13800138000",
                     work_start_date=date(2010, 7, 1), current_major="计算机应用技术",
                     series="工程技术", major="计算机应用", qualification="助理工程师",
                     education="大学本科", current_title="技术员",
                     achievements="\n".join(text[k:k + 400] for k in range(0, len(text), 400)))
        db.session.add(m)
        for k in range(1 + i % 3):
            m.educations.append(Education(start_date=date(2000 + 4 * k, 9, 1), end_date=date(2004 + 4 * k, 6, 30),
                                          school="浙江工业大学", major="计算机科学与技术",
                                          education=["大专", "本科", "研究生"][k], degree=["", "学士", "硕士"][k]))
        for k in range(1 + i % 4):
            m.work_histories.append(WorkHistory(start_date=date(2010 + 3 * k, 7, 1),
                                                end_date=None if k == i % 4 else date(2013 + 3 * k, 6, 30),
                                                employer="杭州市西湖区某某信息科技有限公司", post="软件工程师",
                                                duty="系统设计与开发"))
        db.session.flush()
        if state in ("in_review", "approved", "returned"):
            db.session.add(ReviewRecord(material=m, action="submit", to_department_id=dept.id,
                                        actor_name="张经办", state_after="in_review", at=datetime(2025, 3, 1, 9)))
        if state == "approved":
            db.session.add(ReviewRecord(material=m, action="approve", department=dept, actor_name="李审核",
                                        state_after="approved", at=datetime(2025, 3, 5, 9)))
        if state == "returned":
            db.session.add(ReviewRecord(material=m, action="return", department=dept, actor_name="李审核",
                                        reason="学历证书不清晰", state_after="returned",
                                        at=datetime(2025, 3, 5, 9)))
        materials.append(m)
    db.session.commit()
    return materials


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    import reportlab.pdfbase.ttfonts  # noqa: F401  (the libraries, timed apart from the font)
    import xhtml2pdf.pisa  # noqa: F401
    t1 = time.perf_counter()
    from zhicheng.printing import fonts
    from zhicheng.printing import pdf as printing
    t2 = time.perf_counter()
    fonts.register_fonts()
    t3 = time.perf_counter()
    fonts.register_fonts()  # idempotent: the second call is free
    t4 = time.perf_counter()
    print(f"import xhtml2pdf + reportlab: {(t1 - t0) * 1000:.1f} ms; import zhicheng.printing: {(t2 - t1) * 1000:.1f} ms")
    print(f"register_fonts(): {(t3 - t2) * 1000:.1f} ms (again: {(t4 - t3) * 1000:.3f} ms)")

    from zhicheng.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        with app.app_context():
            db.create_all()
            materials = make_materials(args.forms)
            for m in materials[: args.warmup]:
                printing.render_material_pdf(m)
            wall, cpu, pages = [], [], []
            for m in materials:
                w, c = time.perf_counter(), time.process_time()
                pdf = printing.render_material_pdf(m)
                wall.append((time.perf_counter() - w) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                pages.append(printing.page_count(pdf))
            db.session.remove()
            db.engine.dispose()

    median, p95 = statistics.median(wall), percentile(wall, 95)
    print(f"forms: {len(wall)} ({min(pages)}-{max(pages)} pages), warm-up: {args.warmup}")
    print(f"render wall: median {median:.1f} ms, p95 {p95:.1f} ms, min {min(wall):.1f} ms, max {max(wall):.1f} ms")
    print(f"render cpu:  median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms")
    ok = median <= BUDGET_MS and p95 <= BUDGET_MS
    print(f"budget {BUDGET_MS:.0f} ms: {'ok' if ok else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
