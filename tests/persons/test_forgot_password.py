"""个人用户's 忘记密码 by an SMS code: the code goes only to a registered phone (answered alike),
works once, and the new password replaces the old one."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Person

from .. import factories
from .conftest import last_code, outbox

FORGOT = "/person/forgot"


def _post(client, csrf, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf(client, FORGOT)})


def test_reset_by_sms(app, org, client, csrf, auth):
    phone = db.session.scalar(select(Person.phone).where(Person.user_id == org["person_a"].id))
    assert 'href="/person/forgot"' in client.get("/login?entry=person").get_data(as_text=True)
    assert 'href="/forgot"' in client.get("/login").get_data(as_text=True)  # units: by mail, as before
    r = _post(client, csrf, f"{FORGOT}/code", phone="13912345678")  # nobody's phone: same answer, no SMS
    assert r.status_code == 200 and "如果该手机号已注册" in r.get_data(as_text=True) and not outbox(app)
    r = _post(client, csrf, f"{FORGOT}/code", phone=phone)
    assert r.status_code == 200 and len(outbox(app)) == 1
    code = last_code(app, phone)
    r = _post(client, csrf, FORGOT, phone=phone, sms_code=code, new_password="short", confirm="short")
    assert "密码至少8位" in r.get_data(as_text=True)
    r = _post(client, csrf, FORGOT, phone=phone, sms_code=code, new_password="Neues2026pw", confirm="Neues2026pw")
    assert r.status_code == 302
    r = _post(client, csrf, FORGOT, phone=phone, sms_code=code, new_password="Other2026pw", confirm="Other2026pw")
    assert "短信验证码已失效" in r.get_data(as_text=True)
    auth.client(phone, "Neues2026pw")
    c = app.test_client()
    r = c.post("/login", data={"username": phone, "password": factories.PASSWORD, "csrf_token": csrf(c, "/login")})
    assert r.status_code == 200


def test_a_register_code_does_not_reset_a_password(app, org, client, csrf, reg):
    phone = db.session.scalar(select(Person.phone).where(Person.user_id == org["person_a"].id))
    from zhicheng.persons import sms
    from zhicheng.persons.models import SmsPurpose
    with app.test_request_context():
        sms.issue_code(phone, SmsPurpose.REGISTER)
        db.session.commit()
    code = last_code(app, phone)
    r = _post(client, csrf, FORGOT, phone=phone, sms_code=code, new_password="Neues2026pw", confirm="Neues2026pw")
    assert r.status_code == 200 and "短信验证码已失效" in r.get_data(as_text=True)
