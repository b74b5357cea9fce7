"""批量打印: the 初定表/认定表 of many selected materials merged into one PDF by a background job
(zhicheng.jobs), which the owner downloads from the job's page."""
from __future__ import annotations

import json
import secrets
from datetime import datetime
from io import BytesIO

from pypdf import PdfWriter

from zhicheng import jobs, storage, transaction
from zhicheng.exporting.models import ExportJob
from zhicheng.exporting.services import check_job_cap, job_done, job_failed
from zhicheng.extensions import db
from zhicheng.models import Material, User
from zhicheng.policy import P, require
from zhicheng.system import audit

#: The most forms one 批量打印 merges (a day's work for a unit's printer; a large one is split).
MAX_FORMS = 500


def start_print_job(user, materials: list[Material]) -> ExportJob:
    """The selected materials (already loaded through the user's scope) as one job."""
    from zhicheng.exporting.services import ExportError
    require(user, P.PRINT_FORMS)
    if not materials:
        raise ExportError("请先勾选要打印的材料")
    if len(materials) > MAX_FORMS:
        raise ExportError(f"一次最多批量打印{MAX_FORMS}份材料，请分批勾选")
    return start_merged_pdf(user, "materials", [m.id for m in materials], f"批量打印-{len(materials)}份",
                            "zhicheng.printing.jobs.run_print_job",
                            ("material.print_batch", None, f"批量打印 {len(materials)} 份材料"))


def start_merged_pdf(user, key: str, ids: list[int], name: str, runner: str, audited: tuple) -> ExportJob:
    """A merging job (run_merged_pdf) of `ids` as params[`key`], its file `name`-<time>.pdf, recorded
    as audit.record(*audited) by the user, queued to `runner` once committed."""
    check_job_cap(user)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    job = ExportJob(user_id=user.id, kind="print", status="pending", total=len(ids), params=json.dumps({key: ids}),
                    filename=f"{name}-{stamp}.pdf", created_at=datetime.now())
    db.session.add(job)
    audit.record(*audited, actor=user)
    db.session.flush()
    jobs.enqueue(runner, job.id)
    return job


def run_print_job(job_id: int) -> None:
    """The job: each material read again through the owner's scope (one that is no longer his is
    left out and counted), rendered, and appended to one PDF."""
    from zhicheng.printing.pdf import material_to_print, render_material_pdf

    def render(owner, mid: int) -> bytes | None:
        material = material_to_print(owner, mid)
        if material is None:
            return None
        audit.record("material.print", material, f"批量打印{material.project.form_name} {material.number}",
                     actor=owner)
        return render_material_pdf(material)

    run_merged_pdf(job_id, P.PRINT_FORMS, "materials", render)


def run_merged_pdf(job_id: int, permission, key: str, render) -> None:
    """A merging job: for each id of the job's params[`key`], `render(owner, id)` gives a PDF (None:
    left out, e.g. no longer in the owner's scope), appended to one file the owner downloads; the
    permission is asked again when the job runs."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "pending":
        return
    owner = db.session.get(User, job.user_id)
    ids = json.loads(job.params)[key]
    job.status, job.started_at, job.heartbeat_at = "running", datetime.now(), datetime.now()
    transaction.commit()
    stored = f"{secrets.token_hex(16)}.pdf"
    spool = storage.spool_file(".pdf")
    try:
        require(owner, permission)
        writer, done = PdfWriter(), 0
        for item in ids:
            pdf = render(owner, item)
            if pdf is not None:
                writer.append(BytesIO(pdf))
            done += 1
            job.done, job.heartbeat_at = done, datetime.now()
            transaction.commit()  # the owner's page shows the progress
        with open(spool, "wb") as out:
            writer.write(out)
        storage.put_export(stored, spool, "application/pdf")
        job_done(job_id, stored, done)
    except Exception:  # noqa: BLE001 (logged and shown on the job page by job_failed, never lost)
        job_failed(job_id, spool, stored, "print")
