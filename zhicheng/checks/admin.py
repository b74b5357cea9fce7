"""The pages of the reviewers' checks: 可申报资格表 (the root office keeps it, every department reads
it), the hint the applicant's form asks for while he types, and 重复申报 (the root office's list
of duplicate applications, where it records its 处理意见)."""
from __future__ import annotations

from flask import abort, flash, has_request_context, jsonify, request, url_for
from flask_admin import expose
from flask_admin.helpers import get_form_data
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from zhicheng import scope
from zhicheng.admin.base import GuardedView, ScopedModelView, confirm_posted
from zhicheng.admin.common import NoDetailsPage
from zhicheng.checks import duplicates, eligibility
from zhicheng.checks.eligibility import EligibilityError, Facts
from zhicheng.checks.models import EligibilityRule
from zhicheng.extensions import db
from zhicheng.forms import AdminForm, Form
from zhicheng.models import Project
from zhicheng.policy import P, can
from zhicheng.review.admin import REVIEW_CATEGORY


def _dict_names(kind: str) -> list[str]:
    from zhicheng.materials.forms import dict_names
    return dict_names(kind)


def _whole_years(form, field):
    text = (field.data or "").strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 60:
        raise ValidationError("任职年限请填写0至60之间的整数")


class _RuleFormBase(AdminForm):
    min_years = StringField("任职年限（年）", [DataRequired("请填写任职年限"), _whole_years],
                            description="规定现有资格的，自取得现有资格之日起计算；不限现有资格的，自参加工作之日起计算；均计算至申报年度年底")
    note = StringField("备注", [Optional(), Length(max=200, message="备注不超过200字")])
    active = BooleanField("启用", default=True)


def _choice_field(label: str, kind: str, current: str, blank: str, required: bool):
    names = _dict_names(kind)
    checks = [DataRequired(f"请选择{label}")] if required else [Optional()]
    checks.append(Length(max=100, message=f"{label}不超过100字"))
    if not names:  # no dictionary yet: typed by hand
        return StringField(label, checks)
    if current and current not in names:
        names.append(current)
    return SelectField(label, choices=[("", blank)] + [(n, n) for n in names], validators=checks,
                       validate_choice=False)


def rule_form_class(rule: EligibilityRule | None = None):
    """The form of a row, its selects filled from the dictionaries 学历 and 资格名称."""
    attrs = {
        "qualification": _choice_field("可申报资格", "qualification", getattr(rule, "qualification", ""), "请选择", True),
        "education": _choice_field("学历", "education", getattr(rule, "education", ""), "请选择", True),
        "current_qualification": _choice_field("现有资格", "qualification",
                                               getattr(rule, "current_qualification", ""), "不限（无现有资格要求）",
                                               False),
    }
    return type("EligibilityRuleForm", (_RuleFormBase,), attrs)


def _can_keep() -> bool:
    return has_request_context() and can(current_user, P.ROOT_DICT)


class EligibilityRuleView(NoDetailsPage, ScopedModelView):
    """可申报资格表: 学历 × 现有资格 × 任职年限 → 可申报资格. Every department reads it; the root office's
    字典维护 adds, changes and deletes rows (each an audit row)."""

    permission = P.STAFF
    row_scope = scope.eligibility_rules
    column_list = ("qualification", "education", "current_qualification", "min_years", "note", "active")
    column_labels = {"qualification": "可申报资格", "education": "学历", "current_qualification": "现有资格",
                     "min_years": "任职年限（年）", "note": "备注", "active": "启用"}
    column_formatters = {"current_qualification": lambda v, c, m, n: m.current_qualification or "不限",
                         "active": lambda v, c, m, n: "是" if m.active else "否"}
    column_searchable_list = ("qualification", "education", "current_qualification")
    column_sortable_list = ("qualification", "education", "current_qualification", "min_years")
    column_default_sort = [("qualification", False), ("min_years", False), ("id", False)]
    form_columns = ("qualification", "education", "current_qualification", "min_years", "note", "active")
    list_template = "checks/rule_list.html"

    @property
    def can_create(self) -> bool:
        return _can_keep()

    @property
    def can_edit(self) -> bool:
        return _can_keep()

    @property
    def can_delete(self) -> bool:
        return _can_keep()

    def create_form(self, obj=None):
        return rule_form_class()(get_form_data(), obj=obj)

    def edit_form(self, obj=None):
        return rule_form_class(obj)(get_form_data(), obj=obj)

    @staticmethod
    def _values(form) -> dict:
        return {name: form[name].data for name in ("qualification", "education", "current_qualification",
                                                   "min_years", "note", "active")}

    def create_model(self, form):
        try:
            return eligibility.save_rule(current_user, None, **self._values(form))
        except EligibilityError as e:
            flash(str(e), "error")
            return False

    def update_model(self, form, model):
        try:
            eligibility.save_rule(current_user, model, **self._values(form))
        except EligibilityError as e:
            db.session.expire(model)
            flash(str(e), "error")
            return False
        return True

    def delete_model(self, model):
        try:
            eligibility.delete_rule(current_user, model)
        except EligibilityError as e:
            flash(str(e), "error")
            return False
        return True


def _date_arg(name: str):
    from datetime import date
    text = (request.args.get(name) or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class EligibilityCheckView(GuardedView):
    """The hint the form asks for while the applicant types: the server's evaluation of what is
    in the form (nothing is saved), as JSON."""

    permission = P.APPLICANT

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        year = None
        project_id = request.args.get("project", "")
        if project_id.isascii() and project_id.isdigit():
            year = db.session.scalar(select(Project.year).where(Project.id == int(project_id),
                                                                scope.projects(current_user)))
        text = {name: (request.args.get(name) or "").strip()[:100]
                for name in ("qualification", "education", "current_qualification")}
        verdict = eligibility.evaluate(Facts(
            **text, current_qualification_date=_date_arg("current_qualification_date"),
            work_start_date=_date_arg("work_start_date"), year=year,
            exceptional=bool(request.args.get("exceptional"))))
        response = jsonify(status=verdict.status, message=verdict.message, exceptional=verdict.exceptional)
        response.headers["Cache-Control"] = "no-store"
        return response


class ResolveForm(Form):
    reason = TextAreaField("处理意见", [DataRequired("请填写处理意见"),
                                    Length(max=duplicates.REASON_MAX, message=f"处理意见不超过{duplicates.REASON_MAX}字")])


class DuplicatesView(GuardedView):
    """重复申报: applications of one 证件号码 in one year (two units or two projects); the root
    office records a 处理意见 for a pair, after which 转评委会 lets both go on."""

    permission = P.DUPLICATES

    @expose("/")
    def index(self):
        show_resolved = request.args.get("resolved") == "1"
        groups = duplicates.open_groups(current_user, resolved=show_resolved)
        return self.render("checks/duplicates.html", groups=groups, show_resolved=show_resolved)

    @expose("/resolve/", methods=("GET", "POST"))
    def resolve(self):
        ids = []
        for name in ("a", "b"):
            raw = request.values.get(name, "")
            if not (raw.isascii() and raw.isdigit()):
                abort(404)
            ids.append(int(raw))
        from zhicheng.models import Material
        rows = list(db.session.scalars(select(Material).where(Material.id.in_(ids), scope.materials(current_user))
                                       .order_by(Material.id)))
        if len(rows) != 2:
            abort(404)
        form = ResolveForm()
        answer = confirm_posted(form, lambda: duplicates.resolve(current_user, ids[0], ids[1], form.reason.data),
                                lambda _: f"已登记处理意见：材料{rows[0].number}、材料{rows[1].number}可分别继续办理",
                                to=url_for(".index"))
        return answer or self.render("checks/resolve.html", form=form, rows=rows)


def register(admin) -> None:
    admin.add_view(DuplicatesView(name="重复申报", category=REVIEW_CATEGORY, endpoint="duplicates",
                                  url="/admin/duplicates"))
    # In 材料审核, which every department's staff has, beside the lists it flags (系统管理 is the
    # root office's alone: a menu more for the departments would widen their top bar).
    admin.add_view(EligibilityRuleView(EligibilityRule, name="可申报资格表", category=REVIEW_CATEGORY,
                                       endpoint="eligibility", url="/admin/eligibility"))
    admin.add_view(EligibilityCheckView(name="申报条件提示", endpoint="eligibility_check",
                                        url="/admin/eligibility_check"))
