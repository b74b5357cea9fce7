"""/healthz, `flask create-office` and `flask reset-admin-password`."""
from __future__ import annotations

import re

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Department, User


def test_healthz_answers_without_login_and_tells_nothing_more(app):
    r = app.test_client().get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "off", "storage": "ok"}}
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/15"
    assert app.test_client().get("/healthz").get_json()["checks"]["redis"] == "ok"
    assert r.headers["Cache-Control"] == "no-store"


def test_healthz_says_503_when_a_dependency_fails(app):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body == {"status": "fail", "checks": {"database": "ok", "redis": "fail", "storage": "ok"}}
    assert "127.0.0.1" not in r.get_data(as_text=True)


def test_create_office_in_an_empty_database_then_log_in(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["create-office", "--name", "宁波市人力资源和社会保障局", "--admin", "nbadmin",
                            "--real-name", "李管理"])
    assert r.exit_code == 0, r.output
    otp = re.search(r"初始密码：(\S+)（", r.output).group(1)
    db.session.expire_all()
    root = db.session.scalar(select(Department))
    admin = db.session.scalar(select(User).where(User.username == "nbadmin"))
    assert root.is_root and root.name == "宁波市人力资源和社会保障局"
    assert admin.department_id == root.id and admin.must_change_password
    assert admin.role_admin and admin.role_dict and admin.role_review
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "nbadmin", "password": otp, "csrf_token": token})
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    again = runner.invoke(args=["create-office", "--name", "另一个", "--admin", "x2admin"])
    assert again.exit_code == 1 and "只用于新建的空数据库" in again.output
    assert db.session.scalar(select(User).where(User.username == "x2admin")) is None


def test_reset_admin_password_from_the_command_line(app, org):
    before = org["root"].password_hash
    r = app.test_cli_runner().invoke(args=["reset-admin-password", "RootAdmin"])
    assert r.exit_code == 0, r.output
    db.session.expire_all()
    user = db.session.get(User, org["root"].id)
    assert user.password_hash != before and user.must_change_password
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "account.reset_password")) is not None
    r = app.test_cli_runner().invoke(args=["reset-admin-password", "unita"])
    assert r.exit_code == 1 and "没有名为“unita”的部门工作人员账号" in r.output


def test_healthz_is_the_same_for_every_role(app, org, auth):
    """In the access matrix's terms: one public URL, the same answer with or without a login."""
    expected = app.test_client().get("/healthz").get_json()
    for role in ("root", "xihu_admin", "unit_a", "sub_a_none"):
        r = auth.client(org[role].username).get("/healthz")
        assert (r.status_code, r.get_json()) == (200, expected), role
