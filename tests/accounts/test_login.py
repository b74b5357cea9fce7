"""登录, captcha, failed-login limit, forced password change, logout and 忘记密码."""
import email
import re
import time
from email import policy
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from zhicheng.accounts.auth import captcha_code
from zhicheng.extensions import db
from zhicheng.models import AuditLog

from ..factories import PASSWORD


def post_login(client, csrf, username, password, url="/login", captcha=None, addr=None):
    # The token from the plain page: a GET naming another site as `next` is redirected away.
    data = {"username": username, "password": password, "csrf_token": csrf(client, "/login")}
    if captcha is not None:
        data["captcha"] = captcha
    kwargs = {"environ_base": {"REMOTE_ADDR": addr}} if addr else {}
    return client.post(url, data=data, **kwargs)


def actions(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_wrong_password_is_refused_with_a_message(org, client, csrf):
    r = post_login(client, csrf, "unita", "wrong-password1")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert [row.actor_id for row in actions("login.failure")] == [org["unit_a"].id]


def test_unknown_user_gets_the_same_message(org, client, csrf):
    r = post_login(client, csrf, "nobodyhere", PASSWORD)
    assert "用户名或密码错误" in r.get_data(as_text=True)


def test_login_succeeds_and_is_audited(org, client, csrf):
    r = post_login(client, csrf, "UnitA", PASSWORD)
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert [row.actor_id for row in actions("login.success")] == [org["unit_a"].id]


def solve_captcha(client) -> str:
    client.get("/captcha.png")
    with client.session_transaction() as sess:
        return captcha_code.answer_of(sess["captcha_id"])


def test_failed_logins_make_the_captcha_compulsory_for_the_account(app, org, auth, csrf):
    app.config["LOGIN_CAPTCHA_ACCOUNT_FAILURES"] = 3
    client = auth.client()
    for i in range(3):
        r = post_login(client, csrf, "unita", f"wrong{i}pass", addr=f"10.0.0.{i + 1}")
        assert "用户名或密码错误" in r.get_data(as_text=True)
    r = post_login(client, csrf, "unita", PASSWORD, addr="10.0.0.99")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "请输入验证码" in page and "近期登录失败次数较多" in page
    assert 'id="captcha-img"' in page
    assert client.get("/admin/").status_code == 302
    assert [row.target_id for row in actions("login.rate_limited")] == [org["unit_a"].id]
    # Brute force is stopped by the captcha, not by locking the owner out.
    r = post_login(client, csrf, "unita", PASSWORD, captcha=solve_captcha(client), addr="10.0.0.99")
    assert r.status_code == 302
    # Another account from yet another address is not affected.
    assert post_login(auth.client(), csrf, "unitb", PASSWORD, addr="10.0.0.50").status_code == 302


def test_failed_logins_from_an_address_ask_every_account_there_for_the_captcha(app, org, auth, csrf):
    app.config["LOGIN_CAPTCHA_ADDRESS_FAILURES"] = 3
    c = auth.client()
    for name in ["unita", "unitb", "nosuchuser"]:
        post_login(c, csrf, name, "wrongpass1", addr="10.1.1.1")
    page = c.get("/login", environ_base={"REMOTE_ADDR": "10.1.1.1"}).get_data(as_text=True)
    assert 'id="captcha-img"' in page and "近期登录失败次数较多" in page
    r = post_login(c, csrf, "xihuadmin", PASSWORD, addr="10.1.1.1")
    assert r.status_code == 200 and "请输入验证码" in r.get_data(as_text=True)
    assert post_login(c, csrf, "xihuadmin", PASSWORD, captcha=solve_captcha(c), addr="10.1.1.1").status_code == 302
    assert post_login(auth.client(), csrf, "xihuadmin", PASSWORD, addr="10.1.1.2").status_code == 302


def test_successful_logins_do_not_count(app, org, auth, csrf):
    app.config.update(LOGIN_CAPTCHA_ACCOUNT_FAILURES=1, LOGIN_CAPTCHA_ADDRESS_FAILURES=1, LOGIN_DELAY_PAIR_FAILURES=1)
    for _ in range(4):
        assert post_login(auth.client(), csrf, "unita", PASSWORD).status_code == 302


def test_disabled_account_is_refused(org, client, csrf):
    org["sub_a_full"].enabled = False
    db.session.commit()
    r = post_login(client, csrf, "unita001", PASSWORD)
    assert r.status_code == 200
    assert "该账号已被禁用" in r.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert actions("login.disabled")


def test_first_login_must_change_password_before_anything_else(org, client, csrf):
    org["sub_a_full"].must_change_password = True
    db.session.commit()
    r = post_login(client, csrf, "unita001", PASSWORD)
    assert r.status_code == 302 and r.headers["Location"].endswith("/password")
    r = client.get("/admin/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/password")
    page = client.get("/password").get_data(as_text=True)
    assert "首次登录或密码已被重置" in page and "原密码" not in page

    r = client.post("/password", data={"new_password": "Brandnew123", "confirm": "Brandnew123",
                                       "csrf_token": csrf(client, "/password")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert org["sub_a_full"].must_change_password is False


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/admin/", "/\\evil.example",
                                    "http:/evil.example", " //evil.example"])
def test_next_to_another_site_is_ignored(org, client, csrf, target):
    r = post_login(client, csrf, "unita", PASSWORD, url="/login?" + f"next={target}")
    assert r.status_code == 302
    assert r.headers["Location"] == "/admin/"


def test_local_next_is_honoured(org, client, csrf):
    r = post_login(client, csrf, "unita", PASSWORD, url="/login?next=/password")
    assert r.status_code == 302 and r.headers["Location"] == "/password"


def test_login_without_csrf_token_is_refused(org, client):
    r = client.post("/login", data={"username": "unita", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logout_is_post_only(org, auth, csrf):
    c = auth.client("unita")
    assert c.get("/logout").status_code == 405
    assert c.get("/admin/").status_code == 200
    token = csrf(c, "/password")
    assert c.post("/logout", data={"csrf_token": token}).status_code == 302
    assert c.get("/admin/").status_code == 302


# --- captcha -----------------------------------------------------------------------------

def test_captcha_is_off_in_tests(org, client):
    assert "验证码" not in client.get("/login").get_data(as_text=True)


def test_captcha_on_wrong_is_refused_and_right_is_accepted(app, org, client, csrf):
    app.config["CAPTCHA_ENABLED"] = True
    assert 'id="captcha-img"' in client.get("/login").get_data(as_text=True)
    image = client.get("/captcha.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    with client.session_transaction() as sess:
        assert "captcha_answer" not in sess            # only an id travels in the cookie
        answer = captcha_code.answer_of(sess["captcha_id"])
    assert len(answer) == 4 and not set(answer) & set("0O1IL")

    wrong = "2222" if answer != "2222" else "3333"
    r = post_login(client, csrf, "unita", PASSWORD, captcha=wrong)
    assert r.status_code == 200 and "验证码不正确" in r.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302

    # The answer was used up by the wrong attempt: the right one no longer works without a new image.
    r = post_login(client, csrf, "unita", PASSWORD, captcha=answer)
    assert "验证码已失效" in r.get_data(as_text=True)

    client.get("/captcha.png")
    with client.session_transaction() as sess:
        answer = captcha_code.answer_of(sess["captcha_id"])
    r = post_login(client, csrf, "unita", PASSWORD, captcha=answer.lower())
    assert r.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_solved_captcha_cannot_be_replayed_with_an_old_cookie(app, org, client, csrf):
    app.config["CAPTCHA_ENABLED"] = True
    client.get("/captcha.png")
    with client.session_transaction() as sess:
        answer = captcha_code.answer_of(sess["captcha_id"])
    token = csrf(client, "/login")
    old_cookie = client.get_cookie("session").value
    r = client.post("/login", data={"username": "unita", "password": "wrong-1a", "captcha": answer,
                                    "csrf_token": token})
    assert "用户名或密码错误" in r.get_data(as_text=True)
    client.set_cookie("session", old_cookie)           # the cookie from before the attempt
    r = client.post("/login", data={"username": "unita", "password": PASSWORD, "captcha": answer,
                                    "csrf_token": token})
    assert r.status_code == 200 and "验证码已失效" in r.get_data(as_text=True)


def test_captcha_missing_is_refused(app, org, client, csrf):
    app.config["CAPTCHA_ENABLED"] = True
    client.get("/captcha.png")
    r = post_login(client, csrf, "unita", PASSWORD, captcha="")
    assert "请输入验证码" in r.get_data(as_text=True)


# --- 忘记密码 ---------------------------------------------------------------------------

def outbox(app) -> list[Path]:
    path = Path(app.config["MAIL_OUTBOX_DIR"])
    return sorted(path.glob("*.eml")) if path.exists() else []


def reset_link(mail_file: Path) -> str:
    msg = email.message_from_bytes(mail_file.read_bytes(), policy=policy.default)
    body = msg.get_body(("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/reset/\S+)", body)
    assert match, body
    return match.group(1)


def ask_reset(client, csrf, username, address):
    return client.post("/forgot", data={"username": username, "email": address,
                                        "csrf_token": csrf(client, "/forgot")})


def test_forgot_password_mails_a_link_that_works_once(app, org, client, csrf, auth):
    page = client.get("/forgot").get_data(as_text=True)
    assert '<label for="username">用户名' in page and '<label for="email">电子邮箱' in page
    assert "请致电让归口部门" in page

    r = ask_reset(client, csrf, "UnitA", "UNITA@example.com")
    assert r.status_code == 302
    assert "找回密码的链接已发送到该邮箱" in client.get("/login").get_data(as_text=True)
    mails = outbox(app)
    assert len(mails) == 1
    msg = email.message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "unita@example.com"
    link = reset_link(mails[0])

    assert "unita" in client.get(link).get_data(as_text=True)
    r = client.post(link, data={"new_password": "short", "confirm": "short", "csrf_token": csrf(client, link)})
    assert "密码至少8位" in r.get_data(as_text=True)

    r = client.post(link, data={"new_password": "Mailed2024x", "confirm": "Mailed2024x",
                                "csrf_token": csrf(client, link)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert post_login(auth.client(), csrf, "unita", PASSWORD).status_code == 200
    assert post_login(auth.client(), csrf, "unita", "Mailed2024x").status_code == 302

    second = client.get(link)
    assert second.status_code == 400 and "已使用或已失效" in second.get_data(as_text=True)
    r = client.post(link, data={"new_password": "Another2024x", "confirm": "Another2024x",
                                "csrf_token": csrf(client, "/forgot")})
    assert r.status_code == 400
    assert post_login(auth.client(), csrf, "unita", "Mailed2024x").status_code == 302
    assert len(actions("password.reset_request")) == 1 and len(actions("password.reset_by_mail")) == 1


@pytest.mark.parametrize("username, address", [("unita", "someone@else.example"), ("nosuchuser", "x@example.com"),
                                               ("unita001", "")])
def test_forgot_password_answers_the_same_and_sends_nothing_when_not_matching(app, org, client, csrf, username,
                                                                             address):
    r = ask_reset(client, csrf, username, address)
    if address:
        assert r.status_code == 302
        assert "找回密码的链接已发送到该邮箱" in client.get("/login").get_data(as_text=True)
    else:
        assert "请输入注册时填写的电子邮箱" in r.get_data(as_text=True)
    assert outbox(app) == []


def test_disabled_account_gets_no_reset_mail(app, org, client, csrf):
    org["unit_a"].enabled = False
    db.session.commit()
    assert ask_reset(client, csrf, "unita", "unita@example.com").status_code == 302
    assert outbox(app) == []


def test_tampered_and_expired_links_are_refused(app, org, client, csrf, monkeypatch):
    ask_reset(client, csrf, "unita", "unita@example.com")
    link = reset_link(outbox(app)[0])
    r = client.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert r.status_code == 400 and "链接无效" in r.get_data(as_text=True)

    from zhicheng.accounts.auth import password_reset
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3601)
    old_token = password_reset.make_token(org["unit_a"])
    monkeypatch.undo()
    r = client.get(f"/reset/{old_token}")
    assert r.status_code == 400 and "已过期" in r.get_data(as_text=True)


def test_chosen_passwords_are_argon2id_and_older_scrypt_hashes_are_upgraded_at_login(org, client, csrf):
    from werkzeug.security import generate_password_hash

    from zhicheng.accounts import passwords

    assert passwords.hash_chosen(PASSWORD).startswith("$argon2id$")
    user = org["unit_a"]
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt")  # as stored before
    db.session.commit()
    assert "用户名或密码错误" in post_login(client, csrf, "unita", "wrong-password1").get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:")  # a failed login changes nothing
    r = post_login(client, csrf, "unita", PASSWORD)
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$") and passwords.verify(user.password_hash, PASSWORD)
    assert client.get("/admin/").status_code == 200  # the session was issued for the new hash
    client.post("/logout", data={"csrf_token": csrf(client, "/admin/")})
    assert post_login(client, csrf, "unita", PASSWORD).status_code == 302


def test_outside_the_test_suite_chosen_passwords_get_the_owasp_argon2id_parameters(app):
    import argon2

    from zhicheng.accounts import passwords

    app.config.pop("ARGON2_TEST_COST")  # set by TestConfig only
    stored = passwords.hash_chosen(PASSWORD)
    owasp = argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16, hash_len=32,
                              time_cost=2, memory_cost=19 * 1024, parallelism=1)
    assert argon2.extract_parameters(stored) == owasp
    assert argon2.extract_parameters(passwords.DUMMY_HASH) == owasp  # an unknown name costs the same
    assert not passwords.needs_rehash(stored) and passwords.verify(stored, PASSWORD)
    assert passwords.needs_rehash(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD))


def test_every_failed_login_takes_the_same_least_time(org, client, csrf):
    from zhicheng.accounts.auth.routes import FAILED_LOGIN_SECONDS

    for username in ("nobodyhere", "unita"):  # an unknown name, a known one with a wrong password
        started = time.perf_counter()
        r = post_login(client, csrf, username, "wrong-password1")
        assert "用户名或密码错误" in r.get_data(as_text=True)
        assert time.perf_counter() - started >= FAILED_LOGIN_SECONDS
