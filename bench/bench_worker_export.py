"""A background export run by a real `rq worker` process, and a worker killed in the middle of one.

    export DATABASE_URL=postgresql+psycopg://…  SECRET_KEY=… BASE_URL=…   # city data (flask demo-data --scale city)
    export JOBS_REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python bench/bench_worker_export.py                # 导出汇总表 of ~100k rows (上报 2022–2024)
    .venv/bin/python bench/bench_worker_export.py --kill         # SIGKILL the worker mid-job, reap each minute

The export is started as the page starts it (start_export_job as the root office, committed, so
it goes onto the queue), on a queue of its own (JOBS_QUEUE=bench-export-<pid>) with files in a
temporary directory. `rq worker --burst` runs it under /usr/bin/time -v: its maximum resident set
size is the largest of the worker and the work horse it forks for the job.
Budget: 100k rows ≤ 20 s at ≤ 150 MB RSS.

--kill starts a worker (not --burst), waits until the job has written rows, kills the worker and
the work horse it forked for the job (RQ puts the horse in a process group of its own) with
SIGKILL (a machine or container lost), then runs `flask jobs reap` as the minute timer does
(--first seconds after the kill, then every --every seconds) until the job is failed;
`--first 58` is the worst phase (the first reap finds the heartbeat just under 60 s old).
Budget: failed within 2 minutes of the kill with the default JOB_STALE_SECONDS=60.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.processes import descendants  # noqa: E402


def _settings(tmp: str) -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL") or not env.get("JOBS_REDIS_URL"):
        raise SystemExit("set DATABASE_URL (city data) and JOBS_REDIS_URL")
    env.setdefault("SECRET_KEY", "bench-worker-export")
    env.setdefault("BASE_URL", "http://localhost")
    env["JOBS_QUEUE"] = f"bench-export-{os.getpid()}"
    env["JOBS_PER_USER"] = "1000"  # earlier runs' jobs do not count against this one
    env["STORAGE_BACKEND"] = env.get("STORAGE_BACKEND", "local")
    env["ZHICHENG_INSTANCE"] = tmp
    for key, sub in (("EXPORT_DIR", "exports"), ("UPLOAD_DIR", "uploads"), ("MAIL_OUTBOX_DIR", "outbox")):
        env[key] = str(Path(tmp) / sub)
    return env


def _app():
    from zhicheng import create_app
    return create_app()


def start_job(app, filters: dict) -> tuple[int, int]:
    """The job row and its queue entry, as the 导出汇总表 page makes them."""
    from sqlalchemy import select

    from zhicheng import transaction
    from zhicheng.exporting.services import ExportFilters, count_materials, material_conditions, start_export_job
    from zhicheng.extensions import db
    from zhicheng.models import User
    with app.app_context():
        root = db.session.scalar(select(User).where(User.username == "rsj_admin"))
        f = ExportFilters(**filters)
        total = count_materials(material_conditions(root, f))
        job = start_export_job(root, f, total)
        job_id = job.id
        transaction.commit()  # enqueued to RQ once committed
        db.session.remove()
    return job_id, total


def job_row(app, job_id: int):
    from zhicheng.extensions import db
    from zhicheng.models import ExportJob
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        row = (job.status, job.done, job.total, job.started_at, job.finished_at, job.heartbeat_at, job.error)
        db.session.remove()
    return row


def drop_queue(app) -> None:
    from zhicheng import jobs
    jobs.queue(app).delete(delete_jobs=True)


def export(env: dict, filters: dict, worker_class: str, n_jobs: int) -> int:
    app = _app()
    job_ids = []
    for _ in range(n_jobs):
        job_id, total = start_job(app, filters)
        job_ids.append(job_id)
    print(f"jobs {job_ids}: 导出汇总表 {filters}, {total} rows each, queue {env['JOBS_QUEUE']}, "
          f"worker class {worker_class}", flush=True)
    timing = Path(env["ZHICHENG_INSTANCE"]) / "time.txt"
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-v", "-o", str(timing), str(BIN / "rq"), "worker", "--burst",
                    "-w", worker_class,
                    "--url", env["JOBS_REDIS_URL"], "--name", f"bench-{os.getpid()}", env["JOBS_QUEUE"]],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    text = timing.read_text()
    peak_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    # CPU time of the worker and its work horses: what the load of the machine changes least.
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1)) for kind in ("User", "System"))
    ok = True
    for job_id in job_ids:
        status, done, total, started, finished, _hb, error = job_row(app, job_id)
        job_s = (finished - started).total_seconds() if started and finished else float("nan")
        ok = ok and status == "done" and job_s <= 20
        print(f"job {job_id} {status}{' (' + error + ')' if error else ''}: {done} rows; "
              f"job started→finished {job_s:.1f} s")
    drop_queue(app)
    ok = ok and peak_mb <= 150
    print(f"worker process wall {wall:.1f} s (with start-up), CPU user+sys {cpu:.1f} s (worker and work horses), "
          f"peak RSS {peak_mb:.1f} MB (budget per job ≤ 20 s, ≤ 150 MB) {'ok' if ok else 'OVER'}")
    return 0 if ok else 1


def kill(env: dict, filters: dict, every: float, limit: float, first: float) -> int:
    app = _app()
    job_id, total = start_job(app, filters)
    print(f"job {job_id}: {total} rows, JOB_STALE_SECONDS={app.config['JOB_STALE_SECONDS']}, "
          f"reap every {every:.0f} s", flush=True)
    worker = subprocess.Popen([str(BIN / "rq"), "worker", "-w", "zhicheng.jobs.worker.AppWorker", "--url", env["JOBS_REDIS_URL"],
                               "--name", f"bench-kill-{os.getpid()}", env["JOBS_QUEUE"]],
                              env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            status, done, *_ = job_row(app, job_id)
            if status == "running" and done:
                break
            if status not in ("pending", "running") or time.monotonic() > deadline:
                raise SystemExit(f"the job did not get going: {status}")
            time.sleep(0.2)
        horses = descendants(worker.pid)
        for pid in [worker.pid, *horses]:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        print(f"{datetime.now():%H:%M:%S} worker {worker.pid} and work horse {horses} killed (SIGKILL) "
              f"with {done} rows written", flush=True)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
    tick = killed + first
    time.sleep(max(0.0, tick - time.monotonic()))
    while True:
        subprocess.run([str(BIN / "flask"), "--app", "app", "jobs", "reap"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status, done, _t, _s, _f, heartbeat, error = job_row(app, job_id)
        after = time.monotonic() - killed
        print(f"{datetime.now():%H:%M:%S} +{after:5.1f} s  flask jobs reap: {status}"
              f"{' — ' + error if error else ''} (last heartbeat {heartbeat:%H:%M:%S})", flush=True)
        if status == "failed" or after > limit + every:
            break
        tick += every
        time.sleep(max(0.0, tick - time.monotonic()))
    drop_queue(app)
    ok = status == "failed" and after <= limit
    print(f"failed {after:.1f} s after the kill (budget ≤ {limit:.0f} s) {'ok' if ok else 'OVER'}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", default="", help="export filter: a state (approved: 80k of the city's 200k); none by default")
    ap.add_argument("--date-from", default="2022-01-01", help="上报开始日期 filter (with --date-to: 2022–2024, ~101k rows)")
    ap.add_argument("--date-to", default="2024-12-31", help="上报截止日期 filter")
    ap.add_argument("--kill", action="store_true", help="kill the worker mid-job and reap")
    ap.add_argument("--every", type=float, default=60.0, help="--kill: seconds between reaps (the timer's)")
    ap.add_argument("--first", type=float, default=0.0,
                    help="--kill: seconds from the kill to the timer's first reap (its phase; 58: the worst case)")
    ap.add_argument("--worker-class", default="zhicheng.jobs.worker.AppWorker",
                    help="rq worker -w (rq.Worker: each work horse builds the app for its job)")
    ap.add_argument("--jobs", type=int, default=1, help="exports queued before the worker starts")
    ap.add_argument("--limit", type=float, default=120.0, help="--kill: budget in seconds")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="zc-worker-bench-") as tmp:
        env = _settings(tmp)
        os.environ.update(env)  # this process starts the job with the worker's settings
        from datetime import date
        filters = {k: v for k, v in (("state", args.state or None),
                                     ("date_from", args.date_from and date.fromisoformat(args.date_from)),
                                     ("date_to", args.date_to and date.fromisoformat(args.date_to))) if v}
        if args.kill:
            return kill(env, filters, args.every, args.limit, args.first)
        return export(env, filters, args.worker_class, args.jobs)


if __name__ == "__main__":
    raise SystemExit(main())
