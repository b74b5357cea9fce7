"""Accounts and organisation: 后台管理 (units), 机构管理 (department 管理员), 系统管理 (root office).

Views parse the form, load rows through zhicheng.scope, call zhicheng.accounts and render.
One-time passwords are rendered once in the response to the POST that created them.
"""
from __future__ import annotations

import re
from io import BytesIO

from flask import abort, current_app, flash, make_response, redirect, request, send_file
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (BooleanEqualFilter, DateTimeBetweenFilter, FilterEqual,
                                              FilterLike)
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import false, select, true
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from .. import accounts, audit, scope
from ..exporting import Column, content_disposition, write_xlsx
from ..extensions import db
from ..forms import Form
from ..models import DICT_KINDS, AuditLog, Department, DictItem, Unit, UnitRegistry, User
from ..models.accounts import STAFF_ROLES, SUB_PERMISSIONS
from ..validators import ValidationError, check_id_card, check_mobile, check_phone, check_username, check_uscc
from .base import GuardedView, ScopedModelView

CAT_UNIT = "后台管理"
CAT_ORG = "机构管理"
CAT_SYSTEM = "系统管理"
OTP_NOTICE = "请将初始密码告知使用人，首次登录须修改密码"
BATCH_TOKEN_MAX_AGE = 15 * 60

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- field checks (messages appear next to the field) ---

def _mobile(form, field):
    if field.data:
        try:
            field.data = check_mobile(field.data)
        except ValidationError as e:
            raise FieldError(str(e)) from None


def _contact_phone(form, field):
    if not (field.data or "").strip():
        return
    try:
        field.data = check_phone(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None


def _email(form, field):
    field.data = (field.data or "").strip()
    if field.data and not _EMAIL.fullmatch(field.data):
        raise FieldError("电子邮箱格式不正确")


def _id_card(form, field):
    if field.data and field.data.strip():
        try:
            field.data = check_id_card(field.data)
        except ValidationError as e:
            raise FieldError(str(e)) from None
    else:
        field.data = ""


def _uscc_field(form, field):
    try:
        result = check_uscc(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None
    if not result.checksum_ok:
        raise FieldError("统一社会信用代码校验位不正确，请核对")
    field.data = result.code


def _username(form, field):
    try:
        field.data = check_username(field.data)
    except ValidationError as e:
        raise FieldError(str(e)) from None


def _with_flags(base, labels: dict):
    """A form class with one checkbox per permission / role, labelled in the manual's words."""
    return type(base.__name__, (base,), {key: BooleanField(label) for key, label in labels.items()})


def _flags_of(form, labels: dict) -> dict:
    return {key: bool(form[key].data) for key in labels if key in form}


class SubAccountBase(Form):
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120, message="电子邮箱过长"), _email])
    id_card = StringField("身份证号", validators=[_id_card])


class SubAccountAddBase(SubAccountBase):
    username = StringField("用户名", validators=[_username])


SubAccountForm = _with_flags(SubAccountBase, SUB_PERMISSIONS)
SubAccountAddForm = _with_flags(SubAccountAddBase, SUB_PERMISSIONS)


class BatchBase(Form):
    count = IntegerField("新增数量", validators=[
        InputRequired("请填写新增数量"),
        NumberRange(1, accounts.MAX_BATCH, f"新增数量应为1至{accounts.MAX_BATCH}之间的整数")])


BatchForm = _with_flags(BatchBase, SUB_PERMISSIONS)


class UnitInfoForm(Form):
    name = StringField("单位全称", validators=[InputRequired("请填写单位全称"), Length(max=200, message="单位全称过长")])
    legal_rep = StringField("法定代表人", validators=[InputRequired("请填写法定代表人"), Length(max=50)])
    contact_name = StringField("联系人", validators=[Length(max=50, message="联系人过长")])
    contact_phone = StringField("联系电话", validators=[_contact_phone])
    email = StringField("电子邮箱", validators=[InputRequired("请填写电子邮箱"), Length(max=120), _email])
    address = StringField("单位地址", validators=[Length(max=200, message="单位地址过长")])
    nature = SelectField("单位性质", choices=[], validate_choice=False)


class OwnInfoForm(Form):
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120), _email])


class StaffBase(Form):
    department_id = SelectField("所在部门", coerce=int, validate_choice=False)
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120), _email])


class StaffAddBase(StaffBase):
    username = StringField("用户名", validators=[_username])


StaffForm = _with_flags(StaffBase, STAFF_ROLES)
StaffAddForm = _with_flags(StaffAddBase, STAFF_ROLES)


class DepartmentForm(Form):
    name = StringField("部门名称", validators=[InputRequired("请填写部门名称"), Length(max=100, message="部门名称过长")])
    parent_id = SelectField("上级部门", coerce=int, validate_choice=False)
    accepts_registration = BooleanField("接受单位注册（可被选为归口部门）", default=True)


class RegistryImportForm(Form):
    pass


# --- helpers shared by the views ---

OTP_COLUMNS = [Column("用户名", 20), Column("初始密码", 22), Column("说明", 36)]


def otp_workbook(rows) -> bytes:
    """The batch's usernames and one-time passwords as an .xlsx sheet (the 导出汇总表 writer)."""
    out = BytesIO()
    write_xlsx(out, "工作账号", OTP_COLUMNS, ((u, p, "首次登录须修改密码") for u, p in rows))
    return out.getvalue()


def _batch_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="zhicheng.batch-otp")


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _status(view, context, model, name):
    return "开通" if model.enabled else "禁用"


def _permissions(view, context, model, name):
    return "、".join(label for key, label in SUB_PERMISSIONS.items() if getattr(model, key)) or "无"


def _roles(view, context, model, name):
    return "、".join(label for key, label in STAFF_ROLES.items() if getattr(model, key)) or "无"


def _datetime(view, context, model, name):
    value = getattr(model, name)
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class NoDetailsPage:
    """No details page: admin/base.py answers 404 on its URL."""

    can_view_details = False


class NoEditPage:
    """Read-only list: admin/base.py answers 404 on the edit URL."""

    can_edit = False


class AccountListMixin:
    """开通 / 禁用 / 密码重置 on selected accounts of the view's scope."""

    column_formatters = {"enabled": _status, "created_at": _datetime}

    def _accounts_for(self, ids) -> list[User]:
        return self.scoped_rows(ids, strict=True)

    def _set_enabled(self, ids, enabled: bool):
        done = []
        for user in self._accounts_for(ids):
            try:
                accounts.set_enabled(current_user, user, enabled)
            except accounts.AccountError as e:
                flash(str(e), "error")
            else:
                done.append(user.username)
        if done:
            flash(f"已{'开通' if enabled else '禁用'}：{'、'.join(done)}", "success")

    def _reset(self, ids):
        targets = self._accounts_for(ids)
        rows = [(u.username, u.real_name, accounts.reset_password(current_user, u)) for u in targets]
        return _no_store(self.render("admin/accounts/otp_result.html", title="密码重置", rows=rows,
                                     notice=OTP_NOTICE, back=self.get_url(".index_view")))


# --- 后台管理 (unit account) ---

class SubAccountView(NoDetailsPage, AccountListMixin, ScopedModelView):
    """工作账号管理."""

    list_template = "admin/accounts/sub_list.html"
    can_create = False  # 添加 / 批量新增账号 are the pages below, with one-time passwords
    can_edit = True
    can_delete = True
    can_view_details = False
    column_list = ("username", "real_name", "phone", "permissions", "enabled", "created_at")
    column_labels = {"username": "用户名", "real_name": "姓名", "phone": "手机", "permissions": "权限",
                     "enabled": "状态", "created_at": "创建时间", "email": "电子邮箱"}
    column_searchable_list = ("username", "real_name", "phone")
    column_filters = (BooleanEqualFilter(User.enabled, "状态（开通）"),
                      DateTimeBetweenFilter(User.created_at, "创建时间"))
    column_default_sort = ("id", False)
    column_formatters = {**AccountListMixin.column_formatters, "permissions": _permissions}

    def allowed(self, user) -> bool:
        return user.is_unit

    def scope(self, user):
        return scope.sub_accounts(user)

    @expose("/add/", methods=("GET", "POST"))
    def add_view(self):
        form = SubAccountAddForm()
        if form.validate_on_submit():
            try:
                user, otp = accounts.create_sub_account(
                    current_user, form.username.data, _flags_of(form, SUB_PERMISSIONS),
                    real_name=form.real_name.data, phone=form.phone.data or "", email=form.email.data,
                    id_card=form.id_card.data)
            except accounts.AccountError as e:
                form.username.errors.append(str(e))
            else:
                return _no_store(self.render("admin/accounts/otp_result.html", title="添加工作账号",
                                             rows=[(user.username, user.real_name, otp)], notice=OTP_NOTICE,
                                             back=self.get_url(".index_view")))
        return self.render("admin/accounts/form.html", form=form, title="添加工作账号",
                           flags=SUB_PERMISSIONS, flags_label="操作权限", back=self.get_url(".index_view"))

    @expose("/batch/", methods=("GET", "POST"))
    def batch_view(self):
        form = BatchForm()
        if form.validate_on_submit():
            try:
                rows = accounts.batch_create_sub_accounts(current_user, form.count.data,
                                                          _flags_of(form, SUB_PERMISSIONS))
            except accounts.AccountError as e:
                form.count.errors.append(str(e))
            else:
                token = _batch_serializer().dumps({"u": current_user.id, "rows": rows})
                return _no_store(self.render("admin/accounts/batch_result.html", rows=rows, token=token,
                                             notice=OTP_NOTICE, back=self.get_url(".index_view")))
        return self.render("admin/accounts/form.html", form=form, title="批量新增账号",
                           flags=SUB_PERMISSIONS, flags_label="操作权限",
                           help="用户名由系统自动生成，为单位用户名加序号；同一批账号的权限相同。",
                           back=self.get_url(".index_view"))

    @expose("/batch/xlsx/", methods=("POST",))
    def batch_download(self):
        """The batch just created, as an Excel sheet, for the unit account that created it."""
        try:
            data = _batch_serializer().loads(request.form.get("token", ""), max_age=BATCH_TOKEN_MAX_AGE)
        except SignatureExpired:
            flash("下载已过期，初始密码不再提供；如需要请对相应账号进行密码重置", "error")
            return redirect(self.get_url(".index_view"))
        except BadSignature:
            abort(400)
        if data.get("u") != current_user.id:
            abort(403)
        audit.record("account.batch_download", current_user.unit, f"下载批量新增账号的初始密码（{len(data['rows'])}个）")
        db.session.commit()
        response = send_file(BytesIO(otp_workbook(data["rows"])), as_attachment=True,
                             download_name="zhicheng-accounts.xlsx",
                             mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers["Content-Disposition"] = content_disposition(
            f"zhicheng-accounts-{current_user.username}.xlsx", f"批量新增账号-{current_user.username}.xlsx")
        return _no_store(response)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        target = self.get_one(request.args.get("id"))
        form = SubAccountForm(obj=target)
        if form.validate_on_submit():
            try:
                # The username is not a field of this form: whatever is posted for it is ignored.
                accounts.update_sub_account(current_user, target, _flags_of(form, SUB_PERMISSIONS),
                                            real_name=form.real_name.data, phone=form.phone.data or "",
                                            email=form.email.data, id_card=form.id_card.data)
            except accounts.AccountError as e:
                flash(str(e), "error")
            else:
                flash(f"工作账号“{target.username}”已保存", "success")
                return redirect(self.get_url(".index_view"))
        return self.render("admin/accounts/form.html", form=form, title="修改工作账号",
                           readonly={"用户名": target.username}, flags=SUB_PERMISSIONS, flags_label="操作权限",
                           back=self.get_url(".index_view"))

    def delete_model(self, model) -> bool:
        try:
            accounts.delete_account(current_user, model)
        except accounts.AccountError as e:
            flash(str(e), "error")
            return False
        return True

    @action("enable", "开通", "确定开通所选工作账号？")
    def action_enable(self, ids):
        self._set_enabled(ids, True)

    @action("disable", "禁用", "确定禁用所选工作账号？禁用后该账号不能登录。")
    def action_disable(self, ids):
        self._set_enabled(ids, False)

    @action("reset_password", "密码重置", "确定重置所选工作账号的密码？")
    def action_reset(self, ids):
        return self._reset(ids)

    @action("delete", "删除", "确定删除所选工作账号？有申报记录的账号不可删除。")
    def action_delete(self, ids):
        done = [u.username for u in self.scoped_rows(ids, strict=True) if self.delete_model(u)]
        if done:
            flash(f"已删除：{'、'.join(done)}", "success")


class BasicInfoView(GuardedView):
    """基本信息管理: the unit's own data, or a 工作账号's own name and contact details."""

    def allowed(self, user) -> bool:
        return user.is_unit or (user.is_sub and user.can("perm_edit_info"))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if current_user.is_unit:
            return self._unit_info()
        return self._own_info()

    def _unit_info(self):
        unit = db.session.scalar(select(Unit).where(scope.units(current_user), Unit.id == current_user.unit_id))
        if unit is None:
            abort(404)
        form = UnitInfoForm(obj=unit)
        natures = list(db.session.scalars(select(DictItem).where(DictItem.kind == "unit_nature",
                                                                 DictItem.active.is_(True))
                                          .order_by(DictItem.sort, DictItem.id)))
        names = [d.name for d in natures]
        form.nature.choices = [("", "请选择")] + [(n, n) for n in names]
        if unit.nature and unit.nature not in names:
            form.nature.choices.append((unit.nature, unit.nature))
        if form.validate_on_submit():
            if form.nature.data and form.nature.data not in names and form.nature.data != unit.nature:
                form.nature.errors.append("请从列表中选择单位性质")
            else:
                accounts.update_unit_info(current_user, unit, {k: getattr(form, k).data
                                                               for k in accounts.UNIT_INFO_FIELDS})
                flash("基本信息已保存", "success")
                return redirect(self.get_url(".index"))
        return self.render("admin/accounts/form.html", form=form, title="基本信息管理",
                           readonly={"机构代码": unit.uscc, "归口部门": unit.department.name},
                           required=("name", "legal_rep", "email"))

    def _own_info(self):
        form = OwnInfoForm(obj=current_user)
        if form.validate_on_submit():
            try:
                accounts.update_own_info(current_user, form.real_name.data, form.phone.data or "",
                                         form.email.data)
            except accounts.AccountError as e:
                flash(str(e), "error")
            else:
                flash("基本信息已保存", "success")
                return redirect(self.get_url(".index"))
        return self.render("admin/accounts/form.html", form=form, title="基本信息管理",
                           readonly={"用户名": current_user.username, "所属单位": current_user.unit.name},
                           required=("real_name",))


# --- 机构管理 (department 管理员) ---

def _department_choices(user, exclude_own: bool = False) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Department).where(scope.departments(user)).order_by(Department.path))
    return [(d.id, "　" * max(d.depth - user.department.depth, 0) + d.name) for d in rows
            if not (exclude_own and d.id == user.department_id)]


def _scoped_department(user, dept_id) -> Department | None:
    if not dept_id:
        return None
    return db.session.scalar(select(Department).where(scope.departments(user), Department.id == dept_id))


class StaffView(NoDetailsPage, AccountListMixin, ScopedModelView):
    """本部门工作人员."""

    list_template = "admin/accounts/staff_list.html"
    can_create = False
    can_edit = True
    can_delete = False
    can_view_details = False
    column_list = ("username", "real_name", "department", "roles", "phone", "enabled", "created_at")
    column_labels = {"username": "用户名", "real_name": "姓名", "department": "所在部门", "roles": "角色",
                     "phone": "手机", "enabled": "状态", "created_at": "创建时间",
                     "department.name": "所在部门"}
    column_searchable_list = ("username", "real_name", "phone")
    column_filters = (BooleanEqualFilter(User.enabled, "状态（开通）"),)
    column_formatters = {**AccountListMixin.column_formatters, "roles": _roles}
    column_default_sort = ("id", False)

    def allowed(self, user) -> bool:
        return user.has_role("role_admin")

    def scope(self, user):
        return scope.staff_accounts(user)

    def _role_labels(self) -> dict:
        if current_user.department.is_root:
            return STAFF_ROLES
        return {k: v for k, v in STAFF_ROLES.items() if k != "role_dict"}

    def _form(self, cls, obj=None):
        form = cls(obj=obj)
        if "role_dict" not in self._role_labels():
            del form["role_dict"]
        form.department_id.choices = _department_choices(current_user)
        return form

    def _department_or_error(self, form) -> Department | None:
        dept = _scoped_department(current_user, form.department_id.data)
        if dept is None:
            form.department_id.errors.append("请选择本部门或下级部门")
        return dept

    @expose("/add/", methods=("GET", "POST"))
    def add_view(self):
        form = self._form(StaffAddForm)
        if request.method == "GET":
            form.department_id.data = current_user.department_id
        if form.validate_on_submit() and (dept := self._department_or_error(form)) is not None:
            try:
                user, otp = accounts.create_staff_account(
                    current_user, form.username.data, dept, _flags_of(form, STAFF_ROLES),
                    real_name=form.real_name.data, phone=form.phone.data or "", email=form.email.data)
            except accounts.AccountError as e:
                form.username.errors.append(str(e))
            else:
                return _no_store(self.render("admin/accounts/otp_result.html", title="添加工作人员",
                                             rows=[(user.username, user.real_name, otp)], notice=OTP_NOTICE,
                                             back=self.get_url(".index_view")))
        return self.render("admin/accounts/form.html", form=form, title="添加工作人员",
                           flags=self._role_labels(), flags_label="角色", back=self.get_url(".index_view"))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        target = self.get_one(request.args.get("id"))
        own = target.id == current_user.id
        form = self._form(StaffForm, obj=target)
        if own:
            # Nobody edits their own roles or department: the stored ones are kept whatever is posted.
            form.department_id.data = target.department_id
        if form.validate_on_submit() and (dept := self._department_or_error(form)) is not None:
            roles = _flags_of(form, STAFF_ROLES)
            if own:
                roles = {k: getattr(target, k) for k in STAFF_ROLES}
            elif "role_dict" not in roles:
                roles["role_dict"] = target.role_dict
            try:
                accounts.update_staff_account(current_user, target, dept, roles, real_name=form.real_name.data,
                                              phone=form.phone.data or "", email=form.email.data)
            except accounts.AccountError as e:
                flash(str(e), "error")
            else:
                flash(f"工作人员“{target.username}”已保存", "success")
                return redirect(self.get_url(".index_view"))
        return self.render("admin/accounts/form.html", form=form, title="修改工作人员",
                           readonly={"用户名": target.username}, flags=self._role_labels(), flags_label="角色",
                           locked=own, back=self.get_url(".index_view"))

    @action("enable", "开通", "确定开通所选工作人员的账号？")
    def action_enable(self, ids):
        self._set_enabled(ids, True)

    @action("disable", "禁用", "确定禁用所选工作人员的账号？禁用后不能登录。")
    def action_disable(self, ids):
        self._set_enabled(ids, False)

    @action("reset_password", "密码重置", "确定重置所选工作人员的密码？")
    def action_reset(self, ids):
        return self._reset(ids)


class SubDepartmentView(NoDetailsPage, NoEditPage, ScopedModelView):
    """下级部门."""

    list_template = "admin/accounts/department_list.html"
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = False
    column_list = ("name", "parent", "accepts_registration", "created_at")
    column_labels = {"name": "部门名称", "parent": "上级部门", "accepts_registration": "接受单位注册",
                     "created_at": "创建时间"}
    column_searchable_list = ("name",)
    column_formatters = {"accepts_registration": lambda v, c, m, n: "是" if m.accepts_registration else "否",
                         "created_at": _datetime}
    column_default_sort = "path"

    def allowed(self, user) -> bool:
        return user.has_role("role_admin")

    def scope(self, user):
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


class UnitListView(NoDetailsPage, NoEditPage, ScopedModelView):
    """注册单位: units under the department and its sub-departments; their login accounts."""

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = False
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

    def allowed(self, user) -> bool:
        return user.has_role("role_admin")

    def scope(self, user):
        return scope.units(user)

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        ids = [u.id for u in rows]
        # Kept with the request, not on the view: one view object serves every thread.
        request.environ["zhicheng.unit_accounts"] = {a.unit_id: a for a in db.session.scalars(
            select(User).where(scope.unit_accounts(current_user), User.unit_id.in_(ids)))} if ids else {}
        return count, rows

    def _accounts_by_unit(self) -> dict:
        return request.environ.get("zhicheng.unit_accounts", {})

    def _unit_accounts(self, ids) -> list[User]:
        units = self.scoped_rows(ids, strict=True)
        return list(db.session.scalars(select(User).where(scope.unit_accounts(current_user),
                                                          User.unit_id.in_([u.id for u in units]))
                                       .order_by(User.id)))

    def _set_enabled(self, ids, enabled: bool):
        done = []
        for user in self._unit_accounts(ids):
            accounts.set_enabled(current_user, user, enabled)
            done.append(user.username)
        if done:
            flash(f"已{'开通' if enabled else '禁用'}单位账号：{'、'.join(done)}", "success")

    @action("enable", "开通", "确定开通所选单位的账号？")
    def action_enable(self, ids):
        self._set_enabled(ids, True)

    @action("disable", "禁用", "确定禁用所选单位的账号？禁用后该单位不能登录。")
    def action_disable(self, ids):
        self._set_enabled(ids, False)

    @action("reset_password", "密码重置", "确定重置所选单位账号的密码？")
    def action_reset(self, ids):
        rows = [(u.username, u.unit.name, accounts.reset_password(current_user, u))
                for u in self._unit_accounts(ids)]
        return _no_store(self.render("admin/accounts/otp_result.html", title="密码重置", rows=rows,
                                     notice="请将新密码告知单位，登录后须修改密码", name_label="单位全称",
                                     back=self.get_url(".index_view")))


# --- 系统管理 (root office) ---

def _root_with(role: str):
    return lambda user: user.is_root_staff and user.has_role(role)


class AuditedModelView(ScopedModelView):
    """Flask-Admin's own create/edit/delete, each with an audit row in the same transaction."""

    audit_name = ""

    def on_model_change(self, form, model, is_created):
        db.session.flush()
        audit.record(f"{self.audit_name}.{'create' if is_created else 'update'}", model,
                     f"{'新增' if is_created else '修改'}{self.name}：{model}")

    def on_model_delete(self, model):
        audit.record(f"{self.audit_name}.delete", model, f"删除{self.name}：{model}")


class DictItemView(NoDetailsPage, AuditedModelView):
    """字典维护."""

    audit_name = "dict"
    can_view_details = False
    column_list = ("kind", "code", "name", "sort", "active")
    column_labels = {"kind": "字典类别", "code": "代码", "name": "名称", "sort": "排序", "active": "启用"}
    column_searchable_list = ("code", "name")
    column_filters = (FilterEqual(DictItem.kind, "字典类别", options=tuple(DICT_KINDS.items())),
                      BooleanEqualFilter(DictItem.active, "启用"))
    column_formatters = {"kind": lambda v, c, m, n: DICT_KINDS.get(m.kind, m.kind),
                         "active": lambda v, c, m, n: "是" if m.active else "否"}
    column_default_sort = [("kind", False), ("sort", False), ("id", False)]
    form_columns = ("kind", "code", "name", "sort", "active")
    form_choices = {"kind": list(DICT_KINDS.items())}
    form_args = {"code": {"label": "代码", "validators": [InputRequired("请填写代码"), Length(max=20)]},
                 "name": {"label": "名称", "validators": [InputRequired("请填写名称"), Length(max=100)]},
                 "kind": {"label": "字典类别"}, "sort": {"label": "排序"}, "active": {"label": "启用"}}

    def allowed(self, user) -> bool:
        return _root_with("role_dict")(user)

    def scope(self, user):
        # Dictionaries are global; who may maintain them is decided by allowed().
        return true() if self.allowed(user) else false()

    def on_model_change(self, form, model, is_created):
        with db.session.no_autoflush:
            duplicate = db.session.scalar(select(DictItem.id).where(DictItem.kind == model.kind,
                                                                    DictItem.code == model.code,
                                                                    DictItem.id != (model.id or 0)))
        if duplicate is not None:
            raise ValidationError(f"“{DICT_KINDS.get(model.kind, model.kind)}”中已有代码“{model.code}”")
        super().on_model_change(form, model, is_created)


class RegistryView(NoDetailsPage, AuditedModelView):
    """单位名录 (with 导入 from .xlsx)."""

    audit_name = "registry"
    list_template = "admin/accounts/registry_list.html"
    can_view_details = False
    column_list = ("uscc", "legal_rep", "name", "created_at")
    column_labels = {"uscc": "机构代码", "legal_rep": "法定代表人", "name": "单位名称", "created_at": "录入时间"}
    column_searchable_list = ("uscc", "legal_rep", "name")
    column_formatters = {"created_at": _datetime}
    column_default_sort = ("id", True)
    form_columns = ("uscc", "legal_rep", "name")
    form_args = {"uscc": {"label": "机构代码", "validators": [_uscc_field]},
                 "legal_rep": {"label": "法定代表人", "validators": [InputRequired("请填写法定代表人"), Length(max=50)]},
                 "name": {"label": "单位名称", "validators": [InputRequired("请填写单位名称"), Length(max=200)]}}

    def allowed(self, user) -> bool:
        return _root_with("role_dict")(user)

    def scope(self, user):
        return true() if self.allowed(user) else false()

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
    if upload is None or not upload.filename:
        raise ValidationError("请选择要导入的Excel文件（.xlsx）")
    head = upload.stream.read(4)
    upload.stream.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError("文件不是Excel（.xlsx）格式")
    try:
        from openpyxl import load_workbook  # about 10 MB with lxml: imported by the import, not at start-up
        wb = load_workbook(upload.stream, read_only=True, data_only=True)
    except Exception:
        raise ValidationError("无法读取该Excel文件，请确认是.xlsx格式") from None
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(c or "").strip() for c in (next(it, None) or ())]
        try:
            cols = [header.index(name) for name in REGISTRY_HEADER]
        except ValueError:
            raise ValidationError("第1行应为表头：机构代码、法定代表人、单位名称") from None
        rows = []
        for line, values in enumerate(it, start=2):
            values = list(values) + [None] * (max(cols) + 1 - len(values))
            picked = [values[i] for i in cols]
            if all(v is None or str(v).strip() == "" for v in picked):
                continue
            rows.append((line, *picked))
            if len(rows) > 20000:
                raise ValidationError("一次最多导入20000行")
        return rows
    finally:
        wb.close()


class AuditLogView(NoEditPage, ScopedModelView):
    """审计日志 (read-only)."""

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    column_list = ("at", "actor_name", "action", "target_type", "target_id", "detail", "ip")
    column_labels = {"at": "时间", "actor_name": "操作人", "action": "操作", "target_type": "对象类型",
                     "target_id": "对象编号", "detail": "内容", "ip": "IP地址", "actor_id": "操作人编号"}
    column_searchable_list = ("actor_name", "action", "detail")
    column_filters = (FilterEqual(AuditLog.action, "操作"), FilterLike(AuditLog.action, "操作"),
                      DateTimeBetweenFilter(AuditLog.at, "时间"), FilterEqual(AuditLog.actor_name, "操作人"))
    column_default_sort = ("id", True)
    column_formatters = {"at": lambda v, c, m, n: m.at.strftime("%Y-%m-%d %H:%M:%S") if m.at else ""}

    def allowed(self, user) -> bool:
        return _root_with("role_admin")(user)

    def scope(self, user):
        return true() if self.allowed(user) else false()


def register(admin) -> None:
    admin.add_view(SubAccountView(User, name="工作账号管理", category=CAT_UNIT, endpoint="sub_accounts",
                                  url="/admin/sub_accounts"))
    admin.add_view(BasicInfoView(name="基本信息管理", category=CAT_UNIT, endpoint="basic_info",
                                 url="/admin/basic_info"))
    admin.add_view(StaffView(User, name="本部门工作人员", category=CAT_ORG, endpoint="staff", url="/admin/staff"))
    admin.add_view(SubDepartmentView(Department, name="下级部门", category=CAT_ORG, endpoint="sub_departments",
                                     url="/admin/sub_departments"))
    admin.add_view(UnitListView(Unit, name="注册单位", category=CAT_ORG, endpoint="units", url="/admin/units"))
    admin.add_view(DictItemView(DictItem, name="字典维护", category=CAT_SYSTEM, endpoint="dicts",
                                url="/admin/dicts"))
    admin.add_view(RegistryView(UnitRegistry, name="单位名录", category=CAT_SYSTEM, endpoint="registry",
                                url="/admin/registry"))
    admin.add_view(AuditLogView(AuditLog, name="审计日志", category=CAT_SYSTEM, endpoint="audit_log",
                                url="/admin/audit_log"))
