"""机构管理: 下级部门 and 注册单位; 单位名录 (with 导入 from .xlsx)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (
    FilterEqual,
    FilterLike,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from markupsafe import Markup

from zhicheng import scope, storage
from zhicheng.accounts import services as accounts
from zhicheng.accounts.admin_common import AccountListMixin
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.admin.common import (
    CAT_ORG,
    CAT_SYSTEM,
    CAT_UNIT,
    AuditedModelView,
    NoDetailsPage,
    NoEditPage,
    RootOfficeTable,
    _datetime,
    _department_choices,
    _scoped_department,
    _uscc_field,
)
from zhicheng.admin.listing import row_url
from zhicheng.exporting.reading import read_xlsx_table
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.models import (
    APPROVAL_LABELS,
    Approval,
    Department,
    Unit,
    UnitRegistry,
    User,
)
from zhicheng.org import approval, codes, profile
from zhicheng.org.forms import LicenseForm, RefuseForm, RegistrationReviewForm, SealForm
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


# --- 单位证照与签章: files kept for the unit and served only through scope.units -------------------

def send_license(unit: Unit):
    """The unit's licence scan (营业执照 / 机构代码证) as a download; the caller checked the scope."""
    from zhicheng.materials.admin_common import send_stored
    if not unit.license_file:
        abort(404)
    mime = storage.ALLOWED.get(unit.license_file.rpartition(".")[2], "application/octet-stream")
    return send_stored(unit.license_file, unit.license_name or f"{unit.license_kind or '营业执照'}", mime,
                       f"license-{unit.id}")


def send_seal(unit: Unit):
    """The unit's electronic seal (PNG) to show on a page; the caller checked the scope."""
    if not unit.seal_file:
        abort(404)
    try:
        response = storage.download(unit.seal_file, mimetype="image/png", download_name=f"seal-{unit.id}.png",
                                    disposition="inline")
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _unit_facts(unit: Unit) -> dict:
    return {"type": unit.unit_type or "未填写", "industry": codes.label(codes.INDUSTRIES, unit.industry) or "未填写",
            "region": codes.label(codes.REGIONS, unit.region) or "未填写",
            "license_required": codes.license_kind(unit.unit_type),
            "license_mismatch": bool(unit.license_file and unit.license_kind
                                     and unit.license_kind != codes.license_kind(unit.unit_type)),
            "approval": APPROVAL_LABELS.get(unit.approval, unit.approval)}


class UnitFilesView(GuardedView):
    """单位证照与签章 (the unit account): 营业执照 by 单位类型, 单位签章, 更名记录."""

    permission = P.UNIT

    def _unit(self) -> Unit:
        unit = db.session.scalar(select(Unit).where(scope.units(current_user), Unit.id == current_user.unit_id))
        if unit is None:
            abort(404)
        return unit

    def _page(self, unit, license_form=None, seal_form=None, status=200):
        license_form = license_form or LicenseForm()
        license_form.license.label.text = codes.license_kind(unit.unit_type)
        return self.render("admin/org/unit_files.html", unit=unit, facts=_unit_facts(unit),
                           license_form=license_form, seal_form=seal_form or SealForm(),
                           changes=profile.name_changes(unit), seal_url=self.get_url(".seal_image"),
                           license_url=self.get_url(".license_file")), status

    @expose("/")
    def index(self):
        return self._page(self._unit())

    def _upload(self, form, field, save, which: str, saved):
        """Hand the file of `field` to `save(user, unit, file)` and say `saved(unit)`; a refusal goes
        under the field, the page again (`which` names its form for _page) with 400."""
        unit = self._unit()
        if form.validate_on_submit():
            try:
                save(current_user, unit, field.data)
            except profile.UnitInfoError as e:
                field.errors.append(str(e))
                return self._page(unit, status=400, **{which: form})
            flash(saved(unit), "success")
            return redirect(self.get_url(".index"))
        return self._page(unit, status=400, **{which: form})

    @expose("/license/", methods=("POST",))
    def upload_license(self):
        form = LicenseForm()
        return self._upload(form, form.license, profile.upload_license, "license_form",
                            lambda unit: f"{unit.license_kind}已上传")

    @expose("/license/file")
    def license_file(self):
        return send_license(self._unit())

    @expose("/seal/", methods=("POST",))
    def upload_seal(self):
        form = SealForm()
        return self._upload(form, form.seal, profile.set_seal, "seal_form",
                            lambda unit: "电子签章已生成，请核对预览；打印表格时将盖在单位意见处")

    @expose("/seal.png")
    def seal_image(self):
        return send_seal(self._unit())


class UnitListView(NoDetailsPage, NoEditPage, AccountListMixin, ScopedModelView):
    """注册单位: units under the department and its sub-departments; their login accounts; 注册需审核
    (审核通过 / 审核不通过 with a reason); each unit's 单位信息 with its licence, seal and 更名记录."""

    permission = P.ADMIN
    row_scope = scope.units
    account_noun = "单位的账号"
    disable_means = "禁用后该单位不能登录。"
    otp_notice = "请将新密码告知单位，登录后须修改密码"
    otp_name_label = "单位全称"

    list_template = "admin/org/unit_list.html"
    can_create = False
    can_delete = False
    column_list = ("uscc", "name", "department", "legal_rep", "approval", "account", "created_at")
    column_labels = {"uscc": "机构代码", "name": "单位全称", "department": "归口部门", "legal_rep": "法定代表人",
                     "approval": "注册审核", "account": "账号状态", "created_at": "注册时间"}
    column_searchable_list = ("uscc", "name", "legal_rep")
    column_filters = (FilterLike(Unit.name, "单位全称"), FilterEqual(Unit.uscc, "机构代码"),
                      FilterEqual(Unit.approval, "注册审核", options=tuple(APPROVAL_LABELS.items())),
                      FilterEqual(Unit.region, "单位所在地", options=tuple(codes.REGIONS.items())),
                      FilterEqual(Unit.industry, "单位行业", options=tuple(codes.INDUSTRIES.items())))
    column_default_sort = ("id", False)
    action_permissions = {"approve": P.ADMIN}

    @expose("/info/")
    def info_view(self):
        unit = self.get_one(request.args.get("id"))
        return self.render("admin/org/unit_info.html", unit=unit, facts=_unit_facts(unit),
                           changes=profile.name_changes(unit), back=self.get_url(".index_view"),
                           license_url=self.get_url(".license_view", id=unit.id),
                           seal_url=self.get_url(".seal_view", id=unit.id),
                           refuse_url=self.get_url(".refuse_view", id=unit.id))

    @expose("/license/")
    def license_view(self):
        return send_license(self.get_one(request.args.get("id")))

    @expose("/seal/")
    def seal_view(self):
        return send_seal(self.get_one(request.args.get("id")))

    @action("approve", "审核通过", "确定所选单位的注册审核通过？通过后单位即可登录。")
    def action_approve(self, ids):
        units = self.scoped_rows(ids, strict=True)
        done = approval.approve(current_user, units)
        flash(f"审核通过：{'、'.join(u.name for u in done)}", "success")

    @expose("/refuse/", methods=("GET", "POST"))
    def refuse_view(self):
        unit = self.get_one(request.args.get("id"))
        form = RefuseForm()
        if form.validate_on_submit():
            try:
                approval.refuse(current_user, unit, form.reason.data)
            except approval.ApprovalError as e:
                form.reason.errors.append(str(e))
            else:
                flash(f"“{unit.name}”审核不通过，单位登录时将看到原因，修改后可重新提交", "success")
                return redirect(self.get_url(".index_view"))
        return self.render("admin/accounts/form.html", form=form, title="审核不通过",
                           readonly={"单位全称": unit.name, "机构代码": unit.uscc,
                                     "注册审核": APPROVAL_LABELS.get(unit.approval, unit.approval)},
                           back=self.get_url(".index_view"))

    @expose("/registration_review/", methods=("POST",))
    def registration_review_view(self):
        form = RegistrationReviewForm()
        if not form.validate_on_submit():
            abort(400)
        approval.set_registration_review(current_user, current_user.department, form.registration_review.data)
        flash("已设置：本部门新注册的单位" + ("须经审核通过后方可登录" if form.registration_review.data
                                     else "注册后立即可以使用"), "success")
        return redirect(self.get_url(".index_view"))

    def review_form(self) -> RegistrationReviewForm:
        return RegistrationReviewForm(registration_review=current_user.department.registration_review)

    def _account_status(self, context, model, name):
        account = self._accounts_by_unit().get(model.id)
        if account is None:
            return "—"
        return f"{account.username}（{'开通' if account.enabled else '禁用'}）"

    def _approval(self, context, model, name):
        label = APPROVAL_LABELS.get(model.approval, model.approval)
        if model.approval == Approval.REFUSED and model.refusal_reason:
            label += f"（{model.refusal_reason}）"
        return label

    column_formatters = {"account": lambda v, c, m, n: v._account_status(c, m, n), "created_at": _datetime,
                         "approval": lambda v, c, m, n: v._approval(c, m, n),
                         "name": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
                             row_url(".info_view", m.id), m.name)}


    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        ids = [u.id for u in rows]
        # Kept in the request's g, not on the view: one view object serves every thread.
        # Plain rows: the column shows only the login name and whether it is enabled.
        g.zc_unit_accounts = {a.unit_id: a for a in db.session.execute(
            select(User.unit_id, User.username, User.enabled)
            .where(scope.unit_accounts(current_user), User.unit_id.in_(ids)))} if ids else {}
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
    admin.add_view(UnitFilesView(name="单位证照与签章", category=CAT_UNIT, endpoint="unit_files",
                                 url="/admin/unit_files"))


def register_registry(admin) -> None:
    admin.add_view(RegistryView(UnitRegistry, name="单位名录", category=CAT_SYSTEM, endpoint="registry",
                                url="/admin/registry"))
