"""Running the system for a real city: /healthz for the load balancer and monitoring, and the
commands that set up an office without demo data or let its administrator in again."""
from __future__ import annotations

import time

import click
from flask import Blueprint, current_app, jsonify
from sqlalchemy import select, text

from zhicheng.domain import DomainError
from zhicheng.extensions import db

bp = Blueprint("operations", __name__)


def _check_database() -> None:
    db.session.execute(text("SELECT 1"))


def _check_redis() -> bool:
    urls = {current_app.config.get("JOBS_REDIS_URL"), current_app.config.get("RATELIMIT_STORAGE_URI")}
    urls = sorted(u for u in urls if u and u.startswith(("redis://", "rediss://")))
    for url in urls:
        from redis import Redis
        Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    return bool(urls)  # False: no Redis configured (the embedded default)


def _check_storage() -> None:
    from zhicheng import storage
    backend = storage.backend()
    if backend.kind == "s3":
        backend.client.head_bucket(Bucket=backend.bucket)
    else:
        for area in ("uploads", "exports"):
            backend._dir(area)  # exists (created if missing) and is a directory


CHECKS = {"database": _check_database, "redis": _check_redis, "storage": _check_storage}


@bp.route("/healthz")
def healthz():
    """200 when every dependency answers, else 503; only "ok"/"fail" per check, never why (the
    log has the details): no login, and nothing a stranger could learn from."""
    results, status = {}, 200
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            results[name] = "off" if check() is False else "ok"
        except Exception:
            current_app.logger.exception("healthz: %s failed", name)
            results[name], status = "fail", 503
        finally:
            if name == "database":
                db.session.rollback()
        current_app.logger.debug("healthz %s %.1f ms", name, 1000 * (time.perf_counter() - started))
    response = jsonify(status="ok" if status == 200 else "fail", checks=results)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


class OfficeError(DomainError):
    pass


def create_office(name: str, username: str, real_name: str = "") -> str:
    """The root department (市人社局 / 职改办) and its first administrator, holding every role, in an
    empty database; returns the one-time password (to be changed at the first login)."""
    from zhicheng.accounts.models import KIND_STAFF
    from zhicheng.accounts.services import new_user
    from zhicheng.models import Department
    from zhicheng.org.departments import create_department
    from zhicheng.system import audit
    name = (name or "").strip()
    if not name:
        raise OfficeError("请填写本级人社部门（职改办）的名称")
    if db.session.scalar(select(Department.id).limit(1)) is not None:
        raise OfficeError("数据库中已有部门：create-office 只用于新建的空数据库")
    root = create_department(name, None)
    user, otp = new_user(KIND_STAFF, username, department_id=root.id, real_name=(real_name or "").strip(),
                         role_admin=True, role_review=True, role_return=True, role_publish=True, role_dict=True)
    db.session.flush()
    audit.record("office.create", root, f"创建本级部门 {root.name} 及管理员 {user.username}", actor=user)
    return otp


def reset_admin_password(username: str) -> str:
    """A new one-time password for a department staff account (the administrator who forgot his),
    from the server's command line; every session of the account ends with it."""
    from sqlalchemy import func

    from zhicheng.accounts import passwords
    from zhicheng.models import User
    from zhicheng.system import audit
    user = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if user is None or not user.is_staff:
        raise OfficeError(f"没有名为“{username}”的部门工作人员账号")
    otp = passwords.new_one_time_password()
    user.password_hash = passwords.hash_one_time(otp)
    user.must_change_password = True
    user.enabled = True
    audit.record("account.reset_password", user, f"在服务器上重置 {user.username} 的密码（命令行）", actor=None)
    db.session.flush()
    return otp


def register(app) -> None:
    app.register_blueprint(bp)

    @app.cli.command("create-office")
    @click.option("--name", required=True, help="本级人社部门（职改办）名称，例如 杭州市人力资源和社会保障局")
    @click.option("--admin", "username", required=True, help="第一个管理员的用户名")
    @click.option("--real-name", default="", help="管理员姓名")
    def create_office_cmd(name: str, username: str, real_name: str) -> None:
        """新建城市：创建本级部门和第一个管理员（不装入演示数据）。"""
        otp = create_office(name, username, real_name)
        click.echo(f"已创建 {name}；管理员 {username} 的初始密码：{otp}（首次登录须修改）")

    @app.cli.command("reset-admin-password")
    @click.argument("username")
    def reset_admin_password_cmd(username: str) -> None:
        """为部门工作人员账号（如忘记密码的管理员）生成新的初始密码。"""
        otp = reset_admin_password(username)
        click.echo(f"{username} 的新初始密码：{otp}（登录后须修改；该账号已有的登录均已失效）")
