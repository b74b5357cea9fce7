"""What the 人员基本信息, 聘任管理 and 结构比例管理 pages share: the lists' base view (PeopleListView),
the 归口部门 filter and its options, the unit choice, the edit check and the 导入 page."""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_login import current_user
from sqlalchemy import false, select
from sqlalchemy.exc import IntegrityError

from zhicheng import scope
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import _scoped_department
from zhicheng.exporting.reading import read_xlsx_records
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.materials.admin_common import RequestFilterOptions, per_request
from zhicheng.models import Department, Unit
from zhicheng.people import services
from zhicheng.policy import P, can
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError


@per_request
def department_options():
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


def require_edit() -> None:
    if not can(current_user, P.PEOPLE_EDIT):
        abort(403)


def choose_unit(form) -> None:
    """所在单位 / 聘任单位: a unit account's own (no field); staff choose among the units they manage."""
    if current_user.is_unit:
        del form.unit_id
    else:
        form.unit_id.choices = [("", "请选择")] + [(str(i), label) for i, label in services.unit_choices(current_user)]


def date_value(value) -> str:
    return value.isoformat() if value else ""


class PeopleListView(RequestFilterOptions, ScopedModelView):
    """A list of 人员基本信息 or 聘任: read-only in Flask-Admin's sense (新增 / 修改 / 删除 are its own
    pages), newest first, without the 归口部门 filter for a unit account; 导出 writes it as filtered."""

    permission = P.PEOPLE
    can_create = can_edit = can_delete = False
    column_display_actions = False
    column_auto_select_related = False
    column_default_sort = ("id", True)

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()
        if groups and not current_user.is_staff:  # a unit account has no 归口部门 to choose from
            groups.pop("归口部门", None)
        return groups

    def filtered_query(self):
        """The list as its user filtered, searched and sorted it, without paging: what 导出 writes."""
        args = self._get_list_extra_args()
        column = self._get_column_by_idx(args.sort)
        _count, query = self.get_list(None, column[0] if column else None, args.sort_desc, args.search,
                                      args.filters, execute=False, page_size=0)
        return query

    def posted_row(self):
        """The row a 删除 POST names (CSRF checked, loaded through the scope), for an editor only."""
        if not Form().validate_on_submit():
            abort(400)
        row = self.get_one(request.form.get("id"))
        require_edit()
        return row


def import_page(view, title: str, columns, service, help_text: str):
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
