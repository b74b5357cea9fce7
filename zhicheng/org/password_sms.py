"""单位用户忘记密码 by a 工作人员's phone (职称申报业务操作指南——单位系统, 单位帐户密码丢失): the unit is
named by its 归口部门 and 统一社会信用代码, one of its 工作人员 by his 证件号码 (a 工作账号 of the unit, or a
person the unit confirmed as its own through 所属单位); the SMS code goes to the phone that 工作人员
has in the system (zhicheng.persons.sms), and with it a new password is set for the unit account.
Without a 工作人员 with a phone, the manual's way remains: the 归口部门 resets it.

The answer to 获取验证码 is the same whether or not the unit and 工作人员 matched (nobody learns from
it who works where); the refusal comes at 重置密码 as a wrong or expired code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_SUB, KIND_UNIT, User
from zhicheng.extensions import db
from zhicheng.org.models import Department, Unit
from zhicheng.org.registration import RegistrationError
from zhicheng.persons import sms
from zhicheng.persons.models import IdType, Membership, MembershipState, Person, SmsPurpose
from zhicheng.persons.services import normalise_id_number
from zhicheng.system import audit
from zhicheng.validators import ValidationError, ascii_digits, check_chosen_password, check_id_card, check_uscc

#: Digits (with a final X): meant as a 身份证 / 居住证 number, checked by check_id_card; anything
#: else with letters is taken as a passport number.
_LOOKS_LIKE_ID_CARD = re.compile(r"\d+X?")


class UnitResetError(RegistrationError):
    """A refused 找回密码, with a message per form field."""


@dataclass
class UnitResetData:
    department_id: int | None = None
    uscc: str = ""
    id_card: str = ""
    sms_code: str = ""
    new_password: str = ""
    confirm: str = ""


def _identify(data: UnitResetData, errors: dict[str, str]) -> tuple[str, str]:
    dept = db.session.get(Department, data.department_id) if data.department_id else None
    if dept is None or dept.is_root:
        errors["department_id"] = "请选择单位注册时的归口部门"
    code = number = ""
    try:
        code = check_uscc(data.uscc).code
    except ValidationError as e:
        errors["uscc"] = str(e)
    raw = ascii_digits(data.id_card or "").strip().upper()
    try:
        if _LOOKS_LIKE_ID_CARD.fullmatch(raw) or not raw:
            number = check_id_card(raw)
        else:  # a 工作人员 who registered with a passport (个人用户 confirmed through 所属单位)
            number = normalise_id_number(IdType.PASSPORT, raw)
    except ValidationError as e:
        errors["id_card"] = str(e).replace("身份证号", "工作人员证件号码")
    return code, number


@dataclass
class _Match:
    account: User  # the unit's own account, whose password is reset
    staff_name: str  # the 工作人员 the code goes to
    phone: str


def _match(department_id: int, code: str, number: str) -> _Match | None:
    """The unit account and the 工作人员 for a unit and a staff ID number, or None. A 工作人员 is an
    open 工作账号 of the unit with that 身份证号 and a phone, or a 个人用户 the unit has confirmed
    (所属单位, zhicheng.persons.membership) whose 证件号码 it is, at his registered 手机号."""
    unit = db.session.scalar(select(Unit).where(Unit.department_id == department_id, Unit.uscc == code))
    if unit is None:
        return None
    account = db.session.scalar(select(User).where(User.kind == KIND_UNIT, User.unit_id == unit.id))
    if account is None:
        return None
    id_card = bool(_LOOKS_LIKE_ID_CARD.fullmatch(number))
    staff = db.session.scalar(select(User).where(User.kind == KIND_SUB, User.unit_id == unit.id,
                                                 User.id_card == number, User.enabled.is_(True), User.phone != "")
                              .order_by(User.id).limit(1)) if id_card else None
    if staff is not None:
        return _Match(account, staff.display_name, staff.phone)
    kinds = (IdType.RESIDENT, IdType.HMT_PERMIT) if id_card else (IdType.PASSPORT,)
    person = db.session.scalar(
        select(Person).join(User, User.id == Person.user_id)
        .join(Membership, Membership.user_id == Person.user_id)
        .where(Membership.unit_id == unit.id, Membership.state == MembershipState.CONFIRMED,
               Person.id_number == number, Person.id_type.in_(kinds),
               User.enabled.is_(True), Person.phone != "")
        .order_by(Membership.id.desc()).limit(1))
    if person is not None:
        return _Match(account, person.name, person.phone)
    return None


def send_code(data: UnitResetData) -> None:
    """获取验证码: UnitResetError for malformed input; sms.SmsError when the phone had too many."""
    errors: dict[str, str] = {}
    code, number = _identify(data, errors)
    if errors:
        raise UnitResetError(errors)
    found = _match(data.department_id, code, number)
    if found is None:
        audit.record("password.unit_reset_request", None, f"单位找回密码未匹配：机构代码 {code}")
        db.session.flush()
        return
    audit.record("password.unit_reset_request", found.account,
                 f"单位找回密码：验证码发送至工作人员 {found.staff_name} 的手机", actor=None)
    try:
        sms.issue_code(found.phone, SmsPurpose.UNIT_RESET)
    except sms.SmsError as e:
        raise UnitResetError({"id_card": str(e)}) from None


def reset_password(data: UnitResetData) -> User:
    """重置密码: the code sent to the 工作人员's phone sets the unit account's new password (every session
    of it ends). UnitResetError by field; the code is looked at only when the rest is right."""
    errors: dict[str, str] = {}
    code, number = _identify(data, errors)
    check_chosen_password(data.new_password, data.confirm, errors, "new_password", "两次输入的新密码不一致")
    if not (data.sms_code or "").strip():
        errors["sms_code"] = "请输入短信验证码"
    if errors:
        raise UnitResetError(errors)
    found = _match(data.department_id, code, number)
    if found is None:
        raise UnitResetError({"sms_code": "短信验证码不正确或已失效，请核对单位和工作人员信息后重新获取"})
    account = found.account
    try:
        sms.use_code(found.phone, SmsPurpose.UNIT_RESET, data.sms_code)
    except sms.SmsError as e:
        raise UnitResetError({"sms_code": str(e)}) from None
    account.password_hash = passwords.hash_chosen(data.new_password)
    account.must_change_password = False
    audit.record("password.reset_by_unit_sms", account,
                 f"{account.username} 通过工作人员 {found.staff_name} 的手机短信验证码重置单位密码", actor=account)
    db.session.flush()
    return account
