"""机构管理: 下级部门 and 注册单位; 单位名录 (with 导入 from .xlsx)."""
from __future__ import annotations

from flask import flash, g, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import (
    FilterEqual,
    FilterLike,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from zhicheng import scope
from zhicheng.accounts import services as accounts
from zhicheng.accounts.admin import AccountListMixin
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import (
    CAT_ORG,
    CAT_SYSTEM,
    AuditedModelView,
    NoDetailsPage,
    NoEditPage,
    RootOfficeTable,
    _datetime,
    _department_choices,
    _scoped_department,
    _uscc_field,
)
from zhicheng.exporting.reading import read_xlsx_table
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.models import (
    Department,
    Unit,
    UnitRegistry,
    User,
)
from zhicheng.policy import P
from zhicheng.validators import (
    ValidationError,
)


class DepartmentForm(Form):
    name = StringField("部门名称", validators=[InputRequired("请填写部门名称"), Length(max=100, message="部门名称过长")])
    parent_id = SelectField("上级部门", coerce=int, validate_choice=False)
    accepts_registration = BooleanField("接受单位注册（可被选为归口部门）", default=True)


class RegistryImportForm(Form):
    pass


class SubDepartmentView(NoDetailsPage, NoEditPage, ScopedModelView):
    """下级部门."""

    list_template = "admin/accounts/department_list.html"
    can_create = False
    can_delete = False
    column_list = ("name", "parent", "accepts_registration", "created_at")
    column_labels = {"name": "部门名称", "parent": "上级部门", "accepts_registration": "接受单位注册",
                     "created_at": "创建时间"}
    column_searchable_list = ("name",)
    column_formatters = {"accepts_registration": lambda v, c, m, n: "是" if m.accepts_registration else "否",
                         "created_at": _datetime}
    column_default_sort = "path"

    permission = P.ADMIN

    @staticmethod
    def row_scope(user):
        return scope.departments(user) & (Department.id != user.department_id)

    @expose("/add/", methods=("GET", "POST"))
    def add_view(self):
        form = DepartmentForm()
        form.parent_id.choices = _department_choices(current_user)
        if request.method == "GET":
            form.parent_id.data = current_user.department_id
        if form.validate_on_submit():
            parent = _scoped_department(current_user, form.parent_id.data)
            if parent is None:
                form.parent_id.errors.append("请选择本部门或下级部门")
            else:
                try:
                    dept = accounts.create_sub_department(current_user, form.name.data, parent,
                                                          form.accepts_registration.data)
                except accounts.AccountError as e:
                    form.name.errors.append(str(e))
                else:
                    flash(f"已添加下级部门“{dept.name}”", "success")
                    return redirect(self.get_url(".index_view"))
        return self.render("admin/accounts/form.html", form=form, title="添加下级部门", required=("name",),
                           back=self.get_url(".index_view"))


class UnitListView(NoDetailsPage, NoEditPage, AccountListMixin, ScopedModelView):
    """注册单位: units under the department and its sub-departments; their login accounts."""

    permission = P.ADMIN
    row_scope = scope.units
    account_noun = "单位的账号"
    disable_means = "禁用后该单位不能登录。"
    otp_notice = "请将新密码告知单位，登录后须修改密码"
    otp_name_label = "单位全称"

    can_create = False
    can_delete = False
    column_list = ("uscc", "name", "department", "legal_rep", "account", "created_at")
    column_labels = {"uscc": "机构代码", "name": "单位全称", "department": "归口部门", "legal_rep": "法定代表人",
                     "account": "账号状态", "created_at": "注册时间"}
    column_searchable_list = ("uscc", "name", "legal_rep")
    column_filters = (FilterLike(Unit.name, "单位全称"), FilterEqual(Unit.uscc, "机构代码"))
    column_default_sort = ("id", False)

    def _account_status(self, context, model, name):
        account = self._accounts_by_unit().get(model.id)
        if account is None:
            return "—"
        return f"{account.username}（{'开通' if account.enabled else '禁用'}）"

    column_formatters = {"account": lambda v, c, m, n: v._account_status(c, m, n), "created_at": _datetime}


    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        ids = [u.id for u in rows]
        # Kept in the request's g, not on the view: one view object serves every thread.
        g.zc_unit_accounts = {a.unit_id: a for a in db.session.scalars(
            select(User).where(scope.unit_accounts(current_user), User.unit_id.in_(ids)))} if ids else {}
        return count, rows

    def _accounts_by_unit(self) -> dict:
        return g.get("zc_unit_accounts", {})

    def _accounts_for(self, ids) -> list[User]:
        units = self.scoped_rows(ids, strict=True)
        return list(db.session.scalars(select(User).where(scope.unit_accounts(current_user),
                                                          User.unit_id.in_([u.id for u in units]))
                                       .order_by(User.id)))

    def _otp_name(self, user: User) -> str:
        return user.unit.name


class RegistryView(RootOfficeTable, NoDetailsPage, AuditedModelView):
    """单位名录 (with 导入 from .xlsx)."""

    audit_name = "registry"
    list_template = "admin/accounts/registry_list.html"
    column_list = ("uscc", "legal_rep", "name", "created_at")
    column_labels = {"uscc": "机构代码", "legal_rep": "法定代表人", "name": "单位名称", "created_at": "录入时间"}
    column_searchable_list = ("uscc", "legal_rep", "name")
    column_formatters = {"created_at": _datetime}
    column_default_sort = ("id", True)
    form_columns = ("uscc", "legal_rep", "name")
    form_args = {"uscc": {"label": "机构代码", "validators": [_uscc_field]},
                 "legal_rep": {"label": "法定代表人", "validators": [InputRequired("请填写法定代表人"), Length(max=50)]},
                 "name": {"label": "单位名称", "validators": [InputRequired("请填写单位名称"), Length(max=200)]}}

    def on_model_change(self, form, model, is_created):
        with db.session.no_autoflush:
            duplicate = db.session.scalar(select(UnitRegistry.id).where(UnitRegistry.uscc == model.uscc,
                                                                        UnitRegistry.id != (model.id or 0)))
        if duplicate is not None:
            raise ValidationError(f"单位名录中已有机构代码“{model.uscc}”")
        super().on_model_change(form, model, is_created)

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        form = RegistryImportForm()
        error = None
        if form.validate_on_submit():
            upload = request.files.get("file")
            try:
                rows = read_registry_xlsx(upload)
            except ValidationError as e:
                error = str(e)
            else:
                report = accounts.import_unit_registry(current_user, rows)
                return self.render("admin/accounts/registry_report.html", report=report,
                                   back=self.get_url(".index_view"))
        return self.render("admin/accounts/registry_import.html", form=form, error=error,
                           back=self.get_url(".index_view"))


REGISTRY_HEADER = ("机构代码", "法定代表人", "单位名称")


def read_registry_xlsx(upload) -> list[tuple[int, str, str, str]]:
    """(row number, 机构代码, 法定代表人, 单位名称) from an .xlsx whose first row is the header."""
    return read_xlsx_table(upload, REGISTRY_HEADER)


def register(admin) -> None:
    admin.add_view(SubDepartmentView(Department, name="下级部门", category=CAT_ORG, endpoint="sub_departments",
                                     url="/admin/sub_departments"))
    admin.add_view(UnitListView(Unit, name="注册单位", category=CAT_ORG, endpoint="units", url="/admin/units"))


def register_registry(admin) -> None:
    admin.add_view(RegistryView(UnitRegistry, name="单位名录", category=CAT_SYSTEM, endpoint="registry",
                                url="/admin/registry"))
