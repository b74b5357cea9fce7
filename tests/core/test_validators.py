"""USCC, ID card, mobile number and username checks, with the messages users read."""
import pytest

from zhicheng.validators import (
    ValidationError,
    check_id_card,
    check_mobile,
    check_password_rule,
    check_uscc,
    check_username,
)

from ..factories import make_id_card, make_uscc

VALID_USCC = "91330106MA00000016"  # make_uscc(1)


def test_valid_uscc_is_accepted_and_normalised():
    assert make_uscc(1) == VALID_USCC
    result = check_uscc(" 91330106ma00000016 ")
    assert result.code == VALID_USCC
    assert result.checksum_ok is True


def test_wrong_check_character_is_flagged_not_refused():
    result = check_uscc(VALID_USCC[:-1] + "7")
    assert result.code == VALID_USCC[:-1] + "7"
    assert result.checksum_ok is False


def test_valid_code_whose_check_character_is_zero():
    result = check_uscc("91330106MA00000190")
    assert result.checksum_ok is True
    assert result.code.endswith("0")


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_uscc_alphabet_are_refused(letter):
    code = VALID_USCC[:10] + letter + VALID_USCC[11:]
    with pytest.raises(ValidationError, match="不含I、O、Z、S、V"):
        check_uscc(code)


@pytest.mark.parametrize("code", [VALID_USCC[:-1], VALID_USCC + "1", "123"])
def test_wrong_length_is_refused(code):
    with pytest.raises(ValidationError, match="18位"):
        check_uscc(code)


def test_empty_uscc_asks_for_it():
    with pytest.raises(ValidationError, match="请填写机构代码"):
        check_uscc("  ")


def test_valid_id_card():
    number = make_id_card()
    assert check_id_card(number) == number


def test_lower_case_x_is_normalised_to_upper_case():
    number = "11010519491231002X"
    assert check_id_card(number.lower()) == number


def test_id_card_with_impossible_birth_date_is_refused():
    valid = make_id_card()
    with pytest.raises(ValidationError, match="出生日期"):
        check_id_card(valid[:6] + "19901340" + valid[14:])


def test_id_card_with_wrong_check_digit_is_refused():
    number = make_id_card()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationError, match="校验位"):
        check_id_card(wrong)


@pytest.mark.parametrize("raw", ["+86 138 0013 8000", "0086-13800138000", " 13800138000 ", "+8613800138000"])
def test_mobile_prefixes_and_separators_are_stripped(raw):
    assert check_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12345", "12800138000", "138001380001", ""])
def test_bad_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="手机号码"):
        check_mobile(raw)


@pytest.mark.parametrize("name", ["unit2024", "ABCdef", "abc"])
def test_username_letters_and_digits(name):
    assert check_username(name) == name


@pytest.mark.parametrize("name", ["单位用户", "unit_a", "unit a", "unit-a", "ab", "a.b.c", ""])
def test_username_with_other_characters_is_refused(name):
    with pytest.raises(ValidationError, match="只能由字母和数字组成"):
        check_username(name)


@pytest.mark.parametrize("pw", ["123456", "abcdefgh", "12345678", "Ab1"])
def test_password_rule_refuses_weak_passwords(pw):
    with pytest.raises(ValidationError, match="至少8位"):
        check_password_rule(pw)


def test_password_rule_accepts_letters_and_digits():
    assert check_password_rule("abcd1234") == "abcd1234"
