from __future__ import annotations

import functools
import time
from datetime import datetime

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from zhicheng.accounts import passwords
from zhicheng.accounts.auth import bp, captcha_code, password_reset, sessions, throttle
from zhicheng.accounts.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from zhicheng.accounts.models import password_fingerprint
from zhicheng.accounts.services import AccountError
from zhicheng.accounts.services import change_password as do_change_password
from zhicheng.extensions import db, limiter, login_manager
from zhicheng.forms import add_errors
from zhicheng.models import Department, LoginSession, Unit, User
from zhicheng.org.registration import (
    RegistrationData,
    RegistrationError,
    lookup_registry,
    register_unit,
    registration_departments,
)
from zhicheng.org.routes import registration_refusal
from zhicheng.persons.services import login_account as person_login_account
from zhicheng.policy import P, can
from zhicheng.security import is_local_url
from zhicheng.system import audit


@functools.cache
def _account_statement():
    """The statement that loads the logged-in account with its live session row, built once:
    SQLAlchemy keeps its cache key with it, which a statement built anew on every request has to
    work out again."""
    return (select(User, LoginSession.last_seen_at)
            .join(LoginSession, (LoginSession.user_id == User.id) & (LoginSession.id == bindparam("sid"))
                  & LoginSession.ended_at.is_(None) & (LoginSession.expires_at > bindparam("now"))
                  & (LoginSession.last_seen_at > bindparam("idle_since")))
            .where(User.id == bindparam("pk"))
            .options(joinedload(User.unit).joinedload(Unit.department), joinedload(User.department)))


#: The account's rows in the order of _account_row's columns: the account, its unit, the unit's
#: department, its own department.
_ACCOUNT_ROWS = ((User, ()), (Unit, ("unit",)), (Department, ("unit", "department")), (Department, ("department",)))


@functools.cache
def _account_row():
    """The same rows as _account_statement as one plain row: the session's last_seen_at, then
    every column of the account, its unit, the unit's department and its own department."""
    tables = [User.__table__, Unit.__table__.alias("u"), Department.__table__.alias("ud"),
              Department.__table__.alias("d")]
    user, unit, unit_dept, dept = tables
    session = LoginSession.__table__
    joined = (user.join(session, (session.c.user_id == user.c.id) & (session.c.id == bindparam("sid"))
                        & session.c.ended_at.is_(None) & (session.c.expires_at > bindparam("now"))
                        & (session.c.last_seen_at > bindparam("idle_since")))
              .outerjoin(unit, unit.c.id == user.c.unit_id).outerjoin(unit_dept, unit_dept.c.id == unit.c.department_id)
              .outerjoin(dept, dept.c.id == user.c.department_id))
    return select(session.c.last_seen_at, *(c for t in tables for c in t.c)).select_from(joined).where(
        user.c.id == bindparam("pk"))


def _row_of(user) -> tuple:
    """The account's loaded values in the order of _account_row (None for a missing row)."""
    values: list = []
    for model, path in _ACCOUNT_ROWS:
        obj = user
        for name in path:
            obj = getattr(obj, name) if obj is not None else None
        keys = [model.__mapper__.get_property_by_column(c).key for c in model.__table__.c]
        values.extend(getattr(obj, k) for k in keys) if obj is not None else values.extend([None] * len(keys))
    return tuple(values)


_PASSWORD_HASH = list(User.__table__.c.keys()).index("password_hash")
_ACCOUNTS = "zhicheng.accounts"


@login_manager.user_loader
def load_user(user_id: str):
    # Every page needs the account's unit and department (menus, scope): one statement, not three,
    # and the same statement checks that this browser's session was not ended (退出) or timed out.
    # It reads them as one plain row; the ORM objects are copied from this process's last load of
    # the account while every column of the four rows is still what that load saw (a change to
    # any of them, a permission, 禁用, the password, the unit's or a department's, is seen on the
    # next request), and loaded anew otherwise. Building the four objects from the rows was most
    # of the cost of loading the account on every request.
    pk, _, fingerprint = (user_id or "").partition(":")
    sid = sessions.current_digest()
    if not pk.isascii() or not pk.isdigit() or sid is None:
        return None
    now = datetime.now()
    params = {"pk": int(pk), "sid": sid, "now": now, "idle_since": now - sessions.idle()}
    row = db.session.connection().execute(_account_row(), params).first()
    # A session from before the last password change or reset is over.
    if row is None or password_fingerprint(row[1 + _PASSWORD_HASH]) != fingerprint:
        return None
    values = tuple(row)[1:]
    accounts = current_app.extensions.setdefault(_ACCOUNTS, {})
    known = accounts.get(int(pk))
    if known is not None and known[0] == values:
        user = db.session.merge(known[1], load=False)
    else:
        loaded = db.session.execute(_account_statement(), params).first()
        if loaded is None or password_fingerprint(loaded[0].password_hash) != fingerprint:
            return None
        user = loaded[0]
        scratch = Session()
        copy = scratch.merge(user, load=False)
        scratch.close()  # the copy is detached and never changed: the next requests' source
        if len(accounts) > 5000:
            accounts.clear()
        accounts[int(pk)] = (_row_of(user), copy)
    sessions.touch(sid, row[0])
    return user


def safe_next(target: str | None) -> str | None:
    """Accept `next` only as a local path (the same check as every other redirect target)."""
    return target.strip() if is_local_url(target) else None


#: The least time a failed login takes (above the slowest password check, scrypt's ~0.1 s).
FAILED_LOGIN_SECONDS = 0.25


#: Why the captcha appears although CAPTCHA_ENABLED is off (or why it is now compulsory).
CAPTCHA_REQUIRED_REASON = "该账号或当前网络近期登录失败次数较多，为保护账号安全，请输入验证码"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error, status, resubmit_url = None, 200, None
    throttle_key = (form.username.data or "").strip()
    if form.validate_on_submit():
        username = form.username.data.strip()
        started = time.perf_counter()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None:  # a 个人用户 also signs in with his 手机号 or 证件号码
            user = person_login_account(username)
        # Failures count against the account whichever of its names was typed (username, 手机号,
        # 证件号码); a name of no account counts as typed, like an unknown username always has.
        throttle_key = user.username if user is not None else username
        gate = throttle.gate(throttle_key)
        captcha_error = None
        if current_app.config["CAPTCHA_ENABLED"] or gate.captcha_required or gate.wait_seconds:
            captcha_error = captcha_code.check(form.captcha.data)
        # Refusals for the captcha or the delay come before the password is looked at, so they
        # cost a guesser a solved image (or the wait) per guess; a solved captcha is never held.
        if gate.wait_seconds and captcha_error:
            audit.record("login.rate_limited", user,
                         f"用户名 {username}，从同一网络连续登录失败，需等待{gate.wait_seconds}秒或输入验证码", actor=user)
            db.session.flush()
            if (form.captcha.data or "").strip():
                form.captcha.errors.append(captcha_error)
            error, status = f"登录失败次数过多，请{gate.wait_seconds}秒后再试，或输入正确的验证码后登录", 429
        elif captcha_error:
            if gate.captcha_required:
                audit.record("login.rate_limited", user, f"用户名 {username}，登录失败次数较多，需输入验证码",
                             actor=user)
                db.session.flush()
            form.captcha.errors.append(captcha_error)
        elif not passwords.verify(user.password_hash if user else passwords.DUMMY_HASH, form.password.data) \
                or user is None:
            # An unknown name costs the same hash as a wrong password, and every failure takes at
            # least FAILED_LOGIN_SECONDS (older scrypt hashes and one-time passwords check faster or
            # slower than Argon2id): timing tells nothing about which accounts exist.
            throttle.record_failure(throttle_key)
            audit.record("login.failure", user, f"用户名 {username}", actor=user)
            db.session.flush()
            time.sleep(max(0.0, FAILED_LOGIN_SECONDS - (time.perf_counter() - started)))
            error = "用户名或密码错误"
        elif user.enabled and user.unit is not None and user.unit.enabled and user.unit.approval != "approved":
            # 注册需审核: the password is right but the 归口部门 has not approved the registration.
            throttle.record_success(throttle_key)
            error, resubmit_url = registration_refusal(user)
        elif not user.is_active:
            audit.record("login.disabled", user, "账号已禁用" if not user.enabled else "所属单位已禁用", actor=user)
            db.session.flush()
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
            throttle.record_success(throttle_key)
            user.last_login_at = datetime.now()
            audit.record("login.success", user, "", actor=user)
            db.session.flush()
            if user.must_change_password:
                flash("首次登录或密码已被重置，请先修改密码", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    # Asked again after this attempt: the failure just counted may have made the captcha compulsory.
    # Before a name is typed only the address's own failures can.
    gate = throttle.gate(throttle_key)
    required = gate.captcha_required or bool(gate.wait_seconds)
    entry = "person" if request.args.get("entry") == "person" else "unit"
    return render_template("auth/login.html", form=form, error=error, entry=entry, resubmit_url=resubmit_url,
                           show_captcha=required or current_app.config["CAPTCHA_ENABLED"],
                           captcha_reason=CAPTCHA_REQUIRED_REASON if required else None), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("logout", current_user, "", actor=current_user)
    sessions.end()
    db.session.flush()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    forced = current_user.must_change_password
    if not forced and not can(current_user, P.CHANGE_PASSWORD):
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
@limiter.limit(lambda: current_app.config["CAPTCHA_RATE_LIMIT"])
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
                                legacy_reason=form.legacy_reason.data, unit_type=form.unit_type.data or "",
                                industry=form.industry.data or "", region=form.region.data or "",
                                address=form.address.data or "")
        try:
            unit = register_unit(data, form.license.data)
        except RegistrationError as e:
            add_errors(form, e.errors)
        else:
            if unit.approval == "pending":
                flash(f"注册信息已提交。“{unit.department.name}”的新注册单位须经审核，审核通过后方可登录", "info")
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
