"""系统管理 pages of the codes: 字典管理 (every staff member reads and searches; the root office's
字典维护 edits), 单位字典 (each department's 管理员 keeps its own units'; 接收原系统数据), and
基本代码 (导出基本代码 for every staff member, 接收更新代码 with its diff for the root office)."""
from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select, tuple_
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from zhicheng import scope
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.admin.common import (
    CAT_SYSTEM,
    AuditedModelView,
    EditPermission,
    NoDetailsPage,
    _department_choices,
    _no_store,
    _scoped_department,
)
from zhicheng.admin.listing import row_url
from zhicheng.codes import dictionaries, units, workbook
from zhicheng.codes.models import (
    DICT_KINDS,
    PARENT_KINDS,
    CodeUpdate,
    DictItem,
    UnitCode,
)
from zhicheng.exporting.reading import read_xlsx_table
from zhicheng.exporting.services import Column, content_disposition, write_xlsx
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.models import Unit
from zhicheng.org import codes as org_codes
from zhicheng.policy import P, can
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError


class _RootOfficeEdits(EditPermission):
    """Read by every staff member; 新建, 修改 and 删除 only by the root office's 字典维护 (403 for
    the others, whose pages show no such buttons)."""

    permission = P.STAFF
    edit_permission = P.ROOT_DICT

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self._editor_only()
        return super().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._editor_only()
        return super().edit_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        self._editor_only()
        return super().delete_view()


def _parent_query():
    return db.session.query(DictItem).filter(DictItem.kind.in_(set(PARENT_KINDS.values()))).order_by(
        DictItem.kind, DictItem.sort, DictItem.id)


class DictItemView(_RootOfficeEdits, NoDetailsPage, AuditedModelView):
    """字典管理: 系列, 评委会, 专业 (of a 系列), 资格名称 (of a 系列), 职务名称, 学历, 级别, 单位性质."""

    audit_name = "dict"
    row_scope = scope.dictionaries
    list_template = "admin/codes/dict_list.html"
    column_list = ("kind", "code", "name", "parent", "sort", "active")
    column_labels = {"kind": "字典类别", "code": "代码", "name": "名称", "parent": "所属系列", "sort": "排序",
                     "active": "启用"}
    column_searchable_list = ("code", "name")
    column_filters = (FilterEqual(DictItem.kind, "字典类别", options=tuple(DICT_KINDS.items())),
                      BooleanEqualFilter(DictItem.active, "启用"))
    column_formatters = {"kind": lambda v, c, m, n: DICT_KINDS.get(m.kind, m.kind),
                         "parent": lambda v, c, m, n: m.parent.name if m.parent is not None else "",
                         "active": lambda v, c, m, n: "是" if m.active else "否"}
    column_default_sort = [("kind", False), ("sort", False), ("id", False)]
    form_columns = ("kind", "code", "name", "parent", "sort", "active")
    form_choices = {"kind": list(DICT_KINDS.items())}
    form_args = {"code": {"label": "代码", "validators": [InputRequired("请填写代码"), Length(max=20)]},
                 "name": {"label": "名称", "validators": [InputRequired("请填写名称"), Length(max=100)]},
                 "parent": {"label": "所属系列（专业、资格名称填写）", "query_factory": _parent_query},
                 "kind": {"label": "字典类别"}, "sort": {"label": "排序"}, "active": {"label": "启用"}}

    def get_query(self):
        from sqlalchemy.orm import joinedload
        return super().get_query().options(joinedload(DictItem.parent))

    def on_model_change(self, form, model, is_created):
        if model.kind not in PARENT_KINDS:
            model.parent = None
        dictionaries.check_item(model)
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        dictionaries.check_delete(model)
        super().on_model_delete(model)


# --- 单位字典 -------------------------------------------------------------------------------------

class UnitCodeForm(Form):
    department_id = SelectField("主管单位", coerce=int, validate_choice=False)
    code = StringField("单位代码", validators=[InputRequired("请填写单位代码"), Length(max=20, message="单位代码不超过20个字符")])
    name = StringField("单位名称", validators=[InputRequired("请填写单位名称"), Length(max=200, message="单位名称不超过200个字")])
    uscc = StringField("统一社会信用代码", validators=[Length(max=30)])
    nature = SelectField("单位性质", validate_choice=False)
    industry = SelectField("单位行业", choices=org_codes.choices(org_codes.INDUSTRIES, "请选择"), validate_choice=False)
    region = SelectField("所在地", choices=org_codes.choices(org_codes.REGIONS, "请选择"), validate_choice=False)
    active = BooleanField("启用", default=True)


class UnitImportForm(Form):
    pass


def _registered(view, context, model, name):
    unit = view._registered_units().get((model.uscc, model.department_id)) if model.uscc else None
    return unit or ""


class UnitDictView(EditPermission, NoDetailsPage, ScopedModelView):
    """单位字典: the units of the department and its sub-departments with their 单位代码; every
    staff member reads his department's, its 管理员 keeps them (新建, 修改, 删除, 接收原系统数据)."""

    permission = P.STAFF
    edit_permission = P.ADMIN
    row_scope = scope.unit_codes
    list_template = "admin/codes/unit_list.html"
    column_list = ("code", "name", "department", "uscc", "nature", "industry", "region", "active", "registered")
    column_labels = {"code": "单位代码", "name": "单位名称", "department": "主管单位", "uscc": "统一社会信用代码",
                     "nature": "单位性质", "industry": "单位行业", "region": "所在地", "active": "启用",
                     "registered": "已注册单位"}
    column_searchable_list = ("code", "name", "uscc")
    column_filters = (FilterLike(UnitCode.name, "单位名称"), FilterEqual(UnitCode.code, "单位代码"),
                      FilterEqual(UnitCode.nature, "单位性质"),
                      FilterEqual(UnitCode.industry, "单位行业", options=tuple(org_codes.INDUSTRIES.items())),
                      FilterEqual(UnitCode.region, "所在地", options=tuple(org_codes.REGIONS.items())),
                      BooleanEqualFilter(UnitCode.active, "启用"))
    column_default_sort = ("code", False)
    column_formatters = {
        "department": lambda v, c, m, n: f"{m.department.code} {m.department.name}" if m.department.code
        else m.department.name,
        "industry": lambda v, c, m, n: org_codes.label(org_codes.INDUSTRIES, m.industry),
        "region": lambda v, c, m, n: org_codes.label(org_codes.REGIONS, m.region),
        "active": lambda v, c, m, n: "是" if m.active else "否",
        "registered": _registered,
        "code": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(row_url(".edit_view", m.id), m.code)
        if v.can_edit else m.code,
    }

    def get_query(self):
        from sqlalchemy.orm import joinedload
        return super().get_query().options(joinedload(UnitCode.department))

    def get_list(self, *args, **kwargs):
        from flask import g
        count, rows = super().get_list(*args, **kwargs)
        keys = [(r.uscc, r.department_id) for r in rows if r.uscc]
        g.zc_registered_units = {(u.uscc, u.department_id): u.name for u in db.session.scalars(
            select(Unit).where(tuple_(Unit.uscc, Unit.department_id).in_(keys), scope.units(current_user)))} \
            if keys else {}
        return count, rows

    def _registered_units(self) -> dict:
        from flask import g
        return g.get("zc_registered_units", {})

    def _form(self, entry: UnitCode | None) -> UnitCodeForm:
        form = UnitCodeForm(obj=entry) if entry is not None and request.method == "GET" else UnitCodeForm()
        form.department_id.choices = _department_choices(current_user)
        natures = dictionaries.active_names("unit_nature")
        current = entry.nature if entry is not None else ""
        form.nature.choices = [("", "请选择")] + [(n, n) for n in natures] + (
            [(current, current)] if current and current not in natures else [])
        if entry is None and request.method == "GET":
            form.department_id.data = current_user.department_id
        return form

    def _save(self, entry: UnitCode | None):
        self._editor_only()
        form = self._form(entry)
        if form.validate_on_submit():
            department = _scoped_department(current_user, form.department_id.data)
            try:
                saved = units.save_entry(current_user, entry, department, {
                    "code": form.code.data, "name": form.name.data, "uscc": form.uscc.data,
                    "nature": form.nature.data, "industry": form.industry.data, "region": form.region.data,
                    "active": form.active.data})
            except dictionaries.DictionaryError as e:
                db.session.rollback()
                target = form[e.field] if e.field in ("code", "department_id") else None
                if target is not None:
                    target.errors = list(target.errors) + [str(e)]
                else:
                    form.form_errors.append(str(e))
                flash(str(e), "error")
            else:
                flash(f"已保存单位字典：{saved.code} {saved.name}", "success")
                return redirect(self.get_url(".index_view"))
        title = "新增单位" if entry is None else f"修改单位：{entry.code} {entry.name}"
        return self.render("admin/accounts/form.html", form=form, title=title, required=("code", "name"),
                           help="单位代码在全市唯一；单位性质取自单位性质字典。", back=self.get_url(".index_view"))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        return self._save(None)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._editor_only()
        return self._save(self.get_one(request.args.get("id")))

    def delete_model(self, model):
        try:
            units.delete_entry(current_user, model)
        except dictionaries.DictionaryError as e:
            db.session.rollback()
            flash(str(e), "error")
            return False
        return True

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        self._editor_only()
        return super().delete_view()

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """接收原系统数据 · 单位."""
        self._editor_only()
        form = UnitImportForm()
        error = None
        if form.validate_on_submit():
            try:
                rows = read_xlsx_table(request.files.get("file"), units.IMPORT_HEADER, optional=units.OPTIONAL)
            except ValidationError as e:
                error = str(e)
            else:
                report = units.import_units(current_user, rows)
                counts = {key: 0 for key in units.REPORT_LABELS}
                for entry in report:
                    counts[entry["status"]] += 1
                return self.render("admin/codes/unit_report.html", report=report, counts=counts,
                                   labels=units.REPORT_LABELS, unchanged=units.UNCHANGED,
                                   back=self.get_url(".index_view"))
        return self.render("admin/codes/unit_import.html", form=form, error=error, header=units.IMPORT_HEADER,
                           optional=units.OPTIONAL, back=self.get_url(".index_view"))

    @expose("/export.xlsx")
    def export_view(self):
        out = io.BytesIO()
        write_xlsx(out, "单位字典", [Column(h, 16 if "名称" not in h else 30) for h in units.IMPORT_HEADER],
                   units.export_rows(current_user))
        out.seek(0)
        response = send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers["Content-Disposition"] = content_disposition(
            f"unit-codes-{date.today():%Y%m%d}.xlsx", f"单位字典-{date.today():%Y%m%d}.xlsx")
        return _no_store(response)


# --- 基本代码: 导出基本代码 / 接收更新代码 ---------------------------------------------------------

class CodesView(GuardedView):
    """导出基本代码 (every staff member) and 接收更新代码 (the root office's 字典维护): the upload's
    diff is shown, and applied only by 确认应用."""

    permission = P.STAFF
    TEMPLATE = "admin/codes/codes.html"

    def _page(self, errors=None, error_title="", status=200):
        maintainer = can(current_user, P.ROOT_DICT)
        history = list(db.session.scalars(select(CodeUpdate).where(scope.code_updates(current_user))
                                          .order_by(CodeUpdate.id.desc()).limit(20))) if maintainer else []
        counts = dict(db.session.execute(select(DictItem.kind, db.func.count()).group_by(DictItem.kind)).all())
        return self.render(self.TEMPLATE, form=Form(), maintainer=maintainer, errors=errors or [],
                           error_title=error_title, history=history,
                           kinds=DICT_KINDS, counts=counts, headers={k: workbook.header_of(k) for k in DICT_KINDS}), status

    @expose("/")
    def index(self):
        return self._page()

    @expose("/export.xlsx")
    def export(self):
        out = io.BytesIO()
        workbook.export_codes(current_user, out)
        out.seek(0)
        response = send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers["Content-Disposition"] = content_disposition(
            f"basic-codes-{date.today():%Y%m%d}.xlsx", f"基本代码-{date.today():%Y%m%d}.xlsx")
        return _no_store(response)

    def _maintainer(self) -> None:
        if not can(current_user, P.ROOT_DICT):
            abort(403)

    @expose("/receive/", methods=("POST",))
    def receive(self):
        self._maintainer()
        if not Form().validate_on_submit():
            abort(400)
        try:
            update = workbook.stage(current_user, request.files.get("file"))
        except workbook.CodeUpdateError as e:
            db.session.rollback()
            return self._page(errors=e.messages, error_title=str(e), status=400)
        return redirect(self.get_url(".preview", id=update.id))

    def _update(self) -> CodeUpdate:
        self._maintainer()
        pk = parse_id(request.values.get("id"))
        update = db.session.scalar(select(CodeUpdate).where(CodeUpdate.id == pk, scope.code_updates(current_user))) \
            if pk is not None else None
        if update is None:
            abort(404)
        return update

    @expose("/preview/")
    def preview(self):
        update = self._update()
        diffs = workbook.diff(workbook.sheets_of(update)) if update.state == "pending" else []
        return self.render("admin/codes/preview.html", update=update, diffs=diffs, form=Form(),
                           fingerprint=workbook.fingerprint(diffs), back=self.get_url(".index"))

    @expose("/apply/", methods=("POST",))
    def apply(self):
        update = self._update()
        if not Form().validate_on_submit():
            abort(400)
        try:
            workbook.apply(current_user, update, request.form.get("fingerprint", ""))
        except workbook.CodeUpdateError as e:
            db.session.rollback()
            flash(str(e), "error")
            return redirect(self.get_url(".preview", id=update.id))
        flash(f"已应用更新代码：{update.summary}", "success")
        return redirect(self.get_url(".index"))

    @expose("/discard/", methods=("POST",))
    def discard(self):
        update = self._update()
        if not Form().validate_on_submit():
            abort(400)
        try:
            workbook.discard(current_user, update)
        except workbook.CodeUpdateError as e:
            db.session.rollback()
            flash(str(e), "error")
        else:
            flash("已放弃该更新，字典没有改变", "success")
        return redirect(self.get_url(".index"))


def register(admin) -> None:
    admin.add_view(DictItemView(DictItem, name="字典管理", category=CAT_SYSTEM, endpoint="dicts", url="/admin/dicts"))
    admin.add_view(UnitDictView(UnitCode, name="单位字典", category=CAT_SYSTEM, endpoint="unit_dict",
                                url="/admin/unit_dict"))
    admin.add_view(CodesView(name="基本代码", category=CAT_SYSTEM, endpoint="codes", url="/admin/codes"))
