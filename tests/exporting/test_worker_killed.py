"""A worker killed in the middle of an export (SIGKILL: the machine or container lost, nothing
cleaned up): the job stays "running" until its heartbeat is JOB_STALE_SECONDS old, then the
reaper (`flask jobs reap`, run each minute by the timer in deploy/) marks it failed. With the
timer's period equal to JOB_STALE_SECONDS (60 s), that is within two minutes of the kill; here
JOB_STALE_SECONDS is 2 and the reaper runs every half second. A real `rq worker` process runs
the job against the test's database (SQLite file or TEST_DATABASE_URL); skipped without Redis."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhicheng.extensions import db
from zhicheng.models import ExportJob
from zhicheng.review.workflow import submit_materials

from .. import factories
from ..processes import descendants

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STALE = 2


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    pytest.importorskip("rq")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at " + REDIS_URL)
    return REDIS_URL


def _job(job_id) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def test_a_killed_workers_job_is_failed_by_the_reaper(app, org, auth, redis_url, tmp_path):
    queue_name = f"zhicheng-test-{secrets.token_hex(6)}"
    app.config.update(JOBS_REDIS_URL=redis_url, JOBS_QUEUE=queue_name, JOB_STALE_SECONDS=STALE,
                      EXPORT_BACKGROUND_THRESHOLD=-1)  # every export a job
    p = org.projects["middle"]
    ids = [factories.material(p, org["unit_a"], name=f"王{i}", seq=i).id for i in range(1, 4)]
    submit_materials(org["unit_a"], ids, "经办人", "13900001111")
    db.session.commit()
    r = auth.client("unita").get("/admin/export/download")
    assert r.status_code == 302 and "/admin/export/job/" in r.headers["Location"]
    job_id = int(r.headers["Location"].rstrip("/").split("/")[-1])

    c = app.config
    env = dict(os.environ, DATABASE_URL=c["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=c["SECRET_KEY"],
               BASE_URL=c["BASE_URL"], JOBS_REDIS_URL=redis_url, JOBS_QUEUE=queue_name,
               ZHICHENG_INSTANCE=str(tmp_path), EXPORT_DIR=c["EXPORT_DIR"], UPLOAD_DIR=c["UPLOAD_DIR"],
               MAIL_OUTBOX_DIR=c["MAIL_OUTBOX_DIR"], STORAGE_BACKEND="local")
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "rq"), "worker", "--url", redis_url, "--path", str(ROOT),
         "-w", "tests.exporting.slow_worker.SlowExportWorker", "--name", queue_name, queue_name],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90  # the worker's start-up on a busy machine
        while not ((job := _job(job_id)).status == "running" and job.done >= 1):
            assert job.status in ("pending", "running"), (job.status, job.error)
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "the worker did not start the job"
            time.sleep(0.1)
        horses = descendants(worker.pid)
        assert horses, "RQ runs the job in a work horse of its own"
        for pid in [worker.pid, *horses]:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        worker.stdout.close()

    runner = app.test_cli_runner()
    reaped_after = None
    while reaped_after is None and time.monotonic() - killed < 4 * STALE + 5:
        result = runner.invoke(args=["jobs", "reap"])
        assert result.exit_code == 0, result.output
        job = _job(job_id)
        if job.status == "failed":
            reaped_after = time.monotonic() - killed
        else:
            assert job.status == "running" and job.done >= 1  # killed: nothing moves it on
            time.sleep(0.5)
    assert reaped_after is not None, "the reaper left the killed worker's job running"
    # Not before its heartbeat was JOB_STALE_SECONDS old; soon after (the timer's period later, at most).
    assert reaped_after <= 2 * STALE + 1.5
    job = _job(job_id)
    assert job.error == "导出中断（后台处理进程已停止），请重新导出" and job.finished_at is not None
    assert "导出失败" in auth.client("unita").get(f"/admin/export/job/{job_id}").get_data(as_text=True)

    from zhicheng.jobs import queue
    queue(app).delete(delete_jobs=True)
