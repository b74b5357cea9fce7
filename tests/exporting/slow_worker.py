"""`rq worker -w tests.exporting.slow_worker.SlowExportWorker`: RQ's own forking worker, whose
exports write one row every ROW_SECONDS with a heartbeat after each, so a test can kill it
in the middle of a job (tests/exporting/test_worker_killed.py)."""
from __future__ import annotations

import time

from zhicheng.jobs.worker import AppWorker

from zhicheng.exporting import services

ROW_SECONDS = 5.0
_rows = services._material_rows


def _slow_rows(conds, batch=None):
    for values in _rows(conds, batch):
        yield values
        time.sleep(ROW_SECONDS)


# Set when the worker imports this class: the work horse it forks for a job inherits them.
services._material_rows = _slow_rows
services.PROGRESS_EVERY = 1


class SlowExportWorker(AppWorker):
    pass
