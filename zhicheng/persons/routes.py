"""个人注册 (public), 获取验证码, and the 用户协议 / 隐私政策 texts."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from zhicheng.accounts.auth import captcha_code
from zhicheng.extensions import limiter
from zhicheng.forms import add_errors
from zhicheng.persons import sms
from zhicheng.persons.forms import ForgotPasswordForm, PersonRegisterForm
from zhicheng.persons.models import SmsPurpose
from zhicheng.persons.services import (
    PersonRegistration,
    PersonRegistrationError,
    check_phone_for_code,
    phone_registered,
    register_person,
    reset_password_by_sms,
    send_reset_code,
)
from zhicheng.validators import ValidationError

bp = Blueprint("persons", __name__, url_prefix="/person")


def _page(form, status: int = 200, code_sent: bool = False):
    return render_template("persons/register.html", form=form, code_sent=code_sent,
                           show_captcha=current_app.config["CAPTCHA_ENABLED"]), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = PersonRegisterForm()
    if form.validate_on_submit():
        data = PersonRegistration(name=form.name.data, id_type=form.id_type.data, id_number=form.id_number.data,
                                  phone=form.phone.data, sms_code=form.sms_code.data, password=form.password.data,
                                  confirm=form.confirm.data, agree_terms=form.agree_terms.data,
                                  agree_privacy=form.agree_privacy.data)
        try:
            user = register_person(data)
        except PersonRegistrationError as e:
            add_errors(form, e.errors)
        else:
            flash(f"注册成功，请登录。可以使用手机号、证件号码或用户名 {user.username} 登录", "success")
            return redirect(url_for("auth.login", entry="person"))
    return _page(form)


@bp.route("/register/code", methods=["POST"])
@limiter.limit(lambda: current_app.config["SMS_ADDRESS_LIMIT"])
def send_code():
    """获取验证码 for 注册: the page comes back with what was typed and the outcome next to the field."""
    form = PersonRegisterForm()
    if not form.validate_on_submit():  # the CSRF token, the captcha's length
        return _page(form, 400)
    if captcha_code.refused(form):
        return _page(form, 400)
    try:
        phone = check_phone_for_code(form.phone.data)
    except ValidationError as e:
        form.phone.errors.append(str(e))
        return _page(form, 400)
    if phone_registered(phone):
        form.phone.errors.append("该手机号已注册，请直接登录，或换一个手机号")
        return _page(form, 400)
    try:
        sms.issue_code(phone, SmsPurpose.REGISTER)
    except sms.SmsError as e:
        form.phone.errors.append(str(e))
        return _page(form, 429)
    form.phone.data = phone
    return _page(form, code_sent=True)


def _forgot_page(form, status: int = 200, code_sent: bool = False):
    return render_template("persons/forgot_password.html", form=form, code_sent=code_sent,
                           show_captcha=current_app.config["CAPTCHA_ENABLED"]), status


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def forgot_password():
    """忘记密码 of a 个人用户, by an SMS code to his 手机号."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password_by_sms(form.phone.data, form.sms_code.data, form.new_password.data, form.confirm.data)
        except PersonRegistrationError as e:
            add_errors(form, e.errors)
        else:
            flash("密码已重置，请使用新密码登录", "success")
            return redirect(url_for("auth.login", entry="person"))
    return _forgot_page(form)


@bp.route("/forgot/code", methods=["POST"])
@limiter.limit(lambda: current_app.config["SMS_ADDRESS_LIMIT"])
def send_forgot_code():
    form = ForgotPasswordForm()
    if not form.validate_on_submit() or captcha_code.refused(form):
        return _forgot_page(form, 400)
    try:
        send_reset_code(form.phone.data)
    except ValidationError as e:
        form.phone.errors.append(str(e))
        return _forgot_page(form, 400)
    except sms.SmsError as e:
        form.phone.errors.append(str(e))
        return _forgot_page(form, 429)
    return _forgot_page(form, code_sent=True)


@bp.route("/agreement")
def agreement():
    return render_template("persons/agreement.html")


@bp.route("/privacy")
def privacy():
    return render_template("persons/privacy.html")
