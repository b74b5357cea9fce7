"""USCC (GB 32100-2015), ID card (GB 11643-1999) and phone-number checks, with Chinese messages.

The check-digit arithmetic is python-stdnum's; this module only maps its exceptions to
the messages users read and adds the legacy-code rule.

Numbers are stored in ASCII: full-width input (１２３, Ｘ) is normalised (NFKC), and digits of
other scripts (١٢٣, ١٣٨…), which Python's \\d and str.isdigit() accept, are refused; a number
stored as typed would escape exact search and duplicate checks.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as sx
from stdnum.cn import ric, uscc

from zhicheng.domain import DomainError


class ValidationError(DomainError, ValueError):
    pass


def ascii_form(value: str | None, label: str) -> str:
    """`value` in NFKC (full-width digits and letters become ASCII); a digit that is still not
    ASCII afterwards is refused with a message naming the field."""
    text = unicodedata.normalize("NFKC", value or "")
    if text.isascii():  # the usual case, and nothing to refuse (imports check thousands of numbers)
        return text
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise ValidationError(f"{label}只能使用数字0-9，不能使用其他文字的数字")
    return text


def ascii_digits(value: str | None) -> str:
    """Full-width digits and letters as ASCII, the rest unchanged: for search terms, which may be
    names as well as numbers (NFKC would also change other characters of a name)."""
    return (value or "").translate(_FULLWIDTH)


_FULLWIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                               *range(0xFF41, 0xFF5B))}


@dataclass
class UsccResult:
    code: str
    checksum_ok: bool


def check_uscc(value: str) -> UsccResult:
    """Return the normalised code; a code that fails only its check digit comes back with
    checksum_ok=False (legacy codes exist and may be accepted with a recorded reason)."""
    code = ascii_form(value, "统一社会信用代码").strip().upper().replace(" ", "")
    if not code:
        raise ValidationError("请填写机构代码（统一社会信用代码）")
    try:
        return UsccResult(uscc.validate(code), True)
    except sx.InvalidLength:
        raise ValidationError("统一社会信用代码应为18位") from None
    except sx.InvalidChecksum:
        return UsccResult(code, False)
    except sx.ValidationError:
        raise ValidationError("统一社会信用代码格式不正确：前8位为数字，其余为数字或大写字母（不含I、O、Z、S、V）") from None


def check_id_card(value: str) -> str:
    """Return the 18-character ID number with an upper-case X, or raise with a Chinese message."""
    number = ascii_form(value, "身份证号").strip().replace(" ", "").upper()
    if not number:
        raise ValidationError("请填写身份证号")
    if len(number) != 18:
        raise ValidationError("身份证号应为18位")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError("身份证号格式不正确：前17位为数字，最后一位为数字或X")
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError("身份证号中的出生日期不正确") from None
    if born > date.today():
        raise ValidationError("身份证号中的出生日期不正确")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("身份证号校验位不正确，请核对")
    return number


def birth_date_of(id_card: str) -> date:
    """The date of birth written in an 18-digit number (ValueError when it is no date): what
    stdnum's ric.get_birth_date reads, without cleaning the number again."""
    return date(int(id_card[6:10]), int(id_card[10:12]), int(id_card[12:14]))


def gender_of(id_card: str) -> str:
    return "男" if int(id_card[16]) % 2 else "女"


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")


def check_mobile(value: str) -> str:
    """Strip +86 / 0086 and separators; the rest must be a mainland mobile number."""
    number = re.sub(r"[\s\-()]", "", ascii_form(value, "手机号码"))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if not _MOBILE.fullmatch(number):
        raise ValidationError("手机号码格式不正确，应为11位手机号")
    return number


def check_phone(value: str) -> str:
    """联系电话: a mobile number, or a landline with its area code (0571-87654321, extension after
    a second hyphen)."""
    number = re.sub(r"\s", "", ascii_form(value, "联系电话"))
    if _LANDLINE.fullmatch(number):
        return number
    try:
        return check_mobile(number)
    except ValidationError:
        raise ValidationError("联系电话格式不正确，应为手机号或带区号的固定电话（如0571-87654321）") from None


_USERNAME = re.compile(r"[A-Za-z0-9]{3,64}")


def check_username(value: str) -> str:
    name = (value or "").strip()
    if not _USERNAME.fullmatch(name):
        raise ValidationError("用户账号只能由字母和数字组成，3至64位")
    return name


def check_password_rule(value: str) -> str:
    if len(value or "") < 8 or not re.search(r"[A-Za-z]", value) or not re.search(r"[0-9]", value):
        raise ValidationError("密码至少8位，且须同时包含字母和数字")
    return value


def check_chosen_password(password: str, confirm: str, errors: dict[str, str], field: str = "password",
                          mismatch: str = "两次输入的密码不一致") -> None:
    """A password chosen on a form and its confirmation, into `errors` by field: the rule's message
    under `field`, else `mismatch` under "confirm"."""
    try:
        check_password_rule(password)
    except ValidationError as e:
        errors[field] = str(e)
    else:
        if password != confirm:
            errors["confirm"] = mismatch


def not_repeated(seen: dict, key, label: str) -> None:
    """An imported file's rows: a key (机构代码, 身份证号, 证书编号 …) that an earlier accepted row
    of the same file had is refused with that row's line (`seen`: key → line, kept by the caller)."""
    if key in seen:
        raise ValidationError(f"与第{seen[key]}行的{label}重复")


def refuse_row(report: list, entry: dict, error: Exception, status: str = "rejected") -> None:
    """An imported row that is not applied: into the report with the reason."""
    entry.update(status=status, reason=str(error))
    report.append(entry)
