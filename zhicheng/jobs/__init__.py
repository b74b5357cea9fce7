"""Background jobs: long work (exports, mail) runs outside the request that asked for it.

With JOBS_REDIS_URL set, a job goes to an RQ queue on Redis and an `rq worker` process (any number,
on any server) runs it; without it (the embedded default: `make run`, no Redis) the same function
runs in the app's own process, synchronously, once the request's transaction has committed. Either
way a job is a function named by its dotted path, called with plain arguments (ids, not rows) in an
app context of its own, and its work is committed by the runner here.
"""
from __future__ import annotations

import importlib
import time

from flask import Flask, current_app

from zhicheng import transaction
from zhicheng.extensions import db


def enqueue(task: str, *args) -> None:
    """Run `task(*args)` in the background once the current transaction has committed (it reads
    the rows this transaction writes); nothing is run if the transaction is rolled back."""
    app = current_app._get_current_object()
    transaction.after_commit(lambda: dispatch(app, task, args))


def dispatch(app: Flask, task: str, args: tuple) -> None:
    if app.config["JOBS_REDIS_URL"]:
        queue(app).enqueue("zhicheng.jobs.worker.run_task", task, list(args),
                           job_timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=0, failure_ttl=7 * 86400)
    else:
        run_in_app(app, task, args)


def queue(app: Flask):
    from redis import Redis
    from rq import Queue
    found = app.extensions.get("zhicheng.jobs.queue")
    if found is None:
        found = app.extensions["zhicheng.jobs.queue"] = Queue(
            app.config["JOBS_QUEUE"], connection=Redis.from_url(app.config["JOBS_REDIS_URL"]))
    return found


def resolve(task: str):
    module, _, name = task.rpartition(".")
    if not module.startswith("zhicheng."):
        raise ValueError(f"not a zhicheng task: {task}")
    return getattr(importlib.import_module(module), name)


def run_in_app(app: Flask, task: str, args) -> None:
    """Run one job in an app context (and database session) of its own and commit its work; a
    failure is logged and rolled back (the job's own function records what the user sees)."""
    from zhicheng.system.observability import observe_job
    started = time.perf_counter()
    with app.app_context():
        try:
            resolve(task)(*args)
            transaction.commit()
        except Exception:
            transaction.rollback()
            app.logger.exception("job %s%r failed", task, tuple(args))
            observe_job(task, "failed", time.perf_counter() - started)
            raise
        finally:
            db.session.remove()
    observe_job(task, "done", time.perf_counter() - started)
