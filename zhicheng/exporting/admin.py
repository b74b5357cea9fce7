"""导出汇总表: filter, preview, download (or a background job for a large export)."""
from __future__ import annotations

import os

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zhicheng import scope
from zhicheng.admin.base import GuardedView
from zhicheng.exporting.services import (
    ExportFilters,
    content_disposition,
    count_materials,
    export_filename,
    export_materials_file,
    material_conditions,
    reap_stale_jobs,
    send_job_file,
    start_export_job,
)
from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, Department, ExportJob, Material, Project
from zhicheng.policy import P, can
from zhicheng.validators import ValidationError

PREVIEW_ROWS = 50


class JobPages:
    """A background job's page (progress, then its file) for its owner only (scope.export_jobs):
    导出汇总表 and 批量打印 both show theirs here."""

    def _job(self, job_id: int) -> ExportJob:
        job = db.session.scalar(select(ExportJob).where(ExportJob.id == job_id, scope.export_jobs(current_user)))
        if job is None:
            abort(404)
        return job

    @expose("/job/<int:id>")
    def job(self, id: int):
        reap_stale_jobs()  # a job lost with its worker shows as failed here at the latest
        job = self._job(id)
        return self.render("admin/export/job.html", job=job, back=self.job_back_url())

    @expose("/job/<int:id>/file")
    def job_download(self, id: int):
        job = self._job(id)
        if job.status != "done" or not job.stored_name:
            abort(404)
        try:
            return send_job_file(job)
        except FileNotFoundError:
            abort(404)

    def job_back_url(self) -> str:
        return self.get_url(".index")


class ExportView(JobPages, GuardedView):
    # 导出材料 on each project row of 填写材料 opens this page filtered to the project.
    home_links = {"export": {}}

    permission = P.EXPORT_SUMMARY

    def _filters(self):
        try:
            return ExportFilters.from_args(request.args), None
        except ValidationError as e:
            return ExportFilters(), str(e)

    @expose("/")
    def index(self):
        f, error = self._filters()
        projects = list(db.session.scalars(
            select(Project).where(scope.projects(current_user)).order_by(Project.year.desc(), Project.id.desc())))
        departments = []
        if can(current_user, P.STAFF):
            departments = list(db.session.scalars(
                select(Department).where(scope.departments(current_user)).order_by(Department.path)))
        rows, total = [], 0
        if error:
            flash(error, "error")
        else:
            try:
                conds = material_conditions(current_user, f)
            except ValidationError as e:
                flash(str(e), "error")
            else:
                total = count_materials(conds)
                rows = list(db.session.scalars(
                    select(Material).where(*conds).order_by(Material.id.desc()).limit(PREVIEW_ROWS)
                    .options(selectinload(Material.unit), selectinload(Material.project),
                             selectinload(Material.current_department))))
        return self.render("admin/export/index.html", f=f, projects=projects, departments=departments,
                           rows=rows, total=total, preview=PREVIEW_ROWS, states=STATE_LABELS,
                           threshold=self.threshold, jobs=self._recent_jobs())

    @property
    def threshold(self) -> int:
        from flask import current_app
        return current_app.config["EXPORT_BACKGROUND_THRESHOLD"]

    def _recent_jobs(self):
        return list(db.session.scalars(select(ExportJob).where(scope.export_jobs(current_user))
                                       .order_by(ExportJob.id.desc()).limit(5)))

    @expose("/download")
    def download(self):
        f, error = self._filters()
        if error:
            flash(error, "error")
            return redirect(url_for(".index"))
        try:
            conds = material_conditions(current_user, f)
        except ValidationError as e:
            flash(str(e), "error")
            return redirect(url_for(".index"))
        total = count_materials(conds)
        if total > self.threshold:
            job = start_export_job(current_user, f, total)
            flash(f"共 {total} 条记录，已转入后台导出，完成后可在本页下载", "info")
            return redirect(url_for(".job", id=job.id))
        ascii_name, display = export_filename(current_user, f)
        workbook, _n = export_materials_file(current_user, f)
        # Streamed in chunks from the unnamed file, which the response closes when it is done.
        response = send_file(workbook, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             as_attachment=True, download_name=ascii_name)
        response.content_length = os.fstat(workbook.fileno()).st_size
        response.headers["Content-Disposition"] = content_disposition(ascii_name, display)
        return response

def register(admin) -> None:
    admin.add_view(ExportView(name="导出汇总表", endpoint="export", url="/admin/export",
                              category="专业技术资格初定认定"))
