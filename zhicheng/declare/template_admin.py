"""打印模板设计 (高、中级申报管理): the office's named column sets for 定制打印 / 导出."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from zhicheng.admin.base import GuardedView
from zhicheng.declare import print_templates
from zhicheng.declare.fields import FIELDS, LISTABLE
from zhicheng.forms import Form
from zhicheng.policy import P
from zhicheng.security import parse_id


class PrintTemplateView(GuardedView):
    """打印模板设计: the office's named column sets (字段、顺序、标题)."""

    permission = P.STAFF

    @expose("/")
    def index(self):
        return self.render("admin/declare/templates.html", templates=print_templates.templates_of(current_user),
                           form=Form(), fields=FIELDS)

    def _rows(self, template) -> list[dict]:
        """One line per field a template may show: chosen ones first in their order."""
        chosen = print_templates.columns_of(template) if template is not None else print_templates.default_columns()
        lines = [{"key": k, "label": FIELDS[k].label, "use": True, "pos": i, "heading": h}
                 for i, (k, h) in enumerate(chosen, 1) if k in LISTABLE]
        taken = {line["key"] for line in lines}
        lines += [{"key": k, "label": fl.label, "use": False, "pos": "", "heading": fl.label}
                  for k, fl in LISTABLE.items() if k not in taken]
        return lines

    def _posted(self) -> tuple[list[dict], list[tuple[str, str]], list[str]]:
        lines, picked, errors = [], [], []
        for k, fl in LISTABLE.items():
            use = request.form.get(f"use_{k}") == "y"
            pos_text = (request.form.get(f"pos_{k}") or "").strip()
            heading = (request.form.get(f"head_{k}") or "").strip()
            lines.append({"key": k, "label": fl.label, "use": use, "pos": pos_text, "heading": heading})
            if not use:
                continue
            pos = parse_id(pos_text) if pos_text else None
            if pos_text and pos is None:
                errors.append(f"“{fl.label}”的顺序请填写正整数")
            picked.append((pos if pos is not None else 10_000, len(picked), k, heading))
        picked.sort()
        return lines, [(k, h) for _, _, k, h in picked], errors

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self):
        """新增 (no id) or 修改 a template."""
        template = None
        if request.args.get("id") is not None:
            template = print_templates.get_template(current_user, request.args.get("id"))
            if template is None:
                abort(404)
        form = Form()
        name = template.name if template is not None else ""
        lines, errors = self._rows(template), []
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            name = (request.form.get("name") or "").strip()
            lines, columns, errors = self._posted()
            if not errors:
                try:
                    saved = print_templates.save_template(current_user, template, name, columns)
                except print_templates.TemplateError as e:
                    errors.append(str(e))
                else:
                    flash(f"打印模板“{saved.name}”已保存", "success")
                    return redirect(url_for(".index"))
        return self.render("admin/declare/template_form.html", editing=template, name=name, lines=lines,
                           errors=errors, form=form)

    @expose("/delete/", methods=("POST",))
    def delete(self):
        if not Form().validate_on_submit():
            abort(400)
        template = print_templates.get_template(current_user, request.form.get("id"))
        if template is None:
            abort(404)
        name = template.name
        print_templates.delete_template(current_user, template)
        flash(f"打印模板“{name}”已删除", "success")
        return redirect(url_for(".index"))
