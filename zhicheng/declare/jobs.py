"""A list's workbook too large for one request (定制导出, 导出申报数据): a background job
(zhicheng.jobs) on the owner's 任务 page, the rows read again through his scope when it runs."""
from __future__ import annotations

import json
import secrets
from datetime import datetime

from flask import current_app

from zhicheng import jobs, storage, transaction
from zhicheng.declare.fields import FIELDS
from zhicheng.declare.listing import DeclareFilters, all_rows, conditions, order_text, parse_order
from zhicheng.exporting.models import ExportJob
from zhicheng.exporting.services import XLSX, check_job_cap, write_xlsx
from zhicheng.extensions import db
from zhicheng.models import User
from zhicheng.system import audit

#: Progress is recorded every so many rows.
PROGRESS_EVERY = 2000


def start_list_export(user, f: DeclareFilters, order, columns: list[tuple[str, str]], total: int,
                      filename: str, title: str) -> ExportJob:
    """The job row (its owner watches it) and the job, run once this request has committed."""
    check_job_cap(user)
    params = {"filters": {k: str(v) for k, v in f.as_args().items()}, "order": order_text(order), "columns": [list(c) for c in columns],
              "title": title}
    job = ExportJob(user_id=user.id, kind="export", status="pending", params=json.dumps(params, ensure_ascii=False),
                    total=total, filename=filename, created_at=datetime.now())
    db.session.add(job)
    audit.record("export.job", None, f"后台导出{title} {total} 行", actor=user)
    db.session.flush()
    jobs.enqueue("zhicheng.declare.jobs.run_list_export", job.id)
    return job


def run_list_export(job_id: int) -> None:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "pending":
        return
    owner = db.session.get(User, job.user_id)
    params = json.loads(job.params)
    stored = f"{secrets.token_hex(16)}.xlsx"
    spool = storage.spool_file(".xlsx")
    job.status, job.started_at, job.heartbeat_at = "running", datetime.now(), datetime.now()
    transaction.commit()

    def progress(n):
        # No cursor is open between two batches of rows (listing.all_rows reads each in full).
        row = db.session.get(ExportJob, job_id)
        row.done, row.heartbeat_at = n, datetime.now()
        transaction.commit()

    try:
        f = DeclareFilters.from_args(params["filters"])
        columns = [(k, h) for k, h in params["columns"] if k in FIELDS]
        conds = conditions(owner, f)
        with open(spool, "wb") as out:
            n = write_xlsx(out, params["title"], [FIELDS[k].column(h) for k, h in columns],
                           all_rows(conds, parse_order(params["order"]), [k for k, _ in columns]),
                           progress=progress, every=PROGRESS_EVERY)
        storage.put_export(stored, spool, XLSX)
        job = db.session.get(ExportJob, job_id)
        job.status, job.done, job.total, job.stored_name = "done", n, n, stored
        job.finished_at = job.heartbeat_at = datetime.now()
    except Exception:
        spool.unlink(missing_ok=True)
        storage.delete(stored, area="exports")
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        current_app.logger.exception("declare export job %s failed", job_id)
        job.status, job.error = "failed", "请稍后重试；如问题持续，请联系系统管理员"
        job.finished_at = datetime.now()
