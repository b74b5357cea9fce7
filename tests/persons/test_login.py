"""A 个人用户 signs in with his 手机号, 证件号码 or username; the throttle still counts failures."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Person

from .. import factories
from .conftest import PASSWORD, last_code


def _login(client, csrf, name, password=factories.PASSWORD):
    return client.post("/login?entry=person", data={"username": name, "password": password,
                                                    "csrf_token": csrf(client, "/login?entry=person")})


def test_login_by_phone_id_number_or_username(app, org, csrf):
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    for name in (person.phone, person.id_number, person.id_number.lower(), "GERENA", " 139 0000 0001 "):
        c = app.test_client()
        r = _login(c, csrf, name)
        assert r.status_code == 302 and r.headers["Location"].endswith("/admin/"), name
        home = c.get("/admin/").get_data(as_text=True)
        assert "个人档案" in home and 'href="/admin/person_education/"' in home


def test_a_wrong_password_or_an_unknown_number_fails_alike(app, org, csrf, client):
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    for name, password in ((person.phone, "Wrong12345"), ("13999999999", factories.PASSWORD),
                           (person.id_number, "Wrong12345")):
        r = _login(client, csrf, name, password)
        assert r.status_code == 200 and "用户名或密码错误" in r.get_data(as_text=True)


def test_failures_by_phone_make_the_captcha_compulsory(app, org, csrf, client):
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    for _ in range(app.config["LOGIN_CAPTCHA_ACCOUNT_FAILURES"]):
        _login(client, csrf, person.phone, "Wrong12345")
    r = _login(client, csrf, person.phone)  # the right password, but no captcha now
    assert r.status_code == 200 and "请输入验证码" in r.get_data(as_text=True)


def test_a_registered_person_logs_in_by_phone(app, org, reg, csrf):
    reg.send_code("13700001234")
    assert reg.submit(sms_code=last_code(app, "13700001234")).status_code == 302
    c = app.test_client()
    assert _login(c, csrf, "13700001234", PASSWORD).status_code == 302


def test_a_unit_username_is_still_found_first(app, org, csrf, client):
    r = _login(client, csrf, "unita")
    assert r.status_code == 302


def test_failures_count_against_the_account_whichever_name_is_typed(app, org, csrf, client):
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    for name in (person.phone, person.id_number, "gerena"):
        _login(client, csrf, name, "Wrong12345")
    r = _login(client, csrf, person.id_number)
    assert r.status_code == 200 and "请输入验证码" in r.get_data(as_text=True)


def test_no_new_username_may_be_a_persons_phone_or_id_number(org):
    from zhicheng.accounts.services import username_taken
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    assert username_taken(person.phone) and username_taken(person.id_number.lower())
    assert not username_taken("13911112222")
