"""高、中级申报管理 (the 主管单位版's menu) for departments: 高中级申报信息管理 (组合排序, 定制打印 /
导出, 打印评审简表 / 资格审查表, 导出申报数据) and 打印空白表格 under 系统管理 here; 录入高中级申报信息
and 导入申报数据 in entry_admin.py, 打印模板设计 in template_admin.py. register() adds them all."""
from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from zhicheng import scope
from zhicheng.admin.base import GuardedView
from zhicheng.admin.common import CAT_SYSTEM
from zhicheng.declare import entry, listing, print_templates, transfer
from zhicheng.declare.entry_admin import EntryView, ImportView
from zhicheng.declare.fields import FIELDS, SORTABLE, text_of
from zhicheng.declare.jobs import start_list_job
from zhicheng.declare.pdf import (
    BLANK_FORMS,
    LIST_PRINT_MAX,
    LIST_PRINT_NOW,
    render_blank,
    render_brief_pdf,
    render_list_pdf,
    render_qualification_pdf,
)
from zhicheng.declare.template_admin import PrintTemplateView
from zhicheng.exporting.admin import JobPages
from zhicheng.exporting.services import XLSX, content_disposition, count_materials, write_xlsx
from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, Department, Material, Project
from zhicheng.policy import P
from zhicheng.printing.pdf import material_to_print
from zhicheng.scope import SUBMITTED_STATES
from zhicheng.security import parse_id
from zhicheng.system import audit
from zhicheng.validators import ValidationError

CATEGORY = "高、中级申报管理"
PAGE_SIZES = (20, 50, 100)
LIST_TITLE = "高中级申报信息一览表"
_SORT_ARG = re.compile(r"(sort|dir)[0-9]")


def _pdf(data: bytes, ascii_name: str, display: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display)}")
    return response


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


class DeclareListView(JobPages, GuardedView):
    """高中级申报信息管理: the materials that reached the department (and its sub-departments),
    filtered, in a 组合排序, shown under an 打印模板; printed or exported exactly as listed."""

    permission = P.STAFF

    def _query(self):
        """(filters, sort keys, template, conditions, messages) from the request's arguments; a bad
        argument is reported and left out, never taken for another."""
        errors = []
        try:
            f = listing.DeclareFilters.from_args(request.args)
        except ValidationError as e:
            f, errors = listing.DeclareFilters(), [str(e)]
        try:
            order = listing.parse_order(request.args.get("order"))
        except ValidationError as e:
            order = []
            errors.append(str(e))
        template = None
        if request.args.get("template"):
            template = print_templates.get_template(current_user, request.args.get("template"))
            if template is None:
                errors.append("所选打印模板不存在或不属于本部门")
        try:
            conds = listing.conditions(current_user, f)
        except ValidationError as e:
            errors.append(str(e))
            f = listing.DeclareFilters()
            conds = listing.conditions(current_user, f)
        return f, order, template, conds, errors

    def _back(self):
        return redirect(url_for(".index", **request.args))

    @expose("/")
    def index(self):
        if any(f"sort{i}" in request.args for i in range(1, listing.MAX_SORT_KEYS + 1)):
            return self._canonical_order()
        f, order, template, conds, errors = self._query()
        for e in errors:
            flash(e, "error")
        size = parse_id(request.args.get("page_size")) or PAGE_SIZES[0]
        size = size if size in PAGE_SIZES else PAGE_SIZES[0]
        page = max(0, (parse_id(request.args.get("page")) or 1) - 1)
        total = count_materials(conds)
        pages = max(1, -(-total // size))
        page = min(page, pages - 1)
        columns = print_templates.columns_of(template)
        keys = [k for k, _ in columns]
        fields = [FIELDS[k] for k in keys]
        rows = [(mid, [text_of(fl, v) for fl, v in zip(fields, values)])
                for mid, values in listing.page_rows(conds, order, keys, page, size, total)]
        editable = entry.editable_entries(current_user, [mid for mid, _ in rows])
        user = current_user
        # The filter's options as plain rows (the root office's city has a hundred projects).
        projects = db.session.execute(select(Project.id, Project.name, Project.year).where(scope.projects(user))
                                      .order_by(Project.year.desc(), Project.id.desc())).all()
        departments = db.session.execute(select(Department.id, Department.name, Department.depth)
                                         .where(scope.departments(user)).order_by(Department.path)).all()
        tid = template.id if template else None
        sized = size if size != PAGE_SIZES[0] else None
        args = f.as_args()
        query = listing.query_string(args, order, tid)
        return self.render(
            "admin/declare/list.html",
            query_with_page=lambda p: listing.query_string(args, order, tid, page=p, page_size=sized),
            query_with_size=lambda s: listing.query_string(args, order, tid, page_size=s),
            query_with_order=lambda text: listing.query_string(args, listing.parse_order(text), tid, page_size=sized),
            f=f, order=order, chosen=template, templates=print_templates.templates_of(user),
            columns=columns, rows=rows, total=total, page=page, pages=pages, page_size=size, page_sizes=PAGE_SIZES,
            projects=projects, departments=departments, states=[(s, STATE_LABELS[s]) for s in SUBMITTED_STATES],
            sortable=[(k, fl.label) for k, fl in SORTABLE.items()], presets=listing.PRESETS,
            max_sort=listing.MAX_SORT_KEYS, query=query, order_text=listing.order_text(order),
            details_url=url_for("dept_materials.details_view"), brief_url=url_for(".brief", id=0)[:-len("0.pdf")],
            editable=editable, edit_url=url_for("declare_entry.edit"),
            qualification_url=url_for(".qualification", id=0)[:-len("0.pdf")],
            order_words=listing.describe_order(order), print_max=LIST_PRINT_MAX, print_now=LIST_PRINT_NOW,
            threshold=current_app.config["EXPORT_BACKGROUND_THRESHOLD"])

    def _canonical_order(self):
        """The page's 组合排序 selects (sort1/dir1 …) become the one `order` argument the URL keeps."""
        parts = []
        for i in range(1, listing.MAX_SORT_KEYS + 1):
            key = (request.args.get(f"sort{i}") or "").strip()
            if key:
                parts.append(("-" if request.args.get(f"dir{i}") == "desc" else "") + key)
        args = {k: v for k, v in request.args.items()
                if not _SORT_ARG.fullmatch(k) and k not in ("order", "page")}
        if parts:
            args["order"] = ",".join(parts)
        return redirect(url_for(".index", **args))

    # --- 定制打印 / 导出 ----------------------------------------------------------------------

    def _title(self, template) -> str:
        return f"{LIST_TITLE}（{template.name}）" if template is not None else LIST_TITLE

    @expose("/print.pdf")
    def print_list(self):
        f, order, template, conds, errors = self._query()
        if errors:
            for e in errors:
                flash(e, "error")
            return self._back()
        total = count_materials(conds)
        if total > LIST_PRINT_MAX:
            flash(f"共{total}条，超过一次打印的上限{LIST_PRINT_MAX}条：请缩小查询范围，或导出Excel后打印", "error")
            return self._back()
        columns = print_templates.columns_of(template)
        title = self._title(template)
        if total > LIST_PRINT_NOW:
            job = start_list_job(current_user, "print", f, order, columns, total, f"{title}-{_stamp()}.pdf", title,
                                 {"department": current_user.department.name})
            flash(f"共 {total} 条，已转入后台生成PDF，完成后可在本页下载", "info")
            return redirect(url_for(".job", id=job.id))
        rows = listing.all_rows(conds, order, [k for k, _ in columns])
        pdf = render_list_pdf(title, current_user.department.name, listing.filters_description(current_user, f),
                              listing.describe_order(order), columns, rows, total)
        audit.record("declare.print_list", None, f"打印{title} {total} 条；条件 {json.dumps(f.as_args(), ensure_ascii=False)}"
                                                 f"；排序 {listing.order_text(order) or '默认'}")
        return _pdf(pdf, f"zhicheng-declare-{_stamp()}.pdf", f"{title}-{_stamp()}.pdf")

    @expose("/export.xlsx")
    def export_list(self):
        return self._workbook(data=False)

    @expose("/data.xlsx")
    def export_data(self):
        return self._workbook(data=True)

    def _workbook(self, data: bool):
        """导出Excel (the template's columns) or 导出申报数据 (every field an import reads back): the
        list's rows in its order; a large one as a background job."""
        f, order, template, conds, errors = self._query()
        if errors:
            for e in errors:
                flash(e, "error")
            return self._back()
        columns = list(transfer.DATA_COLUMNS) if data else print_templates.columns_of(template)
        title = "申报数据" if data else self._title(template)
        total = count_materials(conds)
        stamp = _stamp()
        ascii_name, display = f"zhicheng-declare-{'data' if data else 'list'}-{stamp}.xlsx", f"{title}-{stamp}.xlsx"
        if total > current_app.config["EXPORT_BACKGROUND_THRESHOLD"]:
            job = start_list_job(current_user, "export", f, order, columns, total, display, title)
            flash(f"共 {total} 条记录，已转入后台导出，完成后可在本页下载", "info")
            return redirect(url_for(".job", id=job.id))
        # Unnamed on disk and closed by the response once sent (or below, when writing fails).
        tmp = tempfile.TemporaryFile(prefix="zc-declare-", suffix=".xlsx")  # noqa: SIM115
        try:
            n = write_xlsx(tmp, title, [FIELDS[k].column(h) for k, h in columns],
                           listing.all_rows(conds, order, [k for k, _ in columns]))
            audit.record("material.export_data" if data else "declare.export_list", None,
                         f"导出{title} {n} 行；条件 {json.dumps(f.as_args(), ensure_ascii=False)}")
            db.session.flush()
            tmp.seek(0)
        except BaseException:
            tmp.close()
            raise
        response = send_file(tmp, mimetype=XLSX, as_attachment=True, download_name=ascii_name)
        response.content_length = os.fstat(tmp.fileno()).st_size
        response.headers["Content-Disposition"] = content_disposition(ascii_name, display)
        return response

    # --- one material ----------------------------------------------------------------------

    def _material(self, id: int) -> Material:
        material = material_to_print(current_user, id)
        if material is None:
            abort(404)
        return material

    @expose("/brief/<int:id>.pdf")
    def brief(self, id: int):
        """打印评审简表 (its 基本信息 under the chosen 打印模板, if any)."""
        material = self._material(id)
        columns = None
        if request.args.get("template"):
            template = print_templates.get_template(current_user, request.args.get("template"))
            if template is None:
                abort(404)
            columns = print_templates.columns_of(template)
        pdf = render_brief_pdf(material, current_user, columns)
        audit.record("material.print_brief", material, f"打印评审简表 {material.number}")
        return _pdf(pdf, f"zhicheng-brief-{material.number}.pdf", f"评审简表-{material.number}-{material.name}.pdf")

    @expose("/qualification/<int:id>.pdf")
    def qualification(self, id: int):
        """打印资格审查表."""
        material = self._material(id)
        pdf = render_qualification_pdf(material)
        audit.record("material.print_qualification", material, f"打印资格审查表 {material.number}")
        return _pdf(pdf, f"zhicheng-qualification-{material.number}.pdf",
                    f"资格审查表-{material.number}-{material.name}.pdf")


class BlankFormsView(GuardedView):
    """打印空白表格: the forms with nothing filled in, to fill by hand."""

    permission = P.STAFF

    @expose("/")
    def index(self):
        return self.render("admin/declare/blank_forms.html", forms=BLANK_FORMS)

    @expose("/<form>.pdf")
    def blank(self, form: str):
        if form not in BLANK_FORMS:
            abort(404)
        title = BLANK_FORMS[form][0]
        pdf = render_blank(form)
        audit.record("print.blank_form", None, f"打印空白表格：{title}")
        return _pdf(pdf, f"zhicheng-blank-{form}.pdf", f"{title}（空白）.pdf")


def register(admin) -> None:
    admin.add_view(DeclareListView(name="高中级申报信息管理", endpoint="declare", url="/admin/declare", category=CATEGORY))
    admin.add_view(EntryView(name="录入高中级申报信息", endpoint="declare_entry", url="/admin/declare_entry",
                             category=CATEGORY))
    admin.add_view(ImportView(name="导入申报数据", endpoint="declare_import", url="/admin/declare_import",
                              category=CATEGORY))
    admin.add_view(PrintTemplateView(name="打印模板设计", endpoint="print_templates", url="/admin/print_templates",
                                     category=CATEGORY))
    admin.add_view(BlankFormsView(name="打印空白表格", endpoint="blank_forms", url="/admin/blank_forms",
                                  category=CAT_SYSTEM))
