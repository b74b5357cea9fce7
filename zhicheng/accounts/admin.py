"""后台管理 (the unit account: 工作账号管理, 基本信息管理); 本部门工作人员 (department 管理员) is in
staff_admin.py, what the account lists share in admin_common.py.

Views parse the form, load rows through zhicheng.scope, call zhicheng.accounts.services and render.
One-time passwords are rendered once in the response to the POST that created them.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (
    BooleanEqualFilter,
    DateTimeBetweenFilter,
)
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from zhicheng import scope
from zhicheng.accounts import services as accounts
from zhicheng.accounts.admin_common import OTP_NOTICE, AccountListMixin, flag_labels
from zhicheng.accounts.forms import (
    BatchForm,
    OwnInfoForm,
    SubAccountAddForm,
    SubAccountForm,
    UnitInfoForm,
)
from zhicheng.accounts.models import SUB_PERMISSIONS
from zhicheng.accounts.staff_admin import StaffView
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.admin.common import (
    CAT_ORG,
    CAT_UNIT,
    NoDetailsPage,
    _flags_of,
    _no_store,
)
from zhicheng.exporting.services import Column, content_disposition, write_xlsx
from zhicheng.extensions import db
from zhicheng.models import (
    DictItem,
    Unit,
    User,
)
from zhicheng.org.profile import UnitInfoError
from zhicheng.policy import P, can
from zhicheng.system import audit

BATCH_TOKEN_MAX_AGE = 15 * 60


OTP_COLUMNS = [Column("用户名", 20), Column("初始密码", 22), Column("说明", 36)]


def otp_workbook(rows) -> bytes:
    """The batch's usernames and one-time passwords as an .xlsx sheet (the 导出汇总表 writer)."""
    out = BytesIO()
    write_xlsx(out, "工作账号", OTP_COLUMNS, ((u, p, "首次登录须修改密码") for u, p in rows))
    return out.getvalue()


def _without_permissions(form) -> bool:
    """A 工作账号 with no 操作权限 can do nothing with materials: the form says so and asks again
    (the page's “确认新增” sends confirm_no_permission=1) before such accounts are created."""
    return not any(_flags_of(form, SUB_PERMISSIONS).values()) and request.form.get("confirm_no_permission") != "1"


def _batch_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="zhicheng.batch-otp")


class SubAccountView(NoDetailsPage, AccountListMixin, ScopedModelView):
    """工作账号管理."""

    permission = P.UNIT
    row_scope = scope.sub_accounts
    account_noun = "工作账号"

    list_template = "admin/accounts/sub_list.html"
    can_create = False  # 添加 / 批量新增账号 are the pages below, with one-time passwords
    can_edit = True
    can_delete = True
    column_list = ("username", "real_name", "phone", "permissions", "enabled", "created_at")
    column_labels = {"username": "用户名", "real_name": "姓名", "phone": "手机", "permissions": "权限",
                     "enabled": "状态", "created_at": "创建时间", "email": "电子邮箱"}
    column_searchable_list = ("username", "real_name", "phone")
    column_filters = (BooleanEqualFilter(User.enabled, "状态（开通）"),
                      DateTimeBetweenFilter(User.created_at, "创建时间"))
    column_default_sort = ("id", False)
    column_formatters = {**AccountListMixin.column_formatters, "permissions": flag_labels(SUB_PERMISSIONS)}


    @expose("/add/", methods=("GET", "POST"))
    def add_view(self):
        form = SubAccountAddForm()
        confirm = form.is_submitted() and _without_permissions(form)
        if form.validate_on_submit() and not confirm and (done := self._created(
                form, "添加工作账号", lambda: accounts.create_sub_account(
                    current_user, form.username.data, _flags_of(form, SUB_PERMISSIONS), real_name=form.real_name.data,
                    phone=form.phone.data or "", email=form.email.data, id_card=form.id_card.data))):
            return done
        return self.render("admin/accounts/form.html", form=form, title="添加工作账号",
                           flags=SUB_PERMISSIONS, flags_label="操作权限", back=self.get_url(".index_view"),
                           confirm_no_permission=confirm)

    @expose("/batch/", methods=("GET", "POST"))
    def batch_view(self):
        form = BatchForm()
        confirm = form.is_submitted() and _without_permissions(form)
        if form.validate_on_submit() and not confirm:
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
                           back=self.get_url(".index_view"), confirm_no_permission=confirm)

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
        db.session.flush()
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
        # The username is not a field of this form: whatever is posted for it is ignored.
        if form.validate_on_submit() and (done := self._saved(f"工作账号“{target.username}”已保存", lambda: (
                accounts.update_sub_account(current_user, target, _flags_of(form, SUB_PERMISSIONS),
                                            real_name=form.real_name.data, phone=form.phone.data or "",
                                            email=form.email.data, id_card=form.id_card.data)))):
            return done
        return self.render("admin/accounts/form.html", form=form, title="修改工作账号",
                           readonly={"用户名": target.username}, flags=SUB_PERMISSIONS, flags_label="操作权限",
                           back=self.get_url(".index_view"))

    def delete_model(self, model) -> bool:
        accounts.delete_account(current_user, model)  # a refusal reaches the user through the view base
        return True

    @action("delete", "删除", "确定删除所选工作账号？有申报记录的账号不可删除。")
    def action_delete(self, ids):
        targets = self.scoped_rows(ids, strict=True)
        names = [u.username for u in targets]
        accounts.delete_accounts(current_user, targets)
        flash(f"已删除：{'、'.join(names)}", "success")


class BasicInfoView(GuardedView):
    """基本信息管理: the unit's own data, or a 工作账号's own name and contact details."""

    permission = P.UNIT_INFO

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if can(current_user, P.UNIT):
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
                try:
                    accounts.update_unit_info(current_user, unit, {k: getattr(form, k).data
                                                                   for k in accounts.UNIT_INFO_FIELDS},
                                              rename_reason=form.rename_reason.data or "")
                except UnitInfoError as e:
                    form[e.field or "name"].errors.append(str(e))
                else:
                    flash("基本信息已保存", "success")
                    return redirect(self.get_url(".index"))
        return self.render("admin/accounts/form.html", form=form, title="基本信息管理",
                           readonly={"机构代码": unit.uscc, "归口部门": unit.department.name},
                           required=("name", "legal_rep", "email"),
                           help="营业执照、单位签章和更名记录见“单位证照与签章”。")

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


def register(admin) -> None:
    admin.add_view(SubAccountView(User, name="工作账号管理", category=CAT_UNIT, endpoint="sub_accounts",
                                  url="/admin/sub_accounts"))
    admin.add_view(BasicInfoView(name="基本信息管理", category=CAT_UNIT, endpoint="basic_info",
                                 url="/admin/basic_info"))
    admin.add_view(StaffView(User, name="本部门工作人员", category=CAT_ORG, endpoint="staff", url="/admin/staff"))
