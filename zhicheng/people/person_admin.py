"""人员基本信息 (机构管理 menu): one row per person (证件号码), his 职称 history, 新增 / 修改 / 删除,
导入 and 导出."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.admin.listing import row_url
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.people import appointments, exports, imports, services
from zhicheng.people.admin_common import (DepartmentFilter, PeopleListView, choose_unit, date_value,
                                          department_options, import_page, require_edit)
from zhicheng.people.forms import PersonForm, field_error
from zhicheng.people.history import person_history
from zhicheng.people.models import LEVELS, SOURCES, Appointment, PersonRecord
from zhicheng.policy import P, can
from zhicheng.validators import ValidationError


class PersonRecordView(PeopleListView):
    """人员基本信息: one row per person (证件号码) of the units the user manages; 姓名 opens his 职称
    history (materials, results, certificates, 聘任, units)."""

    row_scope = scope.person_records
    list_template = "admin/people/person_list.html"
    page_intro = ("每个证件号码一条人员信息。点击姓名查看其职称历程（申报材料、评审结果、证书、聘任记录）；"
                  "导出的Excel文件可修改后再导入，已有的人员按证件号码更新。")
    column_list = ("name", "id_number", "gender", "birth_date", "unit", "qualification", "qualification_level",
                   "qualified_on", "current_post")
    column_labels = {"name": "姓名", "id_number": "证件号码", "gender": "性别", "birth_date": "出生日期", "unit": "所在单位",
                     "qualification": "现有资格", "qualification_level": "资格级别", "qualified_on": "取得时间",
                     "current_post": "现聘职务"}
    column_sortable_list = ("name", "id_number", "birth_date", "qualified_on")
    column_searchable_list = ("name", "id_number")
    column_filters = (
        FilterLike("unit.name", "单位名称"),
        DepartmentFilter(PersonRecord.unit_id, "归口部门", options=department_options),
        FilterEqual(PersonRecord.qualification_level, "资格级别", options=list(LEVELS.items())),
        FilterLike(PersonRecord.qualification, "现有资格"),
        FilterEqual(PersonRecord.source, "来源", options=list(SOURCES.items())),
    )
    column_formatters = {
        "name": lambda v, c, m, n: Markup('<a href="{}" title="查看职称历程">{}</a>').format(
            row_url(".details_view", m.id), m.name),
        "unit": lambda v, c, m, n: m.unit.name,
        "qualification_level": lambda v, c, m, n: m.level_label,
        "current_post": lambda v, c, m, n: v.current_post(m),
    }

    def get_query(self):
        return super().get_query().options(joinedload(PersonRecord.unit))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True):
            ids = [p.id for p in rows]
            posts: dict[int, str] = {}
            if ids:
                for a in db.session.scalars(select(Appointment).where(
                        Appointment.person_id.in_(ids), scope.appointments(current_user),
                        appointments.active_on(date.today())).order_by(Appointment.start_date)):
                    posts[a.person_id] = f"{a.post_title}（{a.level_label}）"
            # Kept in the request's g, not on the view: one view object serves every thread.
            g.zc_current_posts = posts
        return count, rows

    def current_post(self, person) -> str:
        return g.get("zc_current_posts", {}).get(person.id, "")

    # --- 职称历程 (the details page) ------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        record = self.get_one(request.args.get("id"))
        history = person_history(current_user, record)
        return self.render("admin/people/history.html", hist=history, record=record, today=date.today(),
                           material_url=_material_url, can_edit=can(current_user, P.PEOPLE_EDIT),
                           back=self.get_url(".index_view"))

    # --- 新增 / 修改 / 删除 ------------------------------------------------------------------------

    def _form_page(self, form, title, record=None, status=200):
        readonly = {}
        if record is not None:
            readonly = {"证件类型": record.id_type_label, "证件号码": record.id_number}
        if current_user.is_unit:
            readonly["所在单位"] = current_user.unit.name
        return self.render("admin/people/form.html", form=form, title=title, readonly=readonly,
                           back=(self.get_url(".details_view", id=record.id) if record is not None
                                 else self.get_url(".index_view"))), status

    def _person_form(self, record=None):
        form = PersonForm(obj=record) if request.method == "GET" and record is not None else PersonForm()
        if request.method == "GET" and record is not None:
            form.birth_date.data = date_value(record.birth_date)
            form.qualified_on.data = date_value(record.qualified_on)
            form.unit_id.data = str(record.unit_id)
        choose_unit(form)
        if record is not None:
            del form.id_type
            del form.id_number
        return form

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        require_edit()
        form = self._person_form()
        if form.validate_on_submit():
            try:
                record = services.add_person(current_user, form.data, form.unit_id.data if "unit_id" in form else None)
            except ValidationError as e:
                db.session.rollback()
                if not field_error(form, e):
                    flash(str(e), "error")
                return self._form_page(form, "新增人员", status=400)
            flash(f"已新增人员“{record.name}”", "success")
            return redirect(self.get_url(".details_view", id=record.id))
        return self._form_page(form, "新增人员")

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        record = self.get_one(request.args.get("id"))
        require_edit()
        form = self._person_form(record)
        if form.validate_on_submit():
            try:
                services.update_person(current_user, record, form.data,
                                       form.unit_id.data if "unit_id" in form else None)
            except ValidationError as e:
                db.session.rollback()
                if not field_error(form, e):
                    flash(str(e), "error")
                return self._form_page(form, f"修改人员信息：{record.name}", record, status=400)
            flash(f"已保存{record.name}的人员信息", "success")
            return redirect(self.get_url(".details_view", id=record.id))
        return self._form_page(form, f"修改人员信息：{record.name}", record)

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        record = self.posted_row()
        name = record.name
        services.delete_person(current_user, record)
        flash(f"已删除人员“{name}”", "success")
        return redirect(self.get_url(".index_view"))

    @expose("/collect/", methods=("POST",))
    def collect_view(self):
        require_edit()
        if not Form().validate_on_submit():
            abort(400)
        added, existing, left_out = services.collect_from_materials(current_user)
        note = f"，{left_out}人的申报信息未通过检查，请手工新增" if left_out else ""
        flash(f"从申报材料生成人员信息：新增{added}人，已登记{existing}人未改变{note}", "success")
        return redirect(self.get_url(".index_view"))

    # --- 导入 / 导出 ---------------------------------------------------------------------------------

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        require_edit()
        return import_page(self, "导入人员基本信息（接收原系统数据）", imports.PERSON_COLUMNS, imports.import_people,
                            "每行一人，按证件号码识别：未登记的新增，已登记的按文件更新（空白单元格不清除已有信息）。"
                            "居民身份证号码须通过校验位检查；性别、出生日期可不填，按身份证号码确定。"
                            + ("单位代码可不填，即为本单位。" if current_user.is_unit else
                               "新增人员须填写单位代码（统一社会信用代码），单位须为本部门管辖的注册单位。"))

    @expose("/export/")
    def export_view(self):
        rows = exports.person_rows(self.filtered_query(), date.today())
        return exports.send_workbook("人员基本信息", exports.PERSON_EXPORT, rows, f"人员基本信息-{date.today():%Y%m%d}.xlsx")


def _material_url(material) -> str:
    """Where the viewer reads a material of the history: a unit in 管理材料, staff in 本部门及下级材料."""
    if current_user.is_unit:
        return url_for("materials.details_view", id=material.id)
    return url_for("dept_materials.details_view", id=material.id)
