"""聘任管理 (机构管理 menu): the 聘任 made by the units the user manages, 新增 / 修改 / 删除 with
the 岗位结构比例 check, 导入 and 导出."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, BooleanEqualFilter, FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.admin.listing import row_url
from zhicheng.extensions import db
from zhicheng.people import appointments, exports, imports, services, values
from zhicheng.people.admin_common import (DepartmentFilter, PeopleListView, choose_unit, date_value,
                                          department_options, import_page, require_edit)
from zhicheng.people.forms import AppointmentForm, field_error
from zhicheng.people.models import LEVELS, Appointment, PersonRecord
from zhicheng.policy import P, can
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError


class CurrentFilter(BaseSQLAFilter):
    """聘任状态 today: 在聘, 已解聘 or 未到聘期."""

    def apply(self, query, value, alias=None):
        today = date.today()
        if value == "active":
            return query.filter(appointments.active_on(today))
        if value == "ended":
            return query.filter(Appointment.end_date < today)
        if value == "future":
            return query.filter(Appointment.start_date > today)
        return query.filter(false())

    def operation(self):
        return "为"


class AppointmentView(PeopleListView):
    """聘任管理: the 聘任 made by the units the user manages (聘任职务, 岗位级别 and 等级, 起止日期);
    新增 / 修改 / 删除 with the 岗位结构比例 check, 导入 and 导出."""

    row_scope = scope.appointments
    list_template = "admin/people/appointment_list.html"
    page_intro = ("聘任后超出本单位岗位结构比例的，须填写超比例聘任理由，系统予以记录。"
                  "点击姓名查看该人员的职称历程，点击聘任职务修改或删除聘任记录（人员调出后，原单位仍可为其聘任填写终止日期）。")
    column_list = ("person", "id_number", "unit", "post_title", "level", "grade", "start_date", "end_date", "status",
                   "over_quota")
    column_labels = {"person": "姓名", "id_number": "证件号码", "unit": "聘任单位", "post_title": "聘任职务",
                     "level": "岗位级别", "grade": "岗位等级", "start_date": "聘任起始日期", "end_date": "聘任终止日期",
                     "status": "聘任状态", "over_quota": "超比例聘任"}
    column_sortable_list = ("post_title", "start_date", "end_date", "level")
    column_searchable_list = ("person.name", "person.id_number", "post_title")
    column_filters = (
        FilterLike("unit.name", "单位名称"),
        DepartmentFilter(Appointment.unit_id, "归口部门", options=department_options),
        FilterEqual(Appointment.level, "岗位级别", options=list(LEVELS.items())),
        CurrentFilter(Appointment.start_date, "聘任状态",
                      options=[("active", "在聘"), ("ended", "已解聘"), ("future", "未到聘期")]),
        BooleanEqualFilter(Appointment.over_quota, "超比例聘任"),
    )
    column_formatters = {
        "person": lambda v, c, m, n: v.person_link(m),
        "id_number": lambda v, c, m, n: m.person.id_number,
        "unit": lambda v, c, m, n: m.unit.name,
        "post_title": lambda v, c, m, n: Markup('<a href="{}" title="修改聘任">{}</a>').format(
            row_url(".edit_view", m.id), m.post_title) if can(current_user, P.PEOPLE_EDIT) else m.post_title,
        "level": lambda v, c, m, n: m.level_label,
        "grade": lambda v, c, m, n: m.grade_label,
        "status": lambda v, c, m, n: m.status(date.today()),
        "over_quota": lambda v, c, m, n: f"是：{m.over_quota_reason}" if m.over_quota else "",
    }

    def get_query(self):
        return super().get_query().options(joinedload(Appointment.person), joinedload(Appointment.unit))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True):
            ids = {a.person_id for a in rows}
            # A 聘任 of someone who has moved to a unit the user does not manage: his name, no link.
            g.zc_visible_people = set(db.session.scalars(select(PersonRecord.id).where(
                PersonRecord.id.in_(ids), scope.person_records(current_user)))) if ids else set()
        return count, rows

    def person_link(self, appointment) -> Markup | str:
        if appointment.person_id not in g.get("zc_visible_people", ()):
            return appointment.person.name
        return Markup('<a href="{}" title="查看职称历程">{}</a>').format(
            url_for("people.details_view", id=appointment.person_id), appointment.person.name)

    @expose("/details/")
    def details_view(self):
        appointment = self.get_one(request.args.get("id"))
        return redirect(self._person_page(appointment.person_id))

    def _page(self, form, title, person, appointment=None, warning=None, status=200):
        readonly = {}
        if person is not None:
            readonly = {"姓名": person.name, "证件号码": person.id_number}
        if current_user.is_unit:
            readonly["聘任单位"] = current_user.unit.name
        back = self._person_page(person.id) if person is not None else self.get_url(".index_view")
        return self.render("admin/people/form.html", form=form, title=title, readonly=readonly, warning=warning,
                           back=back, delete_url=(self.get_url(".delete_view") if appointment is not None else None),
                           delete_id=appointment.id if appointment is not None else None), status

    def _form(self, appointment=None, person=None):
        form = AppointmentForm()
        if request.method == "GET":
            if appointment is not None:
                form.process(obj=appointment)
                form.start_date.data = date_value(appointment.start_date)
                form.end_date.data = date_value(appointment.end_date)
                form.grade.data = str(appointment.grade or "")
                form.unit_id.data = str(appointment.unit_id)
            elif person is not None:
                form.unit_id.data = str(person.unit_id)
        choose_unit(form)
        if person is not None:
            del form.id_number
        return form

    def _save(self, form, appointment, person, title):
        """Run the service; on a refusal the page again, with the message by its field (and the
        quota warning above the form when the 聘任 would exceed the 岗位结构比例)."""
        unit_id = form.unit_id.data if "unit_id" in form else None
        try:
            if person is None:
                number = values.text(form.id_number.data, "证件号码", 32, required=True, field="id_number")
                person = db.session.scalar(select(PersonRecord).where(
                    PersonRecord.id_number == number.upper(), scope.person_records(current_user)))
                if person is None:
                    raise values.PeopleError("人员基本信息中没有该证件号码的人员（或不在本单位、本部门管辖范围内），"
                                               "请先新增人员", field="id_number")
            saved = appointments.save_appointment(current_user, appointment, person, form.data, unit_id)
        except ValidationError as e:
            db.session.rollback()
            warning = e.excess.message if isinstance(e, appointments.QuotaExceeded) else None
            if not field_error(form, e):
                flash(str(e), "error")
            return self._page(form, title, person if "id_number" not in form else None, appointment, warning, 400)
        note = "（超出岗位结构比例，已记录理由）" if saved.over_quota else ""
        flash(f"已保存{person.name}的聘任：{saved.post_title}{note}", "warning" if saved.over_quota else "success")
        return redirect(self._person_page(person.id))

    def _person_page(self, person_id) -> str:
        """The person's 职称历程, or the 聘任 list when he now works in a unit the user does not manage."""
        if services.visible_person(current_user, person_id) is not None:
            return url_for("people.details_view", id=person_id)
        return self.get_url(".index_view")

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        require_edit()
        person = None
        if request.args.get("person"):
            person = services.visible_person(current_user, parse_id(request.args.get("person")))
            if person is None:
                abort(404)
        form = self._form(person=person)
        title = f"新增聘任：{person.name}" if person is not None else "新增聘任"
        if form.validate_on_submit():
            return self._save(form, None, person, title)
        return self._page(form, title, person)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        appointment = self.get_one(request.args.get("id"))
        require_edit()
        person = appointment.person
        form = self._form(appointment, person)
        title = f"修改聘任：{person.name}"
        if form.validate_on_submit():
            return self._save(form, appointment, person, title)
        return self._page(form, title, person, appointment)

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        appointment = self.posted_row()
        person_id = appointment.person_id
        appointments.delete_appointment(current_user, appointment)
        flash("已删除聘任记录", "success")
        return redirect(self._person_page(person_id))

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        require_edit()
        return import_page(self, "导入聘任信息", imports.APPOINTMENT_COLUMNS, imports.import_appointments,
                            "每行一条聘任，按证件号码、聘任单位和聘任起始日期识别：已有的更新，没有的新增；人员须已登记在"
                            "人员基本信息中。岗位级别填正高级、副高级、中级或初级；聘任后超出岗位结构比例的，须在"
                            "“超比例聘任理由”列填写理由。"
                            + ("单位代码可不填，即为本单位。" if current_user.is_unit else "单位代码不填的，为该人员所在单位。"))

    @expose("/export/")
    def export_view(self):
        rows = exports.appointment_rows(self.filtered_query(), date.today())
        return exports.send_workbook("聘任信息", exports.APPOINTMENT_EXPORT, rows, f"聘任信息-{date.today():%Y%m%d}.xlsx")
