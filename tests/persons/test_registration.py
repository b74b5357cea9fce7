"""个人注册: the SMS code (outbox, once, expiry, wrong tries, rate limits) and every refusal, with
nothing stored."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Person, SmsCode, User

from .conftest import ID_CARD, last_code, outbox


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (User, Person))


def test_login_page_offers_person_and_unit_entries(client):
    page = client.get("/login").get_data(as_text=True)
    assert "个人用户" in page and "单位用户" in page and "/register" in page and "/person/register" in page
    person = client.get("/login?entry=person").get_data(as_text=True)
    assert "手机号、证件号码或用户名" in person and 'href="/person/register"' in person
    register = client.get("/person/register").get_data(as_text=True)
    for label in ("姓名", "证件类型", "居民身份证", "港澳台居民居住证", "护照", "证件号码", "手机号", "短信验证码",
                  "获取验证码", "/person/agreement", "/person/privacy"):
        assert label in register
    assert "用户协议" in client.get("/person/agreement").get_data(as_text=True)
    assert "隐私政策" in client.get("/person/privacy").get_data(as_text=True)


def test_register_with_the_sms_code(app, org, reg):
    r = reg.send_code("137 0000 1234")
    assert r.status_code == 200 and "短信验证码已发送" in r.get_data(as_text=True)
    [message] = outbox(app)
    text = message.read_text(encoding="utf-8")
    assert text.startswith("To: 13700001234\n") and "10分钟内有效" in text
    code = last_code(app, "13700001234")
    stored = db.session.scalar(select(SmsCode))
    assert code not in stored.code_hash and stored.purpose == "register"

    r = reg.submit(sms_code=code)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    person = db.session.scalar(select(Person).where(Person.phone == "13700001234"))
    assert person.name == "李个人" and person.id_number == ID_CARD and person.id_type == "resident"
    assert person.gender and person.birth_date is not None
    assert person.agreed_at is not None and person.agreed_address == "127.0.0.1" and person.agreement_version
    assert person.user.kind == "person" and person.user.is_person and person.user.password_hash
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "person.register")) is not None
    assert db.session.scalar(select(SmsCode.used_at)) is not None


def test_a_code_works_once(app, org, reg):
    reg.send_code("13700001234")
    code = last_code(app, "13700001234")
    assert reg.submit(sms_code=code).status_code == 302
    before = _counts()
    r = reg.submit(sms_code=code, phone="13700001234", id_number="")
    assert r.status_code == 200 and before == _counts()
    # Another person may not reuse the code for the same phone either (the phone is taken now).
    r = reg.submit(sms_code=code, id_number="110101199003070011")
    assert "该手机号已注册" in r.get_data(as_text=True) and before == _counts()


def test_a_used_code_is_not_accepted_twice_for_the_same_purpose(app, org):
    from zhicheng.persons import sms
    from zhicheng.persons.models import SmsPurpose
    with app.test_request_context():
        sms.issue_code("13700009999", SmsPurpose.REGISTER)
        db.session.commit()
    code = last_code(app, "13700009999") if outbox(app) else None
    # The job runs after the commit of a request; here it ran on the test's own commit.
    assert code is not None
    with app.test_request_context():
        sms.use_code("13700009999", SmsPurpose.REGISTER, code)
        try:
            sms.use_code("13700009999", SmsPurpose.REGISTER, code)
        except sms.SmsError as e:
            assert "已失效" in str(e)
        else:
            raise AssertionError("a code was used twice")


def test_an_expired_code_is_refused(app, org, reg):
    reg.send_code("13700001234")
    code = last_code(app, "13700001234")
    db.session.execute(update(SmsCode).values(expires_at=datetime.now() - timedelta(seconds=1)))
    db.session.commit()
    before = _counts()
    r = reg.submit(sms_code=code)
    assert r.status_code == 200 and "短信验证码已失效，请重新获取" in r.get_data(as_text=True)
    assert _counts() == before


def test_wrong_codes_are_counted_and_the_fifth_ends_the_code(app, org, reg):
    reg.send_code("13700001234")
    code = last_code(app, "13700001234")
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    before = _counts()
    for n in range(1, 5):
        r = reg.submit(sms_code=wrong)
        assert f"还可以再试{5 - n}次" in r.get_data(as_text=True)
        assert db.session.scalar(select(SmsCode.tries)) == n
    r = reg.submit(sms_code=wrong)
    assert "错误次数过多" in r.get_data(as_text=True)
    r = reg.submit(sms_code=code)  # even the right code is worth nothing now
    assert "错误次数过多" in r.get_data(as_text=True)
    assert _counts() == before


def test_a_phone_gets_one_code_a_minute_and_ten_a_day(app, org, reg):
    assert reg.send_code("13700001234").status_code == 200
    r = reg.send_code("13700001234")
    assert r.status_code == 429 and "秒后再获取" in r.get_data(as_text=True)
    assert len(outbox(app)) == 1
    app.config["SMS_RESEND_SECONDS"] = 0
    for _ in range(9):
        assert reg.send_code("13700001234").status_code == 200
    r = reg.send_code("13700001234")
    assert r.status_code == 429 and "次数已达上限" in r.get_data(as_text=True)
    assert len(outbox(app)) == 10
    # The newest code is the one that counts; earlier ones no longer do.
    assert reg.submit(sms_code=last_code(app, "13700001234")).status_code == 302


def test_an_address_is_limited_by_flask_limiter(app, org, reg):
    app.config["SMS_RESEND_SECONDS"] = 0
    statuses = [reg.send_code(f"1370000{n:04d}").status_code for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    assert len(outbox(app)) == 20


def test_the_code_needs_the_image_captcha_when_enabled(app, org, reg):
    from zhicheng.accounts.auth import captcha_code
    app.config["CAPTCHA_ENABLED"] = True
    assert "图形验证码" in reg.client.get("/person/register").get_data(as_text=True)
    r = reg.send_code("13700001234", captcha="ABCD")
    assert r.status_code == 400 and not outbox(app)
    reg.client.get("/captcha.png")
    with reg.client.session_transaction() as s:
        answer = captcha_code.answer_of(s.get("captcha_id"))
    r = reg.send_code("13700001234", captcha=answer)
    assert r.status_code == 200 and len(outbox(app)) == 1


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(app, org, reg):
    reg.send_code("13700001234")
    code = last_code(app, "13700001234")
    before = _counts()
    bad_check_digit = ID_CARD[:-1] + ("0" if ID_CARD[-1] != "0" else "1")
    cases = [
        ({"id_number": bad_check_digit}, "身份证号校验位不正确"),
        ({"id_number": "12345"}, "身份证号应为18位"),
        ({"id_type": "passport", "id_number": "E12-34"}, "护照号码只能由字母和数字组成"),
        ({"name": ""}, "请填写姓名"),
        ({"phone": "1234567"}, "手机号码格式不正确"),
        ({"password": "short1", "confirm": "short1"}, "密码至少8位"),
        ({"confirm": "Other2026ok"}, "两次输入的密码不一致"),
        ({"agree_terms": None}, "请阅读并同意《用户协议》"),
        ({"agree_privacy": None}, "请阅读并同意《隐私政策》"),
        ({"sms_code": ""}, "请输入短信验证码"),
    ]
    for fields, message in cases:
        r = reg.submit(**{"sms_code": code, **fields})
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and message in page and "invalid-feedback" in page, (fields, message)
        assert _counts() == before, fields
    # None of these touched the code: it still works.
    assert db.session.scalar(select(SmsCode.tries)) == 0
    assert reg.submit(sms_code=code).status_code == 302


def test_an_id_number_or_phone_already_registered_is_refused(app, org, reg):
    taken = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    reg.send_code("13700001234")
    code = last_code(app, "13700001234")
    before = _counts()
    r = reg.submit(sms_code=code, id_number=taken.id_number)
    assert "该证件号码已注册" in r.get_data(as_text=True) and _counts() == before
    r = reg.send_code(taken.phone)
    assert r.status_code == 400 and "该手机号已注册" in r.get_data(as_text=True)
    r = reg.submit(sms_code=code, phone=taken.phone)
    assert "该手机号已注册" in r.get_data(as_text=True) and _counts() == before


def test_hmt_permit_and_passport(app, org, reg):
    assert reg.register("13700001234", id_type="passport", id_number="e1234 5678").status_code == 302
    assert db.session.scalar(select(Person.id_number).where(Person.phone == "13700001234")) == "E12345678"
    app.config["SMS_RESEND_SECONDS"] = 0
    permit = "810000199408230021"
    from stdnum.cn import ric
    permit = permit[:-1] + ric.calc_check_digit(permit)
    assert reg.register("13700005678", id_type="hmt_permit", id_number=permit).status_code == 302
    assert db.session.scalar(select(Person.gender).where(Person.phone == "13700005678")) == "女"


def test_after_getting_a_code_the_form_still_posts_to_register(app, org, reg):
    """获取验证码 answers at /person/register/code; the page it shows must send 注册 to
    /person/register (a form without an action would post to the code URL again)."""
    page = reg.send_code("13700009999").get_data(as_text=True)
    assert 'action="/person/register"' in page
    forgot = reg.client.get("/person/forgot").get_data(as_text=True)
    assert 'action="/person/forgot"' in forgot
