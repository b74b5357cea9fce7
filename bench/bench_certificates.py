"""评后管理 at volume, on data built here:

- numbers: 发文 of one confirmed batch of 10,000 people (证书编号 from the counter, 查询码, bulk
  insert of the certificates), budget 5 s;
- verify: the public 证书查询 (POST /verify through the app) among 200,000 certificates, 1,000
  queries (four in five match, the rest miss on the name), budget p95 20 ms; and the 公示 page of a
  batch of 300 people, served from the cache after its first rendering;
- pdf: 批量打印 of a 发文 of 500 certificates merged into one PDF by the job, budget 60 s and
  300 MB peak RSS (of this process; run it alone: `--only pdf`).

    .venv/bin/python bench/bench_certificates.py [--only numbers|verify|pdf]
    .venv/bin/python bench/bench_certificates.py --database-url postgresql+psycopg://…/empty_db

With --database-url the database must be empty: the tables are created and dropped again.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, inspect, select  # noqa: E402

from bench._common import drop_database, verdict  # noqa: E402
from tests import factories  # noqa: E402
from zhicheng import create_app, transaction  # noqa: E402
from zhicheng.certificates import issuing  # noqa: E402
from zhicheng.certificates.models import Certificate, PublicityBatch, PublicityEntry  # noqa: E402
from zhicheng.config import TestConfig  # noqa: E402
from zhicheng.extensions import db  # noqa: E402
from zhicheng.models import Material, MaterialState, Project, User  # noqa: E402

NUMBERS_BUDGET, VERIFY_P95_BUDGET_MS, PDF_BUDGET, PDF_RSS_BUDGET_MB = 5.0, 20.0, 60.0, 300
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def confirmed_batch(org, people: int, rng: random.Random, title: str) -> PublicityBatch:
    """`people` results of unit A's 初级 project, confirmed (评定) on a batch whose period ended,
    inserted in bulk (the workflow's own cost is not what is measured)."""
    # By primary key: requests served in-process in between may have let the org's rows go.
    project = db.session.get(Project, inspect(org.projects["xihu_junior"]).identity[0])
    creator = db.session.get(User, inspect(org["unit_a"]).identity[0])
    root_id = inspect(org.root).identity[0]
    now = datetime.now().replace(microsecond=0)
    base = db.session.scalar(select(Material.id).order_by(Material.id.desc()).limit(1)) or 0
    rows = [dict(number=f"B{base + i:09d}", project_id=project.id, unit_id=creator.unit_id, creator_id=creator.id,
                 state=MaterialState.CERTIFIED, version=1, name=_name(rng), id_card=f"3301061980{base + i:08d}",
                 series="工程", major="计算机应用", qualification="助理工程师", created_at=now, updated_at=now)
            for i in range(1, people + 1)]
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Material), rows[chunk:chunk + 5000])
    start = date.today() - timedelta(days=20)
    batch = PublicityBatch(title=title, department_id=root_id, start_date=start, end_date=start + timedelta(days=8),
                           state="confirmed", created_at=now, confirmed_at=now)
    db.session.add(batch)
    db.session.flush()
    ids = list(db.session.scalars(select(Material.id).where(Material.id > base).order_by(Material.id)))
    entries = [dict(batch_id=batch.id, material_id=mid, name=r["name"], unit_name="甲单位科技有限公司",
                    qualification="助理工程师", major="计算机应用", source=project.name, state="certified")
               for mid, r in zip(ids, rows, strict=True)]
    for chunk in range(0, len(entries), 5000):
        db.session.execute(insert(PublicityEntry), entries[chunk:chunk + 5000])
    transaction.commit()
    return batch


def bench_numbers(org, rng) -> bool:
    batch = confirmed_batch(org, 10_000, rng, "万人批次")
    root = db.session.get(User, org["root"].id)
    t0 = time.perf_counter()
    certs = issuing.issue_batch(root, batch.id, "杭人社发〔2026〕12号", "杭州市人力资源和社会保障局", date.today())
    transaction.commit()
    took = time.perf_counter() - t0
    numbers = [c.number for c in certs]
    ok = len(set(numbers)) == 10_000 and [int(n[-5:]) for n in sorted(numbers)] == list(range(1, 10_001))
    print(f"numbers: 发文 of 10,000 people: {took:.2f} s (budget {NUMBERS_BUDGET} s), "
          f"numbers {numbers[0]}…{numbers[-1]}, consecutive and unique: {ok}")
    return ok and took <= NUMBERS_BUDGET


def bench_verify(app, org, rng) -> bool:
    now = datetime.now().replace(microsecond=0)
    people = []
    rows = []
    for i in range(200_000):
        name = _name(rng)
        row = dict(number=f"2020{i:08d}", name=name, id_card=f"3301061970{i:08d}", qualification="工程师",
                   series="工程", level="middle", major="计算机应用", obtained_on=date(2020, 12, 1),
                   issuing_body="杭州市人力资源和社会保障局", issued_on=date(2020, 12, 1), doc_number="",
                   query_code=issuing.new_query_code(), source="imported", state="valid", revoked_reason="",
                   created_at=now)
        rows.append(row)
        if i % 200 == 0:
            people.append((row["number"], name, row["query_code"]))
    t0 = time.perf_counter()
    for chunk in range(0, len(rows), 10_000):
        db.session.execute(insert(Certificate), rows[chunk:chunk + 10_000])
    transaction.commit()
    print(f"verify: 200,000 certificates inserted in {time.perf_counter() - t0:.1f} s")
    # No CSRF token to fetch, and neither the per-address limit nor the captcha for this one address.
    app.config.update(WTF_CSRF_ENABLED=False, VERIFY_RATE_LIMIT="1000000 per minute", VERIFY_CAPTCHA_FAILURES=10 ** 9)
    client = app.test_client()
    times, cpu, hits = [], [], 0
    for q in range(1000):
        number, name, code = people[q % len(people)]
        if q % 5 == 4:
            name = name + "某"
        t0, c0 = time.perf_counter(), time.process_time()
        page = client.post("/verify", data={"no": number, "name": name, "code": code}).get_data(as_text=True)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        hits += 'id="verify-result"' in page
    times.sort()
    cpu.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    # On a loaded machine the wall time is mostly waiting for a core: the CPU time is the app's own.
    print(f"verify: POST /verify × 1000 among 200,000: median {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(budget {VERIFY_P95_BUDGET_MS} ms); CPU time median {statistics.median(cpu):.1f} ms, "
          f"p95 {cpu[949]:.1f} ms; {hits} found (800 expected)")
    # The 公示 page of a 300-person batch in its period.
    batch = confirmed_batch(org, 300, rng, "公示页面批次")
    today = date.today()
    db.session.get(PublicityBatch, batch.id).state = "publicizing"
    b = db.session.get(PublicityBatch, batch.id)
    b.start_date, b.end_date = today, today + timedelta(days=10)
    transaction.commit()
    t0 = time.perf_counter()
    first = client.get("/publicity/")
    cold = (time.perf_counter() - t0) * 1000
    warm = []
    for _ in range(1000):
        t0 = time.perf_counter()
        r = client.get("/publicity/")
        warm.append((time.perf_counter() - t0) * 1000)
    warm.sort()
    print(f"publicity: GET /publicity/ (300 people): first {cold:.1f} ms, then from the cache median "
          f"{statistics.median(warm):.2f} ms, p95 {warm[949]:.2f} ms; same page: {r.data == first.data}")
    return hits == 800 and p95 <= VERIFY_P95_BUDGET_MS


def bench_pdf(app, org, rng) -> bool:
    from zhicheng.certificates.jobs import start_certificate_print
    from zhicheng.exporting.models import ExportJob
    batch = confirmed_batch(org, 500, rng, "五百人批次")
    root = db.session.get(User, org["root"].id)
    issuing.issue_batch(root, batch.id, "杭人社发〔2026〕13号", "杭州市人力资源和社会保障局", date.today())
    transaction.commit()
    app.config["JOBS_REDIS_URL"] = ""
    t0, c0 = time.perf_counter(), time.process_time()
    with app.test_request_context("/"):
        job = start_certificate_print(root, db.session.get(PublicityBatch, batch.id))
        job_id = job.id
        transaction.commit()  # the job runs in-process after the commit
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    job = db.session.get(ExportJob, job_id)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = 0
    if job.stored_name:
        size = os.path.getsize(Path(app.config["EXPORT_DIR"]) / job.stored_name) / 1e6
    print(f"pdf: 500 certificates merged by the job: {took:.1f} s (budget {PDF_BUDGET} s; CPU time {cpu:.1f} s), "
          f"status {job.status}, "
          f"{job.done} done, file {size:.1f} MB, peak RSS {rss:.0f} MB (budget {PDF_RSS_BUDGET_MB} MB)")
    return job.status == "done" and took <= PDF_BUDGET and rss <= PDF_RSS_BUDGET_MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--only", choices=("numbers", "verify", "pdf"))
    args = parser.parse_args()
    rng = random.Random(15)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("numbers", "verify", "pdf"):
            if args.only and part != args.only:
                continue
            app = create_app(TestConfig(Path(tmp) / part if not args.database_url else Path(tmp), args.database_url))
            (Path(tmp) / part).mkdir(exist_ok=True)
            with app.app_context():
                db.create_all()
                try:
                    org = factories.build_org()
                    if part == "numbers":
                        ok &= bench_numbers(org, rng)
                    elif part == "verify":
                        ok &= bench_verify(app, org, rng)
                    else:
                        ok &= bench_pdf(app, org, rng)
                finally:
                    drop_database(args.database_url)
    return verdict(ok)


if __name__ == "__main__":
    sys.exit(main())
