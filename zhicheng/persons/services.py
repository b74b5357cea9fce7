"""个人注册 and the look-up of a person's account at login.

register_person checks every field first and reports them all (PersonRegistrationError.errors, by
form field); only when they are all right is the 短信验证码 used (a wrong one is counted), and only
then are the account and its profile written: bad input stores nothing.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from zhicheng import transaction
from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_PERSON, User
from zhicheng.accounts.services import new_user, username_taken
from zhicheng.extensions import db
from zhicheng.org.registration import RegistrationError
from zhicheng.persons import sms
from zhicheng.persons.models import IdType, Person, SmsPurpose
from zhicheng.system import audit
from zhicheng.validators import (
    ValidationError,
    ascii_form,
    birth_date_of,
    check_chosen_password,
    check_id_card,
    check_mobile,
    gender_of,
)

#: The version of the 用户协议 and 隐私政策 a person agrees to (recorded with the consent).
AGREEMENT_VERSION = "2026-12"

_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")


class PersonRegistrationError(RegistrationError):
    """A refused 个人注册, with a message per field (as a unit's registration)."""


@dataclass
class PersonRegistration:
    name: str = ""
    id_type: str = IdType.RESIDENT
    id_number: str = ""
    phone: str = ""
    sms_code: str = ""
    password: str = ""
    confirm: str = ""
    agree_terms: bool = False
    agree_privacy: bool = False


def normalise_id_number(id_type: str, value: str) -> str:
    """The number as stored, or ValidationError. 居民身份证 and 港澳台居民居住证 (also GB 11643)
    are checked with their check digit; a passport number is letters and digits."""
    if id_type in (IdType.RESIDENT, IdType.HMT_PERMIT):
        try:
            return check_id_card(value)
        except ValidationError as e:
            label = "证件号码" if id_type == IdType.HMT_PERMIT else "身份证号"
            raise ValidationError(str(e).replace("身份证号", label)) from None
    number = ascii_form(value, "护照号码").strip().replace(" ", "").upper()
    if not number:
        raise ValidationError("请填写护照号码")
    if not _PASSPORT.fullmatch(number):
        raise ValidationError("护照号码只能由字母和数字组成，5至20位")
    return number


def check_phone_for_code(value: str) -> str:
    """The phone a 验证码 is asked for, normalised, or ValidationError."""
    if not (value or "").strip():
        raise ValidationError("请填写手机号")
    return check_mobile(value)


def phone_registered(phone: str) -> bool:
    return db.session.scalar(select(Person.id).where(Person.phone == phone)) is not None or username_taken(phone)


def _check(data: PersonRegistration, errors: dict[str, str]) -> dict:
    clean: dict = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50字"
    clean["name"] = name
    try:
        id_type = IdType(data.id_type or "")
    except ValueError:
        errors["id_type"] = "请选择证件类型"
    else:
        clean["id_type"] = id_type
        try:
            number = clean["id_number"] = normalise_id_number(id_type, data.id_number)
        except ValidationError as e:
            errors["id_number"] = str(e)
        else:
            if db.session.scalar(select(Person.id).where(Person.id_type == id_type, Person.id_number == number)):
                errors["id_number"] = "该证件号码已注册，请直接登录；忘记密码可通过手机号找回"
    try:
        phone = clean["phone"] = check_phone_for_code(data.phone)
    except ValidationError as e:
        errors["phone"] = str(e)
    else:
        if phone_registered(phone):
            errors["phone"] = "该手机号已注册，请直接登录，或换一个手机号"
    check_chosen_password(data.password, data.confirm, errors)
    if not data.agree_terms:
        errors["agree_terms"] = "请阅读并同意《用户协议》"
    if not data.agree_privacy:
        errors["agree_privacy"] = "请阅读并同意《隐私政策》"
    if not (data.sms_code or "").strip():
        errors["sms_code"] = "请输入短信验证码"
    return clean


def _new_username() -> str:
    while True:
        name = f"gr{secrets.randbelow(10 ** 8):08d}"
        if not username_taken(name):
            return name


def register_person(data: PersonRegistration) -> User:
    """Create the 个人用户 and his profile, or raise PersonRegistrationError (fields) / nothing stored."""
    errors: dict[str, str] = {}
    clean = _check(data, errors)
    if errors:
        raise PersonRegistrationError(errors)
    try:
        sms.use_code(clean["phone"], SmsPurpose.REGISTER, data.sms_code)
    except sms.SmsError as e:
        raise PersonRegistrationError({"sms_code": str(e)}) from None
    number, id_type = clean["id_number"], clean["id_type"]
    born = birth_date_of(number) if id_type in (IdType.RESIDENT, IdType.HMT_PERMIT) else None
    gender = gender_of(number) if born else ""
    try:
        with transaction.atomic():
            user, _ = new_user(KIND_PERSON, _new_username(), password=data.password, real_name=clean["name"],
                               phone=clean["phone"])
            db.session.flush()
            person = Person(user_id=user.id, name=clean["name"], id_type=id_type, id_number=number,
                            phone=clean["phone"], gender=gender, birth_date=born, agreed_at=datetime.now(),
                            agreed_address=(request.remote_addr or "")[:64], agreement_version=AGREEMENT_VERSION)
            db.session.add(person)
            db.session.flush()
            audit.record("person.register", user, f"个人注册：{person.name}，同意《用户协议》《隐私政策》"
                                                  f"（{AGREEMENT_VERSION}）", actor=user)
    except IntegrityError:
        # A simultaneous registration with the same 证件号码 or 手机号 won.
        raise PersonRegistrationError({"phone": "该手机号或证件号码刚刚已被注册，请直接登录"}) from None
    return user


def login_account(identifier: str) -> User | None:
    """The 个人用户 whose 手机号 or 证件号码 is `identifier` (usernames are looked up first, by the
    login page itself)."""
    text = unicodedata.normalize("NFKC", identifier or "").strip().replace(" ", "").upper()
    if not text or len(text) > 32 or not text.isascii() or not text.isalnum():
        return None
    return db.session.scalar(
        select(User).join(Person, Person.user_id == User.id)
        .where(User.kind == KIND_PERSON, (Person.phone == text) | (Person.id_number == text))
        .order_by((Person.phone == text).desc(), Person.id).limit(1))


def reset_password_by_sms(phone_text: str, code: str, new: str, confirm: str) -> User:
    """忘记密码 of a 个人用户: a 找回密码 code sent to his 手机号 sets a new password (every session of
    the account ends: the session id carries a fingerprint of the hash). PersonRegistrationError
    by field otherwise; the code is only looked at when the rest is right."""
    errors: dict[str, str] = {}
    try:
        phone = check_phone_for_code(phone_text)
    except ValidationError as e:
        errors["phone"], phone = str(e), ""
    check_chosen_password(new, confirm, errors, "new_password", "两次输入的新密码不一致")
    if errors:
        raise PersonRegistrationError(errors)
    try:
        sms.use_code(phone, SmsPurpose.RESET, code)
    except sms.SmsError as e:
        raise PersonRegistrationError({"sms_code": str(e)}) from None
    user = db.session.scalar(select(User).join(Person, Person.user_id == User.id).where(Person.phone == phone))
    if user is None:  # no code is sent to a phone of no account; this is a code from before a change
        raise PersonRegistrationError({"sms_code": "短信验证码已失效，请重新获取"})
    user.password_hash = passwords.hash_chosen(new)
    user.must_change_password = False
    audit.record("password.reset_by_sms", user, f"{user.username} 通过手机短信验证码重置密码", actor=user)
    db.session.flush()
    return user


def send_reset_code(phone_text: str) -> None:
    """找回密码's 获取验证码: sent only to the 手机号 of an account, but answered alike either way
    (nobody learns from it which phones are registered). ValidationError for a malformed phone,
    SmsError when the phone has had too many."""
    phone = check_phone_for_code(phone_text)
    if db.session.scalar(select(Person.id).where(Person.phone == phone)) is None:
        audit.record("password.reset_request", None, f"找回密码未匹配：手机号 {phone}")
        db.session.flush()
        return
    sms.issue_code(phone, SmsPurpose.RESET)
