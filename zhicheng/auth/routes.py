from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from .. import audit, passwords
from ..accounts import AccountError, change_password as do_change_password
from ..extensions import db, login_manager
from ..models import User
from . import bp
from .forms import ChangePasswordForm, LoginForm


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


def safe_next(target: str | None) -> str | None:
    """Accept `next` only as a local path (no scheme, no host, no '//' or '\\' tricks)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None or not passwords.verify(user.password_hash, form.password.data):
            audit.record("login.failure", user, f"用户名 {username}", actor=user)
            db.session.commit()
            error = "用户名或密码错误"
        elif not user.enabled:
            audit.record("login.disabled", user, "账号已禁用", actor=user)
            db.session.commit()
            error = "该账号已被禁用，请联系单位管理员或归口部门开通"
        else:
            login_user(user)
            user.last_login_at = datetime.now()
            audit.record("login.success", user, "", actor=user)
            db.session.commit()
            if user.must_change_password:
                flash("首次登录或密码已被重置，请先修改密码", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    return render_template("auth/login.html", form=form, error=error), (200 if not error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("logout", current_user, "", actor=current_user)
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    forced = current_user.must_change_password
    if current_user.is_sub and not forced and not current_user.perm_change_password:
        return render_template("errors/error.html", code=403, message="没有修改密码的权限"), 403
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            do_change_password(current_user, None if forced else form.old_password.data,
                               form.new_password.data, form.confirm.data)
        except AccountError as e:
            flash(str(e), "error")
        else:
            flash("密码修改成功", "success")
            return redirect(url_for("admin.index"))
    return render_template("auth/change_password.html", form=form, forced=forced)


@bp.route("/captcha.png")
def captcha_image():
    return ("", 404)


@bp.route("/register", methods=["GET", "POST"])
def register():
    return ("", 404)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    return ("", 404)
