"""录入高中级申报信息 (a department types in an applicant's 评审简表) and 导入申报数据 (a workbook like
导出申报数据's), under 高、中级申报管理."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from zhicheng.admin.base import GuardedView
from zhicheng.declare import entry, transfer
from zhicheng.forms import Form
from zhicheng.materials.forms import TABS, material_form
from zhicheng.policy import P
from zhicheng.validators import ValidationError


class EntryView(GuardedView):
    """录入高中级申报信息: find the unit, choose the project, type in the 评审简表."""

    permission = P.REVIEW

    @expose("/", methods=("GET", "POST"))
    def index(self):
        user = current_user
        unit = project = None
        if request.args.get("unit"):
            unit = entry.visible_unit(user, request.args.get("unit"))
            if unit is None:
                abort(404)
        projects = entry.entry_projects(user, unit) if unit is not None else []
        if unit is not None and request.args.get("project"):
            project = next((p for p in projects if str(p.id) == request.args.get("project")), None)
            if project is None:
                flash("请选择本部门或上级部门发布的、正在申报时间内的高中级申报项目", "error")
        if unit is None or project is None:
            term = (request.args.get("q") or "").strip()
            return self.render("admin/declare/entry.html", term=term, units=entry.find_units(user, term),
                               unit=unit, projects=projects, matches=entry.UNIT_MATCHES)
        form = material_form()
        outcome, result = form.save_posted(
            lambda f: entry.enter(user, unit.id, project.id, f.to_input(), f.uploads()))
        if outcome == "saved":
            flash(f"已录入材料{result.number}（{result.name}），材料已在本部门待审核", "success")
            return redirect(url_for("declare.index", number=result.number))
        if outcome == "refused":
            flash(result, "error")
        return self._render_form(form, project, unit, None)

    def _render_form(self, form, project, unit, material):
        error_tabs = form.tabs_with_errors()
        active = next((key for key, _, _ in TABS if key in error_tabs), "basic")
        return self.render("admin/declare/entry_form.html", form=form, project=project, unit=unit, material=material,
                           tabs=TABS, error_tabs=error_tabs, records=[], active_tab=active)

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self):
        """修改 a material this department entered, while it is still here as entered."""
        material = entry.editable_entry(current_user, request.args.get("id"))
        if material is None:
            abort(404)
        form = material_form(material) if request.method == "POST" else material_form(material, load=True)
        answer = form.save_edit(
            lambda f: entry.update_entry(current_user, material, f.to_input(), f.uploads(), f.removed_attachments()),
            material, again=url_for(".edit", id=material.id), refused=url_for("declare.index", number=material.number))
        return answer or self._render_form(form, material.project, material.unit, material)


class ImportView(GuardedView):
    """导入申报数据: a workbook like 导出申报数据's; a report per row."""

    permission = P.REVIEW

    @expose("/", methods=("GET", "POST"))
    def index(self):
        error = None
        form = Form()
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            try:
                rows = transfer.read_workbook(request.files.get("file"))
            except ValidationError as e:
                error = str(e)
            else:
                report = transfer.import_data(current_user, rows)
                return self.render("admin/declare/import_report.html", report=report,
                                   back=url_for("declare.index"))
        return self.render("admin/declare/import.html", form=form, error=error, header=transfer.IMPORT_HEADER)
