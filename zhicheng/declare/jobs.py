"""A list too large for one request — its workbook (定制导出, 导出申报数据) or its printed PDF
(定制打印) — as a background job (zhicheng.jobs) on the owner's job page, the rows read again
through his scope (and his permission asked again) when it runs."""
from __future__ import annotations

import json
import secrets
from datetime import datetime

from zhicheng import jobs, storage, transaction
from zhicheng.declare.fields import FIELDS
from zhicheng.declare.listing import DeclareFilters, all_rows, conditions, order_text, parse_order
from zhicheng.exporting.models import ExportJob
from zhicheng.exporting.services import XLSX, check_job_cap, job_done, job_failed, write_xlsx
from zhicheng.extensions import db
from zhicheng.models import User
from zhicheng.system import audit

#: Progress is recorded every so many rows.
PROGRESS_EVERY = 2000


def start_list_job(user, kind: str, f: DeclareFilters, order, columns: list[tuple[str, str]], total: int,
                   filename: str, title: str, extra: dict | None = None) -> ExportJob:
    """The job row (its owner watches it) and the job, run once this request has committed; `kind`
    "export" (a workbook) or "print" (the list's PDF)."""
    check_job_cap(user)
    params = {"filters": {k: str(v) for k, v in f.as_args().items()}, "order": order_text(order),
              "columns": [list(c) for c in columns], "title": title, **(extra or {})}
    job = ExportJob(user_id=user.id, kind=kind, status="pending", params=json.dumps(params, ensure_ascii=False),
                    total=total, filename=filename, created_at=datetime.now())
    db.session.add(job)
    if kind == "print":
        audit.record("declare.print_list", None, f"后台打印{title} {total} 条", actor=user)
    else:
        audit.record("export.job", None, f"后台导出{title} {total} 行", actor=user)
    db.session.flush()
    jobs.enqueue(f"zhicheng.declare.jobs.run_list_{kind}", job.id)
    return job


def _start(job_id: int, suffix: str):
    """The pending job set running: its owner, its params, the name its file will be stored under
    and the spool file it is written to first (None: reaped meanwhile, or delivered twice)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "pending":
        return None
    job.status, job.started_at, job.heartbeat_at = "running", datetime.now(), datetime.now()
    params = json.loads(job.params)
    owner = db.session.get(User, job.user_id)
    transaction.commit()
    return owner, params, f"{secrets.token_hex(16)}{suffix}", storage.spool_file(suffix)


def _query(owner, params):
    f = DeclareFilters.from_args(params["filters"])
    columns = [(k, h) for k, h in params["columns"] if k in FIELDS]
    return conditions(owner, f), f, parse_order(params["order"]), columns


def run_list_print(job_id: int) -> None:
    from zhicheng.declare.listing import describe_order, filters_description
    from zhicheng.exporting.services import count_materials
    from zhicheng.declare.pdf import render_list_pdf
    started = _start(job_id, ".pdf")
    if started is None:
        return
    owner, params, stored, spool = started
    try:
        conds, f, order, columns = _query(owner, params)
        total = count_materials(conds)
        pdf = render_list_pdf(params["title"], params["department"], filters_description(owner, f), describe_order(order),
                              columns, all_rows(conds, order, [k for k, _ in columns]), total)
        spool.write_bytes(pdf)
        storage.put_export(stored, spool, "application/pdf")
        job_done(job_id, stored, total)
    except Exception:  # noqa: BLE001 (logged and shown on the job page by job_failed, never lost)
        job_failed(job_id, spool, stored, "declare")


def run_list_export(job_id: int) -> None:
    started = _start(job_id, ".xlsx")
    if started is None:
        return
    owner, params, stored, spool = started

    def progress(n):
        # No cursor is open between two batches of rows (listing.all_rows reads each in full).
        row = db.session.get(ExportJob, job_id)
        row.done, row.heartbeat_at = n, datetime.now()
        transaction.commit()

    try:
        conds, _f, order, columns = _query(owner, params)
        with open(spool, "wb") as out:
            n = write_xlsx(out, params["title"], [FIELDS[k].column(h) for k, h in columns],
                           all_rows(conds, order, [k for k, _ in columns]), progress=progress, every=PROGRESS_EVERY)
        storage.put_export(stored, spool, XLSX)
        job_done(job_id, stored, n)
    except Exception:  # noqa: BLE001 (logged and shown on the job page by job_failed, never lost)
        job_failed(job_id, spool, stored, "declare")
