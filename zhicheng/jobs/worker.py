"""What an `rq worker` runs:

    rq worker -w zhicheng.jobs.worker.AppWorker --url $JOBS_REDIS_URL zhicheng

(deploy/ has the systemd unit). RQ forks a work horse for each job; `AppWorker` builds the app
(about 60 admin views, 1–2 s) once in the worker process before it forks, so every horse starts
with it ready instead of building its own. A plain `rq worker` works too: each horse then builds
the app for its job. Either way the app comes from the same environment as the web servers."""
from __future__ import annotations

import os

from rq import Worker

_app = None
_built_in: int | None = None  # the process that built it


def app():
    """The app of this worker process, built on first use."""
    global _app, _built_in
    if _app is None:
        from zhicheng import create_app
        _app = create_app()
        _built_in = os.getpid()
    return _app


def run_task(task: str, args: list) -> None:
    global _built_in
    from zhicheng.jobs import run_in_app
    flask_app = app()
    if _built_in != os.getpid():
        # A work horse forked from the worker that built the app: connections that process may
        # have opened are its own, so this one leaves them alone and opens its own.
        from zhicheng.extensions import db
        with flask_app.app_context():
            db.engine.dispose(close=False)
        _built_in = os.getpid()
    run_in_app(flask_app, task, args)


def lower_priority(niceness: int) -> int:
    """Add `niceness` (JOBS_WORKER_NICE, clamped to 0–19) to this process's nice value, which the
    work horses it forks inherit; returns the nice value now."""
    return os.nice(max(0, min(19, niceness)))


class AppWorker(Worker):
    """RQ's forking worker with the app built before the first fork, at a lower CPU priority than
    the app servers (JOBS_WORKER_NICE)."""

    def work(self, *args, **kwargs):
        lower_priority(app().config["JOBS_WORKER_NICE"])
        return super().work(*args, **kwargs)
