"""Public pages of the unit side: 重新提交注册 (a refused registration, after the password was proved
on the login page) and 单位用户忘记密码 by a 工作人员's SMS code."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for

from zhicheng.accounts.models import User, password_fingerprint
from zhicheng.extensions import db, limiter
from zhicheng.forms import add_errors
from zhicheng.org import approval, codes, password_sms
from zhicheng.org.forms import ResubmitForm, UnitForgotForm
from zhicheng.org.models import APPROVAL_LABELS, Approval
from zhicheng.persons import sms
from zhicheng.system import audit

bp = Blueprint("org", __name__, url_prefix="/unit")

_RESUBMIT_KEY = "zc_resubmit"
#: How long after the login attempt the refused unit may correct and resubmit its registration.
RESUBMIT_SECONDS = 30 * 60


def registration_refusal(user: User) -> tuple[str, str | None]:
    """The login page's answer to a unit account with the right password whose registration is not
    approved: (message, URL of 重新提交 or None). A refused unit may correct its registration in this
    browser for RESUBMIT_SECONDS; it is not logged in."""
    unit = user.unit
    dept = unit.department.name if unit.department else "归口部门"
    if unit.approval == Approval.PENDING:
        audit.record("login.pending", user, "单位注册待审核，不能登录", actor=user)
        db.session.flush()
        return f"单位注册信息正在等待“{dept}”审核，审核通过后方可登录。", None
    audit.record("login.refused_registration", user, "单位注册审核不通过，不能登录", actor=user)
    db.session.flush()
    message = f"单位注册未通过“{dept}”的审核，原因：{unit.refusal_reason}。"
    if not user.is_unit:  # only the unit account corrects the registration
        return message + "请单位修改注册信息后重新提交。", None
    session[_RESUBMIT_KEY] = {"uid": user.id, "fp": password_fingerprint(user.password_hash), "at": int(time.time())}
    return message + "请修改注册信息后重新提交，审核通过后方可登录。", url_for("org.resubmit")


def _resubmitting() -> User | None:
    ticket = session.get(_RESUBMIT_KEY)
    if not isinstance(ticket, dict) or time.time() - ticket.get("at", 0) > RESUBMIT_SECONDS:
        return None
    user = db.session.get(User, ticket.get("uid") or 0)
    if user is None or not user.is_unit or password_fingerprint(user.password_hash) != ticket.get("fp"):
        return None
    return user


@bp.route("/resubmit", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def resubmit():
    user = _resubmitting()
    if user is None or user.unit.approval != Approval.REFUSED:
        session.pop(_RESUBMIT_KEY, None)
        flash("请先使用单位账号和密码登录，再修改注册信息（页面有效期30分钟）", "warning")
        return redirect(url_for("auth.login"))
    unit = user.unit
    form = ResubmitForm(obj=unit)
    form.license.label.text = codes.license_kind(form.unit_type.data)
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in approval.RESUBMIT_FIELDS}
        try:
            approval.resubmit(user, values, form.license.data)
        except approval.ApprovalError as e:
            form[e.field or "name"].errors.append(str(e))
        else:
            session.pop(_RESUBMIT_KEY, None)
            flash(f"注册信息已重新提交，请等待“{unit.department.name}”审核，审核通过后方可登录", "success")
            return redirect(url_for("auth.login"))
    return render_template("org/resubmit.html", form=form, unit=unit, labels=APPROVAL_LABELS,
                           license_kind=codes.license_kind(unit.unit_type))


def _forgot_page(form, status: int = 200, code_sent: bool = False):
    from zhicheng.accounts.auth.routes import _department_choices
    form.department_id.choices = _department_choices()
    return render_template("org/forgot_password.html", form=form, code_sent=code_sent,
                           show_captcha=current_app.config["CAPTCHA_ENABLED"]), status


def _data(form) -> password_sms.UnitResetData:
    return password_sms.UnitResetData(department_id=form.department_id.data, uscc=form.uscc.data or "",
                                      id_card=form.id_card.data or "", sms_code=form.sms_code.data or "",
                                      new_password=form.new_password.data or "", confirm=form.confirm.data or "")


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def forgot_password():
    """单位用户忘记密码: 归口部门 + 统一社会信用代码 + 工作人员证件号码, SMS code, new password."""
    form = UnitForgotForm()
    if form.validate_on_submit():
        try:
            password_sms.reset_password(_data(form))
        except password_sms.UnitResetError as e:
            add_errors(form, e.errors)
            return _forgot_page(form, 400)
        flash("单位密码已重置，请使用新密码登录", "success")
        return redirect(url_for("auth.login"))
    return _forgot_page(form)


@bp.route("/forgot/code", methods=["POST"])
@limiter.limit(lambda: current_app.config["SMS_ADDRESS_LIMIT"])
def send_forgot_code():
    form = UnitForgotForm()
    if not form.validate_on_submit():
        return _forgot_page(form, 400)
    from zhicheng.accounts.auth import captcha_code
    if captcha_code.refused(form):
        return _forgot_page(form, 400)
    try:
        password_sms.send_code(_data(form))
    except password_sms.UnitResetError as e:
        add_errors(form, e.errors)
        return _forgot_page(form, 400)
    except sms.SmsError as e:
        form.id_card.errors.append(str(e))
        return _forgot_page(form, 429)
    return _forgot_page(form, code_sent=True)
