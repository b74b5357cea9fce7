"""Background jobs on RQ over Redis: a job waits in the queue until a worker runs it; a user has at
most JOBS_PER_USER at once; a job lost with its worker, or never picked up, is marked failed; a
finished file is deleted after its retention. (Without Redis the same job runs in-process: the
other export tests.)"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from zhicheng import storage
from zhicheng.extensions import db
from zhicheng.jobs import worker
from zhicheng.models import ExportJob
from zhicheng.review.workflow import submit_materials

from .. import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def rq_app(app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at " + REDIS_URL)
    # A queue of this test's own: parallel test workers share the Redis database.
    app.config.update(JOBS_REDIS_URL=REDIS_URL, JOBS_QUEUE=f"zhicheng-test-{secrets.token_hex(6)}",
                      EXPORT_BACKGROUND_THRESHOLD=-1)  # every export, even of no rows, as a job
    worker._app = app  # the worker runs in this process, against the test's database
    yield app
    from zhicheng.jobs import queue
    queue(app).delete(delete_jobs=True)
    worker._app = None


def _materials(org):
    p = org.projects["middle"]
    ids = [factories.material(p, org["unit_a"], name=f"王{i}", seq=i).id for i in range(1, 4)]
    submit_materials(org["unit_a"], ids, "经办人", "13900001111")
    db.session.commit()


def _start(client) -> int:
    r = client.get("/admin/export/download")
    assert r.status_code == 302 and "/admin/export/job/" in r.headers["Location"], r.headers.get("Location")
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _job(job_id) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _work(app) -> None:
    """What `rq worker` does with each job of the queue (in this process, without the worker's
    process management): the job as RQ stored it in Redis, run through zhicheng.jobs.worker."""
    from zhicheng.jobs import queue
    q = queue(app)
    while (job := q.dequeue_any([q], None, connection=q.connection)) is not None:
        job[0].perform()


def test_a_job_waits_for_the_worker_then_is_downloadable(rq_app, org, auth):
    _materials(org)
    client = auth.client("unita")
    job_id = _start(client)
    assert _job(job_id).status == "pending"
    assert "正在导出" in client.get(f"/admin/export/job/{job_id}").get_data(as_text=True)
    _work(rq_app)
    job = _job(job_id)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    assert job.heartbeat_at is not None and job.started_at is not None
    r = client.get(f"/admin/export/job/{job_id}/file")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert auth.client("unitb").get(f"/admin/export/job/{job_id}/file").status_code == 404


def test_a_user_has_at_most_two_jobs_at_once(rq_app, org, auth):
    _materials(org)
    client = auth.client("unita")
    _start(client), _start(client)
    r = client.get("/admin/export/download", follow_redirects=True)
    assert "您已有2个后台任务正在进行（每人最多同时2个）" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 2
    # another user is not held up by them
    assert _start(auth.client("unita001"))


def test_a_lost_or_never_started_job_is_marked_failed(rq_app, org, auth):
    _materials(org)
    client = auth.client("unita")
    lost, waiting, fresh = _start(client), _start(auth.client("unita001")), _start(auth.client("unitb"))
    long_ago = datetime.now() - timedelta(hours=2)
    for job_id, values in ((lost, dict(status="running", heartbeat_at=long_ago)),
                           (waiting, dict(created_at=long_ago)),
                           (fresh, dict(status="running", heartbeat_at=datetime.now()))):
        db.session.execute(ExportJob.__table__.update().where(ExportJob.id == job_id).values(**values))
    db.session.commit()
    page = client.get(f"/admin/export/job/{lost}").get_data(as_text=True)
    assert "导出失败：导出中断（后台处理进程已停止），请重新导出" in page
    assert _job(waiting).status == "failed" and "后台处理进程未运行" in _job(waiting).error
    assert _job(fresh).status == "running"
    # the worker that gets the reaped job later leaves it alone
    _work(rq_app)
    assert _job(lost).status == "failed"


def test_a_finished_file_is_deleted_after_its_retention(rq_app, org, auth):
    _materials(org)
    client = auth.client("unita")
    job_id = _start(client)
    _work(rq_app)
    stored = _job(job_id).stored_name
    assert storage.exists(stored, area="exports")
    r = rq_app.test_cli_runner().invoke(args=["jobs", "purge"])
    assert "删除过期的导出文件：0 个" in r.output
    db.session.execute(ExportJob.__table__.update().where(ExportJob.id == job_id)
                       .values(finished_at=datetime.now() - timedelta(days=8)))
    db.session.commit()
    r = rq_app.test_cli_runner().invoke(args=["jobs", "purge"])
    assert r.exit_code == 0 and "删除过期的导出文件：1 个" in r.output
    assert not storage.exists(stored, area="exports")
    assert _job(job_id).status == "expired"
    assert "已超过保留期限（7天）" in client.get(f"/admin/export/job/{job_id}").get_data(as_text=True)
    assert client.get(f"/admin/export/job/{job_id}/file").status_code == 404


def test_the_reset_mail_is_a_job_the_worker_sends(rq_app, org, client, csrf):
    """忘记密码 answers at once; the mail (with a link that works) is sent by the worker."""
    from ..accounts.test_login import ask_reset, outbox, reset_link
    org["unit_a"].email = "unita@example.com"
    db.session.commit()
    rq_app.config["BASE_URL"] = "http://localhost"
    assert ask_reset(client, csrf, "unita", "unita@example.com").status_code in (200, 302)
    assert outbox(rq_app) == [], "nothing is sent before the worker runs the job"
    _work(rq_app)
    mails = outbox(rq_app)
    assert len(mails) == 1
    assert client.get(reset_link(mails[0])).status_code == 200


def test_a_worker_runs_its_jobs_at_a_lower_cpu_priority(monkeypatch):
    """JOBS_WORKER_NICE (default 19) is added to the worker's nice value before it takes jobs; the
    work horses it forks inherit it. Clamped to 0–19."""
    import subprocess
    import sys
    from types import SimpleNamespace

    from rq import Worker

    from zhicheng.config import Config
    from zhicheng.jobs import worker
    assert Config().JOBS_WORKER_NICE == 19
    asked = []
    monkeypatch.setattr(worker, "lower_priority", asked.append)
    monkeypatch.setattr(worker, "app", lambda: SimpleNamespace(config={"JOBS_WORKER_NICE": 7}))
    monkeypatch.setattr(Worker, "work", lambda self, *args, **kwargs: "worked")
    assert worker.AppWorker.__new__(worker.AppWorker).work() == "worked" and asked == [7]
    # In a process of its own (a nice value cannot be taken back): +3, then +25 stops at 19.
    code = ("import os; from zhicheng.jobs.worker import lower_priority; "
            "print(os.nice(0), lower_priority(3), lower_priority(25))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    base, after, last = map(int, out)
    assert after == min(19, base + 3) and last == 19
