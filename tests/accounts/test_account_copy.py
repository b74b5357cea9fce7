"""Each request reads the logged-in account, its unit and departments as one plain row and copies
the ORM objects from the process's last load of that account while every column is unchanged
(zhicheng.accounts.auth.routes.load_user). Whatever changes, in a request or straight in the
database, the next request of every open session sees it: permissions, 禁用, the password, the
unit, a department's name; 退出 ends the session for good."""
from __future__ import annotations

from sqlalchemy import update

from zhicheng.accounts.auth import routes
from zhicheng.accounts.models import password_fingerprint
from zhicheng.extensions import db
from zhicheng.models import Department, Unit, User

from .. import factories


def _change(model, pk, **values) -> None:
    db.session.execute(update(model).where(model.id == pk).values(**values))
    db.session.commit()


def _orm_loads(monkeypatch) -> list:
    """Counts the loads of the account through the ORM (the copies are not loads)."""
    calls = []
    statement = routes._account_statement()

    def counted():
        calls.append(1)
        return statement

    monkeypatch.setattr(routes, "_account_statement", counted)
    return calls


def test_an_unchanged_account_is_copied_not_loaded_again(app, org, auth, monkeypatch):
    client = auth.client("unita001")
    assert client.get("/admin/materials/").status_code == 200
    loads = _orm_loads(monkeypatch)
    for _ in range(3):
        assert "unita001" in client.get("/admin/materials/").get_data(as_text=True)
    assert loads == []
    _change(User, org["sub_a_full"].id, real_name="新姓名")
    page = client.get("/admin/materials/").get_data(as_text=True)
    assert loads == [1] and "新姓名" in page
    client.get("/admin/materials/")
    assert loads == [1]


def test_a_permission_taken_or_given_counts_on_the_next_request(app, org, auth):
    client = auth.client("unita001")
    assert client.get("/admin/materials/").status_code == 200
    assert client.get("/admin/materials/").status_code == 200
    _change(User, org["sub_a_full"].id, perm_fill=False)
    assert client.get("/admin/materials/").status_code == 403
    assert 'href="/admin/materials/"' not in client.get("/admin/").get_data(as_text=True)
    _change(User, org["sub_a_full"].id, perm_fill=True)
    assert client.get("/admin/materials/").status_code == 200


def test_a_disabled_account_or_unit_is_logged_out_on_the_next_request(app, org, auth):
    client = auth.client("unita001")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/").status_code == 200
    _change(User, org["sub_a_full"].id, enabled=False)
    r = client.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    _change(User, org["sub_a_full"].id, enabled=True)
    assert client.get("/admin/").status_code == 200
    _change(Unit, org.unit_a.id, enabled=False)
    r = client.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_changed_password_ends_the_session_even_if_changed_back_in_the_database(app, org, auth):
    client = auth.client("unita001")
    assert client.get("/admin/").status_code == 200
    user = db.session.get(User, org["sub_a_full"].id)
    old = user.password_hash
    _change(User, user.id, password_hash=old + "x")
    assert password_fingerprint(old + "x") != password_fingerprint(old)
    assert client.get("/admin/").status_code == 302
    _change(User, user.id, password_hash=old)  # the cookie's fingerprint matches again
    assert client.get("/admin/").status_code == 200


def test_a_renamed_department_shows_at_once(app, org, auth):
    staff = auth.client("xihuadmin")
    unit = auth.client("unita")
    assert "西湖" in staff.get("/admin/").get_data(as_text=True)
    _change(Department, org.xihu.id, name="西湖区职改办（新）")
    assert "西湖区职改办（新）" in staff.get("/admin/").get_data(as_text=True)
    _change(Unit, org.unit_a.id, name="甲单位（更名）")
    assert "甲单位（更名）" in unit.get("/admin/").get_data(as_text=True)


def test_logout_ends_the_session_although_the_account_is_unchanged(app, org, auth, csrf):
    c = auth.client("unita")
    thief = app.test_client()
    for cookie in c._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    assert thief.get("/admin/").status_code == 200
    assert c.get("/admin/").status_code == 200
    assert c.post("/logout", data={"csrf_token": csrf(c, "/admin/")}).status_code == 302
    for client in (c, thief):
        r = client.get("/admin/")
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    again = auth.client("unita", factories.PASSWORD)
    assert again.get("/admin/").status_code == 200
