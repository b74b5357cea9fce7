from __future__ import annotations

import functools
import time
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from .. import audit, passwords
from ..accounts import AccountError, change_password as do_change_password
from ..extensions import db, limiter, login_manager
from ..models import Unit, User
from ..models.accounts import password_fingerprint
from ..registration import RegistrationData, RegistrationError, lookup_registry, register_unit, registration_departments
from . import bp, captcha_code, password_reset, throttle
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm


@functools.cache
def _account_statement():
    """The statement that loads the logged-in account, built once: SQLAlchemy keeps its cache
    key with it, which a statement built anew on every request has to work out again."""
    return (select(User).where(User.id == bindparam("pk"))
            .options(joinedload(User.unit).joinedload(Unit.department), joinedload(User.department)))


@login_manager.user_loader
def load_user(user_id: str):
    # Every page needs the account's unit and department (menus, scope): one query, not three.
    pk, _, fingerprint = (user_id or "").partition(":")
    try:
        pk = int(pk)
    except ValueError:
        return None
    user = db.session.scalar(_account_statement(), {"pk": pk})
    # A session from before the last password change or reset is over.
    if user is None or password_fingerprint(user.password_hash) != fingerprint:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Accept `next` only as a local path (no scheme, no host, no '//' or '\\' tricks)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


#: The least time a failed login takes (above the slowest password check, scrypt's ~0.1 s).
FAILED_LOGIN_SECONDS = 0.25


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        captcha_error = captcha_code.check(form.captcha.data) if current_app.config["CAPTCHA_ENABLED"] else None
        if captcha_error:
            form.captcha.errors.append(captcha_error)
            return render_template("auth/login.html", form=form, error=None)
        started = time.perf_counter()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if throttle.blocked(username):
            audit.record("login.rate_limited", user, f"用户名 {username}，登录失败次数过多被暂时锁定", actor=user)
            db.session.commit()
            error, status = (f"登录失败次数过多，该账号或当前网络已被暂时锁定，请{throttle.lockout_minutes()}分钟后再试",
                             429)
        elif not passwords.verify(user.password_hash if user else passwords.DUMMY_HASH, form.password.data) \
                or user is None:
            # An unknown name costs the same hash as a wrong password, and every failure takes at
            # least FAILED_LOGIN_SECONDS (older scrypt hashes and one-time passwords check faster or
            # slower than Argon2id): timing tells nothing about which accounts exist.
            throttle.record_failure(username)
            audit.record("login.failure", user, f"用户名 {username}", actor=user)
            db.session.commit()
            time.sleep(max(0.0, FAILED_LOGIN_SECONDS - (time.perf_counter() - started)))
            error = "用户名或密码错误"
        elif not user.is_active:
            audit.record("login.disabled", user, "账号已禁用" if not user.enabled else "所属单位已禁用", actor=user)
            db.session.commit()
            error = ("该账号已被禁用，请联系单位管理员或归口部门开通" if not user.enabled
                     else "所属单位已被归口部门禁用，请联系归口部门开通")
        else:
            if passwords.needs_rehash(user.password_hash):
                # Before login_user: the session id carries a fingerprint of the stored hash. Only if
                # no simultaneous login has re-hashed it already (theirs is kept, ours dropped).
                db.session.execute(update(User).where(User.id == user.id, User.password_hash == user.password_hash)
                                   .values(password_hash=passwords.hash_chosen(form.password.data)))
                db.session.refresh(user)
            login_user(user)
            user.last_login_at = datetime.now()
            audit.record("login.success", user, "", actor=user)
            db.session.commit()
            if user.must_change_password:
                flash("首次登录或密码已被重置，请先修改密码", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    return render_template("auth/login.html", form=form, error=error), status


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
        user = current_user._get_current_object()
        try:
            do_change_password(user, None if forced else form.old_password.data,
                               form.new_password.data, form.confirm.data)
        except AccountError as e:
            flash(str(e), "error")
        else:
            login_user(user)  # this session goes on; every other one of the account ends
            flash("密码修改成功", "success")
            return redirect(url_for("admin.index"))
    return render_template("auth/change_password.html", form=form, forced=forced)


@bp.route("/captcha.png")
def captcha_image():
    response = make_response(captcha_code.new_image())
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response


def _department_choices() -> list[tuple]:
    choices = [("", "请选择归口部门", {})]
    for dept, accepts in registration_departments():
        indent = "\u3000" * (dept.depth - 1) + ("└ " if dept.depth > 1 else "")
        choices.append((dept.id, indent + dept.name, {} if accepts else {"disabled": True}))
    return choices


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    form.department_id.choices = _department_choices()
    if form.validate_on_submit():
        data = RegistrationData(uscc=form.uscc.data, legal_rep=form.legal_rep.data, name=form.name.data,
                                department_id=form.department_id.data, username=form.username.data,
                                password=form.password.data, confirm=form.confirm.data, email=form.email.data,
                                legacy_reason=form.legacy_reason.data)
        try:
            register_unit(data, form.license.data)
        except RegistrationError as e:
            for name, message in e.errors.items():
                form[name].errors.append(message)
        else:
            flash("注册成功，请登录", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/register/lookup")
@limiter.limit("60 per minute")
def register_lookup():
    """单位名录 look-up for the registration page: fills 单位全称 while the user types."""
    entry = lookup_registry(request.args.get("uscc", ""), request.args.get("legal_rep", ""))
    return jsonify(found=entry is not None, name=entry.name if entry else "")


FORGOT_SENT = ("如果用户名和电子邮箱与系统中的账号一致，找回密码的链接已发送到该邮箱，1小时内有效，只能使用一次。"
               "若注册时没有填写电子邮箱，请致电让归口部门（区人才职改办）工作人员协助找回密码。")


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.username.data, form.email.data)
        flash(FORGOT_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = password_reset.user_for_token(token)
    except password_reset.InvalidResetLink as e:
        return render_template("auth/reset_password.html", form=None, invalid=str(e)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_with_token(token, form.new_password.data, form.confirm.data)
        except password_reset.InvalidResetLink as e:
            return render_template("auth/reset_password.html", form=None, invalid=str(e)), 400
        except password_reset.ResetError as e:
            form[e.field].errors.append(str(e))
        else:
            flash("密码已重置，请使用新密码登录", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, username=user.username, invalid=None)
