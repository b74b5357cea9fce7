"""One policy (zhicheng.policy): what each kind of account may do, how far it reaches, that every
view declares its permission instead of deciding by hand, and that services refuse on their own."""
from __future__ import annotations

import pytest
from flask_admin.contrib.sqla import ModelView

from zhicheng.accounts import services as accounts
from zhicheng.admin.base import GuardMixin, ScopedModelView
from zhicheng.admin.common import RootOfficeTable
from zhicheng.extensions import db
from zhicheng.models import User
from zhicheng.policy import RULES, P, Permission, can, require
from zhicheng.review.workflow import WorkflowError

from .. import factories

# Who holds what, in the words of the manuals: (account, permissions held, permissions not held).
TABLE = [
    ("unit_a", {P.FILL, P.SUBMIT, P.PRINT, P.EXPORT, P.VIEW, P.EDIT_INFO, P.CHANGE_PASSWORD, P.UNIT, P.APPLY,
                P.UNIT_INFO, P.PRINT_FORMS, P.PRINT_LIST, P.EXPORT_SUMMARY, P.MANAGE_ACCOUNTS, P.SIGNED_IN},
     {P.ADMIN, P.REVIEW, P.RETURN, P.PUBLISH, P.DICT, P.STAFF, P.REVIEW_DESK, P.ROOT_ADMIN, P.ROOT_DICT}),
    ("sub_a_perm_fill", {P.FILL, P.APPLY},
     {P.SUBMIT, P.PRINT, P.EXPORT, P.VIEW, P.EDIT_INFO, P.CHANGE_PASSWORD, P.UNIT, P.UNIT_INFO, P.PRINT_FORMS,
      P.PRINT_LIST, P.EXPORT_SUMMARY, P.MANAGE_ACCOUNTS, P.STAFF}),
    ("sub_a_perm_print", {P.PRINT, P.PRINT_FORMS, P.PRINT_LIST}, {P.FILL, P.EXPORT_SUMMARY}),
    ("sub_a_perm_edit_info", {P.EDIT_INFO, P.UNIT_INFO}, {P.UNIT, P.FILL}),
    ("sub_a_none", {P.APPLY, P.SIGNED_IN}, {P.CHANGE_PASSWORD, P.FILL, P.VIEW}),
    ("xihu_review", {P.REVIEW, P.REVIEW_DESK, P.STAFF, P.PRINT_FORMS, P.EXPORT_SUMMARY, P.CHANGE_PASSWORD},
     {P.RETURN, P.ADMIN, P.FILL, P.APPLY, P.PRINT_LIST, P.MANAGE_ACCOUNTS, P.UNIT}),
    ("xihu_return", {P.RETURN, P.REVIEW_DESK}, {P.REVIEW}),
    ("xihu_publish", {P.PUBLISH, P.STAFF}, {P.REVIEW_DESK}),
    ("xihu_admin", {P.ADMIN, P.MANAGE_ACCOUNTS}, {P.ROOT_ADMIN, P.ROOT_DICT, P.REVIEW_DESK}),
    ("root", {P.ADMIN, P.DICT, P.ROOT_ADMIN, P.ROOT_DICT, P.REVIEW_DESK, P.PUBLISH},
     {P.FILL, P.UNIT, P.APPLY, P.PERSON}),
    # A 个人用户: his own 档案, 个人申报 (and its printed form) and password, nothing of the units' or
    # departments' pages.
    ("person_a", {P.PERSON, P.CHANGE_PASSWORD, P.SIGNED_IN, P.PRINT_FORMS, P.APPLICANT},
     set(Permission) - {P.PERSON, P.CHANGE_PASSWORD, P.SIGNED_IN, P.PRINT_FORMS, P.APPLICANT}),
    # 工作人员 and 个人申报审核 are the unit account's; 职能部门审核 only a named reviewer's.
    ("unit_a", {P.UNIT_PEOPLE, P.PERSON_REVIEW}, {P.SIGNOFF, P.PERSON}),
    ("sub_a_full", set(), {P.UNIT_PEOPLE, P.PERSON_REVIEW, P.SIGNOFF}),
]


def test_every_permission_has_a_rule():
    assert set(RULES) == set(Permission)


@pytest.mark.parametrize("name,held,not_held", TABLE, ids=[row[0] for row in TABLE])
def test_what_each_account_holds(org, name, held, not_held):
    user = org[name]
    assert {p for p in held if not can(user, p)} == set()
    assert {p for p in not_held if can(user, p)} == set()


def test_nobody_anonymous_holds_anything(org):
    from flask_login import AnonymousUserMixin
    assert not any(can(AnonymousUserMixin(), p) for p in Permission)
    assert not any(can(None, p) for p in Permission)


def test_the_reach_of_managing_accounts(org):
    unit_b_account = db.session.get(User, org["unit_b"].id)
    # A district 管理员 manages the accounts of units under it, and the staff of its department,
    # not those of another branch of the tree; a unit manages its own 工作账号 only.
    assert can(org["xihu_admin"], P.MANAGE_ACCOUNTS, org["unit_a"])
    assert can(org["xihu_admin"], P.MANAGE_ACCOUNTS, org["xihu_review"])
    assert not can(org["xihu_admin"], P.MANAGE_ACCOUNTS, unit_b_account)
    assert not can(org["xihu_admin"], P.MANAGE_ACCOUNTS, org["edu_review"])
    assert can(org["edu_admin"], P.MANAGE_ACCOUNTS, org["edusub_review"])
    assert can(org["unit_a"], P.MANAGE_ACCOUNTS, org["sub_a_full"])
    assert not can(org["unit_a"], P.MANAGE_ACCOUNTS, org["sub_b_full"])
    assert not can(org["sub_a_full"], P.MANAGE_ACCOUNTS, org["sub_a_none"])
    assert can(org["root"], P.MANAGE_ACCOUNTS, unit_b_account)


def test_the_reach_of_reviewing(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    assert not can(org["xihu_review"], P.REVIEW, m), "a draft is in nobody's queue"
    from zhicheng.review import workflow
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    assert can(org["xihu_review"], P.REVIEW, m)
    assert not can(org["edu_review"], P.REVIEW, m)
    assert not can(org["xihu_return"], P.REVIEW, m), "退回审查 does not pass"


def test_require_refuses_with_the_permissions_words(org):
    with pytest.raises(WorkflowError, match="没有上报材料的权限"):
        require(org["sub_a_perm_fill"], P.SUBMIT, error=WorkflowError)
    with pytest.raises(Exception, match="没有审核经办权限"):
        require(org["xihu_return"], P.REVIEW)
    require(org["xihu_review"], P.REVIEW)


def _admin_views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if v.endpoint != "admin"]


def test_every_view_declares_its_permission_and_scope(app):
    for view in _admin_views(app):
        cls = type(view)
        assert isinstance(view, GuardMixin), view.endpoint
        assert cls.allowed is GuardMixin.allowed, f"{view.endpoint} decides access by hand"
        assert isinstance(view.permission, Permission), f"{view.endpoint} declares no permission"
        if isinstance(view, ModelView):
            assert isinstance(view, ScopedModelView), view.endpoint
            if isinstance(view, RootOfficeTable):
                continue
            assert cls.scope is ScopedModelView.scope, f"{view.endpoint} scopes its rows by hand"
            assert cls.row_scope is not None, f"{view.endpoint} declares no row scope"
            module = cls.row_scope.__module__
            assert module.startswith("zhicheng.scope.") or module == cls.__module__, view.endpoint
        for name in getattr(view, "action_permissions", {}):
            assert name in view._actions_data, f"{view.endpoint}: no action {name}"


def test_services_refuse_accounts_outside_their_reach(org):
    edu_review = org["edu_review"]
    before = edu_review.password_hash
    with pytest.raises(accounts.AccountError, match="无权操作"):
        accounts.reset_password(org["xihu_admin"], edu_review)
    with pytest.raises(accounts.AccountError, match="无权操作"):
        accounts.set_enabled(org["xihu_admin"], edu_review, False)
    with pytest.raises(accounts.AccountError, match="无权操作"):
        accounts.delete_account(org["unit_b"], org["sub_a_none"])
    with pytest.raises(accounts.AccountError, match="无权操作"):
        accounts.reset_password(org["sub_a_full"], org["sub_a_none"])
    db.session.expire_all()
    assert (edu_review.password_hash, edu_review.enabled) == (before, True)
    assert db.session.get(User, org["sub_a_none"].id) is not None


def test_templates_ask_the_same_function(org, auth):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    from zhicheng.review import workflow
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    url = f"/admin/review/details/?id={m.id}"
    passing = auth.client("xihureview").get(url).get_data(as_text=True)
    returning = auth.client("xihureturn").get(url).get_data(as_text=True)
    pass_button, return_link = 'name="action" value="pass"', "/admin/review/return/?id="
    assert pass_button in passing and return_link not in passing
    assert return_link in returning and pass_button not in returning


def test_other_services_refuse_without_the_permission(org):
    from zhicheng.exporting.services import ExportFilters, material_conditions
    from zhicheng.models import UnitRegistry
    from zhicheng.policy import NotAllowed
    from zhicheng.review import workflow
    with pytest.raises(accounts.AccountError, match="字典维护"):
        accounts.import_unit_registry(org["xihu_admin"], [(2, "91330100MA27XXXX0X", "赵", "某公司")])
    assert db.session.query(UnitRegistry).count() == 1
    with pytest.raises(NotAllowed, match="导出"):
        material_conditions(org["sub_a_perm_fill"], ExportFilters())
    with pytest.raises(WorkflowError, match="只有单位用户可以修改归口部门"):
        workflow.change_department(org["sub_a_full"], org.talent.id)
    with pytest.raises(accounts.AccountError, match="只能修改本单位的工作账号"):
        accounts.update_sub_account(org["unit_b"], org["sub_a_none"], {})
