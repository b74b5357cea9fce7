"""本部门工作人员 (机构管理, the department 管理员): the staff accounts of his department and those
below it, their 角色 and 所在部门."""
from __future__ import annotations

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter
from flask_login import current_user

from zhicheng import scope
from zhicheng.accounts import services as accounts
from zhicheng.accounts.admin_common import AccountListMixin, flag_labels
from zhicheng.accounts.forms import StaffAddForm, StaffForm
from zhicheng.accounts.models import STAFF_ROLES
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import NoDetailsPage, _department_choices, _flags_of, _scoped_department
from zhicheng.models import Department, User
from zhicheng.policy import P


class StaffView(NoDetailsPage, AccountListMixin, ScopedModelView):
    """本部门工作人员."""

    permission = P.ADMIN
    row_scope = scope.staff_accounts
    account_noun = "工作人员的账号"
    disable_means = "禁用后不能登录。"

    list_template = "admin/accounts/staff_list.html"
    can_create = False
    can_edit = True
    can_delete = False
    column_list = ("username", "real_name", "department", "roles", "phone", "enabled", "created_at")
    column_labels = {"username": "用户名", "real_name": "姓名", "department": "所在部门", "roles": "角色",
                     "phone": "手机", "enabled": "状态", "created_at": "创建时间",
                     "department.name": "所在部门"}
    column_searchable_list = ("username", "real_name", "phone")
    column_filters = (BooleanEqualFilter(User.enabled, "状态（开通）"),)
    column_formatters = {**AccountListMixin.column_formatters, "roles": flag_labels(STAFF_ROLES)}
    column_default_sort = ("id", False)


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
        if (form.validate_on_submit() and (dept := self._department_or_error(form)) is not None
                and (done := self._created(form, "添加工作人员", lambda: accounts.create_staff_account(
                    current_user, form.username.data, dept, _flags_of(form, STAFF_ROLES),
                    real_name=form.real_name.data, phone=form.phone.data or "", email=form.email.data)))):
            return done
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
            if done := self._saved(f"工作人员“{target.username}”已保存", lambda: accounts.update_staff_account(
                    current_user, target, dept, roles, real_name=form.real_name.data, phone=form.phone.data or "",
                    email=form.email.data)):
                return done
        return self.render("admin/accounts/form.html", form=form, title="修改工作人员",
                           readonly={"用户名": target.username}, flags=self._role_labels(), flags_label="角色",
                           locked=own, back=self.get_url(".index_view"))
