"""Reading the values of 人员基本信息 and 聘任 from a form or a spreadsheet cell: text, dates, 级别 and
岗位等级, checked with the same Chinese words for both (PeopleError names the form input)."""
from __future__ import annotations

from datetime import date, datetime

from zhicheng import textcheck
from zhicheng.people.models import GRADE_LEVELS, LEVELS
from zhicheng.persons.models import ID_TYPE_LABELS, IdType
from zhicheng.validators import ValidationError


class PeopleError(ValidationError):
    """A 人员 or 聘任 refused: `field` names the form input the message belongs to."""


GENDERS = ("男", "女")
#: Words people write for a 级别 (资格级别 or 岗位级别) in a spreadsheet.
LEVEL_WORDS = {**{label: code for code, label in LEVELS.items()}, **{code: code for code in LEVELS},
               "正高": "senior", "副高": "deputy", "高级": "deputy", "助理级": "junior", "员级": "junior"}
ID_TYPE_WORDS = {**{label: code for code, label in ID_TYPE_LABELS.items()}, **{str(c): str(c) for c in IdType},
                 "身份证": IdType.RESIDENT, "港澳台居民居住证": IdType.HMT_PERMIT}


def text(value, label: str, limit: int, *, required: bool = False, field: str | None = None) -> str:
    """A cell or form value as stripped text, checked for length and invisible characters."""
    if value is None:
        value = ""
    elif isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a spreadsheet cell
    out = str(value).strip()
    if required and not out:
        raise PeopleError(f"请填写{label}", field=field)
    if len(out) > limit:
        raise PeopleError(f"{label}不能超过{limit}字", field=field)
    try:
        return textcheck.check(out, label)
    except ValidationError as e:
        raise PeopleError(str(e), field=field) from None


def parse_date(value, label: str, *, field: str | None = None) -> date | None:
    """A date from a form, a date cell or text such as 2015-06-30, 2015/6/30, 2015.06.30 or
    2015年6月30日 (a month alone, 2015-06, is its first day); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    cleaned = raw.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    parts = [p for p in cleaned.split("-") if p != ""]
    try:
        if len(parts) == 1 and len(parts[0]) == 8 and parts[0].isdigit():
            parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
        numbers = [int(p) for p in parts]
        if len(numbers) == 2:
            numbers.append(1)
        if len(numbers) != 3:
            raise ValueError
        return date(*numbers)
    except ValueError:
        raise PeopleError(f"{label}格式不正确（如2015-06-30）", field=field) from None


def level_code(value, label: str, *, field: str | None = None, required: bool = False) -> str:
    word = text(value, label, 10, field=field).replace(" ", "")
    if not word:
        if required:
            raise PeopleError(f"请选择{label}", field=field)
        return ""
    code = LEVEL_WORDS.get(word)
    if code is None:
        raise PeopleError(f"{label}应为正高级、副高级、中级或初级", field=field)
    return code


def grade_number(value, *, field: str | None = "grade") -> int | None:
    """岗位等级 from 7, 7.0, 七级, 专业技术七级 or 专业技术七级岗位; None when empty."""
    word = text(value, "岗位等级", 20, field=field).replace("专业技术", "").replace("岗位", "").replace("级", "")
    if not word:
        return None
    numerals = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                "十一": 11, "十二": 12, "十三": 13}
    number = numerals.get(word) or (int(word) if word.isdigit() else None)
    if number not in GRADE_LEVELS:
        raise PeopleError("岗位等级应为专业技术一级至十三级", field=field)
    return number
