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
from zhicheng.workflow import pass_materials, return_materials, submit_materials

from . import factories

ROLES = ["root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
         "edusub_admin", "unit_a", "unit_b", "sub_a_full", "sub_a_none", "sub_a_perm_fill", "sub_a_perm_submit",
         "sub_a_perm_print", "sub_a_perm_export", "sub_a_perm_view", "sub_a_perm_edit_info",
         "sub_a_perm_change_password", "sub_b_full"]


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
