"""Finding 6: failed logins must not lock anyone out. Wrong passwords make the captcha compulsory
and slow one (account, address) pair down, but the right password with a solved captcha always
gets in, and failures from one address never lock the other accounts behind it."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from zhicheng.accounts import passwords
from zhicheng.accounts.auth import captcha_code
from zhicheng.extensions import db
from zhicheng.models import AuditLog

from ..factories import PASSWORD

ATTACKER, OWNER, OFFICE = "203.0.113.7", "198.51.100.20", "192.0.2.1"
WAIT = re.compile(r"请(\d+)秒后再试")
# The login page's words for why the captcha is asked for.
CAPTCHA_REQUIRED_REASON = "近期登录失败次数较多"


def solve_captcha(client) -> str:
    """What a person reads off the image: the answer kept on the server for this session."""
    assert client.get("/captcha.png").status_code == 200
    with client.session_transaction() as sess:
        return captcha_code.answer_of(sess["captcha_id"])


def post_login(client, csrf, username, password, addr, captcha=None):
    data = {"username": username, "password": password, "csrf_token": csrf(client, "/login")}
    if captcha is not None:
        data["captcha"] = captcha
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": addr})


def fail(client, csrf, username, addr, times):
    """Wrong passwords that really reach the password check (the captcha solved each time)."""
    for i in range(times):
        post_login(client, csrf, username, f"wrong{i}pass", addr, captcha=solve_captcha(client))


def count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


def count_password_checks(monkeypatch) -> list:
    calls = []
    real = passwords.verify

    def spy(stored, given):
        calls.append(given)
        return real(stored, given)

    monkeypatch.setattr(passwords, "verify", spy)
    return calls


def test_owner_with_the_captcha_gets_in_after_ten_wrong_passwords(org, auth, csrf):
    fail(auth.client(), csrf, "unita", ATTACKER, 10)

    owner = auth.client()
    r = post_login(owner, csrf, "unita", PASSWORD, OWNER, captcha=solve_captcha(owner))
    assert r.status_code == 302 and r.headers["Location"] == "/admin/"
    assert owner.get("/admin/").status_code == 200

    # Even from the attacker's own address (an office behind one NAT): the solved captcha is not held.
    colleague = auth.client()
    r = post_login(colleague, csrf, "unita", PASSWORD, ATTACKER, captcha=solve_captcha(colleague))
    assert r.status_code == 302
    assert colleague.get("/admin/").status_code == 200
    assert count("login.success") == 2 and count("login.failure") == 10


def test_failures_from_one_address_do_not_lock_other_accounts_there(org, auth, csrf):
    fail(auth.client(), csrf, "unita", OFFICE, 12)

    # Someone else in the same office: asked for the captcha, not locked out.
    c = auth.client()
    page = c.get("/login", environ_base={"REMOTE_ADDR": OFFICE}).get_data(as_text=True)
    assert CAPTCHA_REQUIRED_REASON in page and 'id="captcha-img"' in page
    r = post_login(c, csrf, "unitb", PASSWORD, OFFICE)
    assert r.status_code == 200 and "请输入验证码" in r.get_data(as_text=True)
    assert "锁定" not in r.get_data(as_text=True)
    r = post_login(c, csrf, "unitb", PASSWORD, OFFICE, captcha=solve_captcha(c))
    assert r.status_code == 302
    assert c.get("/admin/").status_code == 200

    # That account from elsewhere needs nothing extra.
    assert post_login(auth.client(), csrf, "unitb", PASSWORD, OWNER).status_code == 302


def test_without_the_captcha_the_right_password_is_refused_after_the_threshold(org, auth, csrf, monkeypatch):
    guesser = auth.client()
    for i, addr in enumerate(["10.9.0.1", "10.9.0.2", "10.9.0.3"]):  # three addresses, one account
        r = post_login(guesser, csrf, "unita", f"wrong{i}pass", addr)
        assert "用户名或密码错误" in r.get_data(as_text=True)
    assert CAPTCHA_REQUIRED_REASON in r.get_data(as_text=True)  # the page says so at once

    checks = count_password_checks(monkeypatch)
    c = auth.client()
    for captcha, message in [(None, "请输入验证码"), ("", "请输入验证码"), ("wrong", "验证码不正确")]:
        if captcha == "wrong":
            captcha = "2222" if solve_captcha(c) != "2222" else "3333"
        r = post_login(c, csrf, "unita", PASSWORD, "10.9.0.99", captcha=captcha)
        body = r.get_data(as_text=True)
        assert r.status_code == 200 and message in body and CAPTCHA_REQUIRED_REASON in body
        assert c.get("/admin/").status_code == 302
    assert checks == []  # refused before the password was looked at
    assert count("login.rate_limited") == 3


def test_the_pair_delay_refuses_without_checking_the_password(org, auth, csrf, monkeypatch):
    attacker = auth.client()
    fail(attacker, csrf, "unita", ATTACKER, 9)

    checks = count_password_checks(monkeypatch)
    r = post_login(attacker, csrf, "unita", PASSWORD, ATTACKER)
    body = r.get_data(as_text=True)
    assert r.status_code == 429
    wait = WAIT.search(body)
    assert wait and 16 < int(wait.group(1)) <= 32  # 2, 4, 8, 16, 32 s after the 5th … 9th failure
    assert "分钟" not in body
    assert checks == []
    assert attacker.get("/admin/").status_code == 302
    assert count("login.rate_limited") == 1 and count("login.failure") == 9

    # The same pair with the captcha solved is checked at once (and the right password gets in).
    r = post_login(attacker, csrf, "unita", PASSWORD, ATTACKER, captcha=solve_captcha(attacker))
    assert r.status_code == 302 and checks == [PASSWORD]


def test_the_pair_delay_is_capped(app, org, auth, csrf):
    app.config.update(LOGIN_DELAY_PAIR_FAILURES=1, LOGIN_DELAY_MAX_SECONDS=45)
    c = auth.client()
    fail(c, csrf, "unita", ATTACKER, 8)  # uncapped this would be 2^8 s
    r = post_login(c, csrf, "unita", PASSWORD, ATTACKER)
    wait = WAIT.search(r.get_data(as_text=True))
    assert r.status_code == 429 and wait and 40 <= int(wait.group(1)) <= 45
