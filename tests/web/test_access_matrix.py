"""Role × URL access matrix over every admin view.

For every account kind of the test organisation and every registered admin view:
- anonymous requests are sent to the login page;
- a list opens (200) exactly for the roles the matrix below expects, 403 for the others;
- every row the role may NOT see (another unit's, another branch's) is refused on the
  details/edit/delete/action URLs (403/404), and posting those ids changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.extensions import db
from zhicheng.review.workflow import pass_materials, return_materials, submit_materials

from .. import factories
from ..boards.world import EXPERT_ROLES, populate_boards
from ..certificates.world import populate_certificates

ROLES = ["root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
         "edusub_admin", "unit_a", "unit_b", "sub_a_full", "sub_a_none", "sub_a_perm_fill", "sub_a_perm_submit",
         "sub_a_perm_print", "sub_a_perm_export", "sub_a_perm_view", "sub_a_perm_edit_info",
         "sub_a_perm_change_password", "sub_b_full", "person_a", "person_b"] + EXPERT_ROLES


def _populate(org):
    """Materials of both units in every state, so out-of-scope rows exist for every view."""
    p = org.projects["middle"]
    a_draft = factories.material(p, org["sub_a_full"], name="甲草稿", seq=11)
    a_sent = factories.material(p, org["unit_a"], name="甲审核中", seq=12)
    a_back = factories.material(org.projects["xihu_junior"], org["unit_a"], name="甲退回", seq=13)
    b_draft = factories.material(org.projects["edu_rd"], org["unit_b"], name="乙草稿", seq=14)
    b_sent = factories.material(org.projects["edu_rd"], org["sub_b_full"], name="乙审核中", seq=15)
    submit_materials(org["unit_a"], [a_sent.id, a_back.id], "甲经办", "13900001111")
    return_materials(org["xihu_return"], [a_back.id], "请补充学历证明")
    submit_materials(org["unit_b"], [b_sent.id], "乙经办", "13900002222")
    pass_materials(org["edusub_review"], [b_sent.id])
    populate_boards(org)
    for key in ("person_a", "person_b"):
        factories.archive(org[key])
    populate_certificates(org)
    return [a_draft, a_sent, a_back, b_draft, b_sent]


def _views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, (ScopedModelView, GuardedView))]


def _snapshot(row):
    db.session.refresh(row)
    return {a.key: getattr(row, a.key) for a in inspect(row).mapper.column_attrs}


def test_anonymous_is_sent_to_login_everywhere(app, org, client):
    _populate(org)
    for view in _views(app):
        r = client.get(view.url + "/")
        assert r.status_code == 302 and "/login" in r.headers["Location"], view.endpoint
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_no_row_outside_the_scope_is_reachable(app, org, auth, csrf, role):
    _populate(org)
    user = org[role]
    c = auth.client(user.username)
    token = csrf(c, "/password") if (not user.is_sub or user.perm_change_password) else None
    for view in _views(app):
        allowed = view.allowed(user)
        r = c.get(view.url + "/")
        # Hidden helper views (PDF, attachment download) may have no page of their own.
        expected = ({200} if view.is_visible() else {200, 404}) if allowed else {403}
        assert r.status_code in expected, (view.endpoint, role, r.status_code)
        if not isinstance(view, ScopedModelView):
            continue
        hidden = list(db.session.scalars(select(view.model).where(~view.scope(user)).limit(3)))
        for row in hidden:
            before = _snapshot(row)
            for action in ("details_view", "edit_view"):
                r = c.get(f"{view.url}/{action.split('_')[0]}/?id={row.id}")
                assert r.status_code in (403, 404), (view.endpoint, action, role, row.id, r.status_code)
            if token:
                r = c.post(f"{view.url}/delete/", data={"id": row.id, "csrf_token": token})
                assert r.status_code in (302, 403, 404), (view.endpoint, "delete", role, r.status_code)
                for name, _ in (view._actions if hasattr(view, "_actions") else []):
                    c.post(f"{view.url}/action/", data={"action": name, "rowid": [row.id], "csrf_token": token})
            db.session.expire_all()
            assert db.session.get(view.model, row.id) is not None, (view.endpoint, role, "row deleted")
            assert _snapshot(row) == before, (view.endpoint, role, "row changed")


# The product's role table, written out independently of the views' own allowed() methods:
# which accounts open each page (200); every other logged-in account gets 403.
UNITS = {"unit_a", "unit_b"}
FULL_SUBS = {"sub_a_full", "sub_b_full"}
ALL_STAFF = {"root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
             "edusub_admin"}
ADMINS = {"root", "xihu_admin", "edu_admin", "edusub_admin"}
PERSONS = {"person_a", "person_b"}
EXPECTED = {
    "/admin/projects/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},            # 填写材料
    "/admin/materials/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},           # 管理材料
    "/admin/returned/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},            # 被退回的材料
    "/admin/submit/": UNITS | FULL_SUBS | {"sub_a_perm_submit"},            # 上报材料
    "/admin/tracking/": UNITS | FULL_SUBS | {"sub_a_perm_view"},            # 上报材料跟踪
    "/admin/print/": UNITS | FULL_SUBS | {"sub_a_perm_print"},              # 进入打印
    "/admin/export/": UNITS | FULL_SUBS | {"sub_a_perm_export"} | ALL_STAFF,  # 导出汇总表
    "/admin/change_department/": UNITS,                                      # 修改归口部门
    "/admin/sub_accounts/": UNITS,                                           # 工作账号管理
    "/admin/basic_info/": UNITS | FULL_SUBS | {"sub_a_perm_edit_info"},     # 基本信息管理
    "/admin/review/": {"root", "xihu_review", "xihu_return", "edu_review"},  # 待审核材料
    "/admin/dept_materials/": ALL_STAFF,                                     # 本部门及下级材料
    "/admin/project_admin/": {"root", "xihu_publish"},                       # 项目发布
    "/admin/staff/": ADMINS,                                                 # 本部门工作人员
    "/admin/sub_departments/": ADMINS,                                       # 下级部门
    "/admin/units/": ADMINS,                                                 # 注册单位
    "/admin/dicts/": {"root"},                                               # 字典维护
    "/admin/registry/": {"root"},                                            # 单位名录
    "/admin/audit_log/": {"root"},                                           # 审计日志
    "/admin/boards/": ALL_STAFF,                                             # 评委会
    "/admin/subject_groups/": ALL_STAFF,                                     # 学科组
    "/admin/experts/": ADMINS,                                               # 专家库
    "/admin/meetings/": ADMINS,                                              # 评审会议
    "/admin/expert_materials/": set(EXPERT_ROLES),                           # 评审材料 (experts only)
    "/admin/person_basic/": PERSONS,                                         # 个人档案 · 基础信息
    "/admin/person_education/": PERSONS,                                     # 学历学位
    "/admin/person_work/": PERSONS,                                          # 工作经历
    "/admin/person_training/": PERSONS,                                      # 培训经历
    "/admin/person_research/": PERSONS,                                      # 研究成果
    "/admin/person_assessment/": PERSONS,                                    # 年度考核
    # 高中级评后管理: the root office (公示管理 for its 审核经办, the rest for its 项目发布; both
    # tried apart in tests/certificates/test_access.py).
    "/admin/publicity/": {"root"},                                           # 公示管理
    "/admin/issue/": {"root"},                                               # 发文与证书编号
    "/admin/certificates/": {"root"},                                        # 证书管理
    "/admin/cert_rules/": {"root"},                                          # 证书编号规则
    "/admin/credit_records/": {"root"},                                           # 诚信档案
    "/admin/cert_import/": {"root"},                                         # 导入历史证书
}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_exactly_for_the_roles_of_the_table(org, auth, role):
    populate_boards(org)
    c = auth.client(org[role].username)
    got = {url: c.get(url).status_code for url in EXPECTED}
    want = {url: (200 if role in roles else 403) for url, roles in EXPECTED.items()}
    assert got == want
    # and the menu shows exactly the pages that open
    home = c.get("/admin/").get_data(as_text=True)
    for url, roles in EXPECTED.items():
        assert (f'href="{url}"' in home) == (role in roles), (role, url)
