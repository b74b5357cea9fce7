"""人员基本信息与聘任管理 and 结构比例管理 pages (机构管理 menu): the lists, a person's 职称 history,
新增 / 修改 / 删除, 导入 and 导出, and each unit's 岗位结构比例. Every row is loaded through
zhicheng.scope (person_records, appointments, people_units); editing asks P.PEOPLE_EDIT, quotas
P.POST_QUOTA."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, BooleanEqualFilter, FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.admin.listing import row_url
from zhicheng.admin.common import CAT_ORG, _scoped_department
from zhicheng.exporting.reading import read_xlsx_records
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.materials.admin_common import RequestFilterOptions, per_request
from zhicheng.models import Department, Unit
from zhicheng.people import exports, imports, services
from zhicheng.people.forms import AppointmentForm, PersonForm, QuotaForm, field_error
from zhicheng.people.history import person_history
from zhicheng.people.models import LEVELS, QUOTA_MODES, SOURCES, Appointment, PersonRecord
from zhicheng.people.structure import department_structures, unit_structures
from zhicheng.policy import P, can
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError

UNITS_PER_PAGE = 50


@per_request
def _department_options():
    """归口部门 filter: the viewer's department and those below it (none for a unit account)."""
    user = current_user
    if not (user.is_authenticated and user.is_staff and user.department is not None):
        return []
    base = user.department.depth
    return [(str(d.id), "　" * max(d.depth - base, 0) + d.name) for d in db.session.scalars(
        select(Department).where(scope.departments(user)).order_by(Department.path))]


class DepartmentFilter(BaseSQLAFilter):
    """The row's unit is registered under the chosen department or one below it."""

    def apply(self, query, value, alias=None):
        dept = _scoped_department(current_user, parse_id(value)) if current_user.is_staff else None
        if dept is None:
            return query.filter(false())
        return query.filter(self.column.in_(select(Unit.id).where(Unit.department_id.in_(scope.subtree_ids(dept)))))

    def operation(self):
        return "属于（含下级部门）"


class CurrentFilter(BaseSQLAFilter):
    """聘任状态 today: 在聘, 已解聘 or 未到聘期."""

    def apply(self, query, value, alias=None):
        today = date.today()
        if value == "active":
            return query.filter(services.active_on(today))
        if value == "ended":
            return query.filter(Appointment.end_date < today)
        if value == "future":
            return query.filter(Appointment.start_date > today)
        return query.filter(false())

    def operation(self):
        return "为"


def _not_staff_filters(groups):
    """A unit account has no 归口部门 to choose from."""
    if groups and not current_user.is_staff:
        groups.pop("归口部门", None)
    return groups


def _require_edit() -> None:
    if not can(current_user, P.PEOPLE_EDIT):
        abort(403)


def _date_value(value) -> str:
    return value.isoformat() if value else ""


class ListExport:
    """The list as its user filtered, searched and sorted it, without paging: what 导出 writes."""

    def filtered_query(self):
        args = self._get_list_extra_args()
        column = self._get_column_by_idx(args.sort)
        _count, query = self.get_list(None, column[0] if column else None, args.sort_desc, args.search,
                                      args.filters, execute=False, page_size=0)
        return query


class PersonRecordView(ListExport, RequestFilterOptions, ScopedModelView):
    """人员基本信息: one row per person (证件号码) of the units the user manages; 姓名 opens his 职称
    history (materials, results, certificates, 聘任, units)."""

    permission = P.PEOPLE
    row_scope = scope.person_records
    can_create = can_edit = can_delete = False
    column_display_actions = False
    column_auto_select_related = False
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
    column_default_sort = ("id", True)
    column_filters = (
        FilterLike("unit.name", "单位名称"),
        DepartmentFilter(PersonRecord.unit_id, "归口部门", options=_department_options),
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

    def _get_filter_groups(self):
        return _not_staff_filters(super()._get_filter_groups())

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
                        services.active_on(date.today())).order_by(Appointment.start_date)):
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
            form.birth_date.data = _date_value(record.birth_date)
            form.qualified_on.data = _date_value(record.qualified_on)
            form.unit_id.data = str(record.unit_id)
        if current_user.is_unit:
            del form.unit_id
        else:
            form.unit_id.choices = [("", "请选择")] + [(str(i), label) for i, label in services.unit_choices(current_user)]
        if record is not None:
            del form.id_type
            del form.id_number
        return form

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        _require_edit()
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
        _require_edit()
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
        if not Form().validate_on_submit():
            abort(400)
        record = self.get_one(request.form.get("id"))
        _require_edit()
        name = record.name
        services.delete_person(current_user, record)
        flash(f"已删除人员“{name}”", "success")
        return redirect(self.get_url(".index_view"))

    @expose("/collect/", methods=("POST",))
    def collect_view(self):
        _require_edit()
        if not Form().validate_on_submit():
            abort(400)
        added, existing, left_out = services.collect_from_materials(current_user)
        note = f"，{left_out}人的申报信息未通过检查，请手工新增" if left_out else ""
        flash(f"从申报材料生成人员信息：新增{added}人，已登记{existing}人未改变{note}", "success")
        return redirect(self.get_url(".index_view"))

    # --- 导入 / 导出 ---------------------------------------------------------------------------------

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        _require_edit()
        return _import_page(self, "导入人员基本信息（接收原系统数据）", imports.PERSON_COLUMNS, imports.import_people,
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


def _import_page(view, title: str, columns, service, help_text: str):
    form = Form()
    error = None
    if form.validate_on_submit():
        try:
            rows = read_xlsx_records(request.files.get("file"), columns)
        except ValidationError as e:
            error = str(e)
        else:
            try:
                report = service(current_user, rows)
            except IntegrityError:  # another import or a colleague saved the same person just now
                db.session.rollback()
                flash("导入时有人员信息被同时修改，本次导入未生效，请重新导入", "error")
                return redirect(request.full_path)
            flash(f"{report.title}完成：{report.summary()}", "success" if not report.count("rejected") else "warning")
            return view.render("admin/people/import_report.html", report=report, back=view.get_url(".index_view"))
    return view.render("admin/people/import.html", form=form, error=error, title=title, help=help_text,
                       headers=[c[1] for c in columns], required=[c[1] for c in columns if c[3]],
                       back=view.get_url(".index_view")), (400 if error else 200)


class AppointmentView(ListExport, RequestFilterOptions, ScopedModelView):
    """聘任管理: the 聘任 made by the units the user manages (聘任职务, 岗位级别 and 等级, 起止日期);
    新增 / 修改 / 删除 with the 岗位结构比例 check, 导入 and 导出."""

    permission = P.PEOPLE
    row_scope = scope.appointments
    can_create = can_edit = can_delete = False
    column_display_actions = False
    column_auto_select_related = False
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
    column_default_sort = ("id", True)
    column_filters = (
        FilterLike("unit.name", "单位名称"),
        DepartmentFilter(Appointment.unit_id, "归口部门", options=_department_options),
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

    def _get_filter_groups(self):
        return _not_staff_filters(super()._get_filter_groups())

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
                form.start_date.data = _date_value(appointment.start_date)
                form.end_date.data = _date_value(appointment.end_date)
                form.grade.data = str(appointment.grade or "")
                form.unit_id.data = str(appointment.unit_id)
            elif person is not None:
                form.unit_id.data = str(person.unit_id)
        if current_user.is_unit:
            del form.unit_id
        else:
            form.unit_id.choices = [("", "请选择")] + [(str(i), label) for i, label in services.unit_choices(current_user)]
        if person is not None:
            del form.id_number
        return form

    def _save(self, form, appointment, person, title):
        """Run the service; on a refusal the page again, with the message by its field (and the
        quota warning above the form when the 聘任 would exceed the 岗位结构比例)."""
        unit_id = form.unit_id.data if "unit_id" in form else None
        try:
            if person is None:
                number = services.text(form.id_number.data, "证件号码", 32, required=True, field="id_number")
                person = db.session.scalar(select(PersonRecord).where(
                    PersonRecord.id_number == number.upper(), scope.person_records(current_user)))
                if person is None:
                    raise services.PeopleError("人员基本信息中没有该证件号码的人员（或不在本单位、本部门管辖范围内），"
                                               "请先新增人员", field="id_number")
            saved = services.save_appointment(current_user, appointment, person, form.data, unit_id)
        except ValidationError as e:
            db.session.rollback()
            warning = e.excess.message if isinstance(e, services.QuotaExceeded) else None
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
        _require_edit()
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
        _require_edit()
        person = appointment.person
        form = self._form(appointment, person)
        title = f"修改聘任：{person.name}"
        if form.validate_on_submit():
            return self._save(form, appointment, person, title)
        return self._page(form, title, person, appointment)

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        if not Form().validate_on_submit():
            abort(400)
        appointment = self.get_one(request.form.get("id"))
        _require_edit()
        person_id = appointment.person_id
        services.delete_appointment(current_user, appointment)
        flash("已删除聘任记录", "success")
        return redirect(self._person_page(person_id))

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        _require_edit()
        return _import_page(self, "导入聘任信息", imports.APPOINTMENT_COLUMNS, imports.import_appointments,
                            "每行一条聘任，按证件号码、聘任单位和聘任起始日期识别：已有的更新，没有的新增；人员须已登记在"
                            "人员基本信息中。岗位级别填正高级、副高级、中级或初级；聘任后超出岗位结构比例的，须在"
                            "“超比例聘任理由”列填写理由。"
                            + ("单位代码可不填，即为本单位。" if current_user.is_unit else "单位代码不填的，为该人员所在单位。"))

    @expose("/export/")
    def export_view(self):
        rows = exports.appointment_rows(self.filtered_query(), date.today())
        return exports.send_workbook("聘任信息", exports.APPOINTMENT_EXPORT, rows, f"聘任信息-{date.today():%Y%m%d}.xlsx")


class StructureView(GuardedView):
    """结构比例管理: each unit's 岗位结构比例 against its 聘任 in force, and the sums per department
    over its subtree; a department's 管理员 sets a unit's quota (as numbers of posts or as ratios of
    its 岗位总量)."""

    permission = P.PEOPLE

    @expose("/")
    def index(self):
        units = unit_structures(current_user)
        departments = department_structures(current_user, units)
        shown = units
        name = (request.args.get("name") or "").strip()[:100]
        dept = _scoped_department(current_user, parse_id(request.args.get("department"))) \
            if current_user.is_staff and request.args.get("department") else None
        over_only = request.args.get("over") == "1"
        if dept is not None:
            inside = {d.department.id for d in departments if d.department.path.startswith(dept.path)}
            shown = [u for u in shown if u.department_id in inside]
        if name:
            shown = [u for u in shown if name in u.name or name.upper() in u.uscc]
        if over_only:
            shown = [u for u in shown if u.over_levels]
        page = max(parse_id(request.args.get("page")) or 1, 1)
        pages = max((len(shown) + UNITS_PER_PAGE - 1) // UNITS_PER_PAGE, 1)
        page = min(page, pages)
        return self.render("admin/people/structure.html", departments=departments, units=shown[
            (page - 1) * UNITS_PER_PAGE:page * UNITS_PER_PAGE], total=len(shown), page=page, pages=pages,
            levels=LEVELS, name=name, department=dept, over_only=over_only,
            can_set=can(current_user, P.POST_QUOTA), today=date.today(),
            department_options=_department_options() if current_user.is_staff else [])

    def _unit(self) -> Unit:
        unit = services.visible_unit(current_user, parse_id(request.args.get("unit")))
        if unit is None:
            abort(404)
        return unit

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self):
        unit = self._unit()
        if not can(current_user, P.POST_QUOTA):
            abort(403)
        quota = services.quota_of(unit.id)
        form = QuotaForm(obj=quota) if request.method == "GET" and quota is not None else QuotaForm()
        if request.method == "GET" and quota is not None and quota.total is None:
            form.total.data = ""
        if form.validate_on_submit():
            try:
                services.set_quota(current_user, unit.id, form.data)
            except ValidationError as e:
                db.session.rollback()
                if not field_error(form, e):
                    flash(str(e), "error")
            else:
                flash(f"已设置{unit.name}的岗位结构比例", "success")
                return redirect(self.get_url(".index", name=unit.name))
        return self.render("admin/people/form.html", form=form, title=f"设置岗位结构比例：{unit.name}",
                           readonly={"单位": unit.name, "统一社会信用代码": unit.uscc},
                           help="按岗位数核定：直接填写各级别岗位数；按比例核定：填写专业技术岗位总量和各级别所占百分比。",
                           back=self.get_url(".index"),
                           delete_url=self.get_url(".clear", unit=unit.id) if quota is not None else None,
                           delete_label="清除结构比例", modes=QUOTA_MODES), (400 if form.errors else 200)

    @expose("/clear/", methods=("POST",))
    def clear(self):
        unit = self._unit()
        if not can(current_user, P.POST_QUOTA):
            abort(403)
        if not Form().validate_on_submit():
            abort(400)
        services.clear_quota(current_user, unit.id)
        flash(f"已清除{unit.name}的岗位结构比例", "success")
        return redirect(self.get_url(".index"))


def register(admin) -> None:
    admin.add_view(PersonRecordView(PersonRecord, name="人员基本信息", category=CAT_ORG, endpoint="people",
                                    url="/admin/people"))
    admin.add_view(AppointmentView(Appointment, name="聘任管理", category=CAT_ORG, endpoint="appointments",
                                   url="/admin/appointments"))
    admin.add_view(StructureView(name="结构比例管理", category=CAT_ORG, endpoint="post_quotas", url="/admin/post_quotas"))

