from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    IdentityNumber,
    Sex,
    age_on,
    id_number_check_character,
    validate_age,
    validate_amount,
    validate_bank_card,
    validate_employment_months,
    validate_full_name,
    validate_id_number,
    validate_mobile,
)


def full_width(text: str) -> str:
    """Return text as a Chinese keyboard in full-width mode types it ("1" → U+FF11)."""
    return "".join(chr(ord(character) + 0xFEE0) for character in text)


def codes(error: ValidationError) -> list[str | None]:
    return [item.code for item in error.error_list]


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- full name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张三"),
        ("  欧阳娜娜 ", "欧阳娜娜"),
        ("张 三", "张三"),  # a space typed inside a Chinese name
        ("阿卜杜热西提·买买提", "阿卜杜热西提·买买提"),
        ("阿卜杜热西提•买买提", "阿卜杜热西提·买买提"),  # bullet look-alike folded to U+00B7
        ("阿卜杜热西提・买买提", "阿卜杜热西提·买买提"),  # katakana middle dot
        ("John Smith", "John Smith"),
        ("  John   Smith ", "John Smith"),
        ("Li", "Li"),
        ("䶮李", "䶮李"),  # CJK extension A
        ("𠀀李", "𠀀李"),  # CJK extension B (outside the BMP)
        ("王" * 30, "王" * 30),
    ],
)
def test_full_name_accepted(value, expected):
    assert validate_full_name(value) == expected


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "full_name_required", "Enter the name as it is on the identity card."),
        ("   ", "full_name_required", "Enter the name as it is on the identity card."),
        ("张三3", "full_name_digits", "A name cannot contain digits."),
        ("John Smith 2", "full_name_digits", "A name cannot contain digits."),
        (
            full_width("张3"),
            "full_name_digits",
            "A name cannot contain digits.",
        ),  # full-width digit
        ("张", "full_name_length", "A name has 2 to 30 characters; this one has 1."),
        ("J", "full_name_length", "A name has 2 to 30 characters; this one has 1."),
        ("王" * 31, "full_name_length", "A name has 2 to 30 characters; this one has 31."),
        (
            "·买买提",
            "full_name_middle_dot",
            "The middle dot (·) goes between two parts of a name, once.",
        ),
        (
            "买买提··阿",
            "full_name_middle_dot",
            "The middle dot (·) goes between two parts of a name, once.",
        ),
        (
            "张John",
            "full_name_characters",
            "Use Chinese characters (· between the parts of a name) or Latin letters and spaces.",
        ),
        (
            "O'Brien",
            "full_name_characters",
            "Use Chinese characters (· between the parts of a name) or Latin letters and spaces.",
        ),
        (
            "Zoë Li",
            "full_name_characters",
            "Use Chinese characters (· between the parts of a name) or Latin letters and spaces.",
        ),
    ],
)
def test_full_name_refused(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_full_name(value)
    assert codes(caught.value) == [code]
    assert messages(caught.value) == [message]


# --- identity number -----------------------------------------------------------------------


def test_published_example():
    # The example of GB 11643-1999: a woman born in Chaoyang, Beijing on 1949-12-31.
    assert validate_id_number("11010519491231002X") == IdentityNumber(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        province_code="11",
        sex=Sex.FEMALE,
    )


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002x",  # lower-case x
        " 11010519491231002X ",
        "110105 19491231 002X",
        full_width("11010519491231002x"),
    ],
)
def test_id_number_normalised(value):
    assert validate_id_number(value).number == "11010519491231002X"


@pytest.mark.parametrize(
    ("first_17", "check"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("36042619910101007", "1"),
        ("00000000000000000", "1"),  # sum 0 → "1"
    ],
)
def test_check_character(first_17, check):
    assert id_number_check_character(first_17) == check


def test_check_weights_are_gb_11643():
    # Each weight shows through a single 1 among zeros: (1 - weight) mod 11 → "10X98765432".
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for position, weight in enumerate(weights):
        digits = "0" * position + "1" + "0" * (16 - position)
        assert id_number_check_character(digits) == "10X98765432"[weight % 11]


def test_sex_from_sequence_digit():
    male = "11010519491231001"
    assert validate_id_number(male + id_number_check_character(male)).sex == Sex.MALE


def with_check(first_17: str) -> str:
    return first_17 + id_number_check_character(first_17)


@pytest.mark.parametrize(
    ("value", "birth_date"),
    [
        (with_check("11010520000229123"), date(2000, 2, 29)),  # leap year (÷400)
        (with_check("11010519960229123"), date(1996, 2, 29)),
        (with_check("11010519000101123"), date(1900, 1, 1)),  # earliest accepted
    ],
)
def test_real_birth_dates(value, birth_date):
    assert validate_id_number(value).birth_date == birth_date


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (with_check("11010519990229123"), "Birth date 19990229 is not a real date."),
        (with_check("11010519000229123"), "Birth date 19000229 is not a real date."),  # ÷100
        (with_check("11010519990230123"), "Birth date 19990230 is not a real date."),
        (with_check("11010519991301123"), "Birth date 19991301 is not a real date."),
        (with_check("11010519990001123"), "Birth date 19990001 is not a real date."),
        (with_check("11010519990431123"), "Birth date 19990431 is not a real date."),
        (with_check("11010518991231123"), "Birth date 18991231 is before 1900-01-01."),
    ],
)
def test_unreal_birth_dates(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value)
    assert codes(caught.value) == ["id_number_birth_date"]
    assert messages(caught.value) == [message]


@pytest.mark.parametrize("province", ["11", "15", "21", "37", "46", "50", "54", "65", "71", "82"])
def test_valid_provinces(province):
    assert validate_id_number(with_check(f"{province}010519491231002")).province_code == province


@pytest.mark.parametrize(
    "province", ["99", "00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "70", "83"]
)
def test_invalid_provinces(province):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(with_check(f"{province}010519491231002"))
    assert codes(caught.value) == ["id_number_province"]
    assert messages(caught.value) == [f"Province code {province} is not a province of the PRC."]


@pytest.mark.parametrize("wrong", ["0", "1", "2", "9"])
def test_wrong_check_character(wrong):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(f"11010519491231002{wrong}")
    assert codes(caught.value) == ["id_number_checksum"]
    assert messages(caught.value) == [
        "The check character does not match the first 17 digits; check for a typo."
    ]


def test_transposed_digits_caught():
    with pytest.raises(ValidationError):
        validate_id_number("11010519491321002X")


def test_every_problem_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("990105199902300021")
    assert codes(caught.value) == [
        "id_number_province",
        "id_number_birth_date",
        "id_number_checksum",
    ]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "id_number_length", "An identity number has 18 characters; this one has 0."),
        (
            "1101051949123100",
            "id_number_length",
            "An identity number has 18 characters; this one has 16.",
        ),
        (
            "11010519491231002X1",
            "id_number_length",
            "An identity number has 18 characters; this one has 19.",
        ),
        (  # the old 15-digit number (before 1999) is not accepted
            "110105491231002",
            "id_number_length",
            "An identity number has 18 characters; this one has 15.",
        ),
        (
            "1101051949123100XX",
            "id_number_format",
            "An identity number is 17 digits followed by a digit or X.",
        ),
        (
            "11010519491231002Y",
            "id_number_format",
            "An identity number is 17 digits followed by a digit or X.",
        ),
        (
            "1101051949-231002X",
            "id_number_format",
            "An identity number is 17 digits followed by a digit or X.",
        ),
        (
            "11010519491231\u0660\u06602X",  # Arabic-Indic digits: isdigit() says yes, we say no
            "id_number_format",
            "An identity number is 17 digits followed by a digit or X.",
        ),
    ],
)
def test_id_number_shape(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value)
    assert codes(caught.value) == [code]
    assert messages(caught.value) == [message]


# --- age -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "as_of", "age"),
    [
        (date(2008, 12, 1), date(2026, 12, 1), 18),  # 18th birthday
        (date(1966, 12, 2), date(2026, 12, 1), 59),
        (date(1966, 12, 1), date(2026, 12, 1), 60),  # 60th birthday
        (date(1965, 12, 2), date(2026, 12, 1), 60),  # the day before the 61st
    ],
)
def test_age_accepted(birth_date, as_of, age):
    assert validate_age(birth_date=birth_date, as_of=as_of) == age


@pytest.mark.parametrize(
    ("birth_date", "as_of", "code", "message"),
    [
        (
            date(2008, 12, 2),
            date(2026, 12, 1),
            "age_below_minimum",
            "The applicant is 17; the minimum age is 18.",
        ),
        (
            date(1965, 12, 1),
            date(2026, 12, 1),
            "age_above_maximum",
            "The applicant is 61; the maximum age is 60.",
        ),
        (
            date(2030, 1, 1),
            date(2026, 12, 1),
            "age_below_minimum",
            "The applicant is -4; the minimum age is 18.",
        ),
    ],
)
def test_age_refused(birth_date, as_of, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_age(birth_date=birth_date, as_of=as_of)
    assert codes(caught.value) == [code]
    assert messages(caught.value) == [message]


@pytest.mark.parametrize(
    ("as_of", "age"),
    [
        (date(2026, 2, 28), 17),  # common year: no 29 February
        (date(2026, 3, 1), 18),  # ... so the birthday counts on 1 March
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # leap year: on the day
    ],
)
def test_age_of_a_leap_day_birth(as_of, age):
    assert age_on(birth_date=date(2008, 2, 29), as_of=as_of) == age


# --- mobile --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+8613812345678",
        "8613812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        " +86-138-1234-5678 ",
        full_width("13812345678"),
    ],
)
def test_mobile_accepted(value):
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_prefixes(prefix):
    assert validate_mobile(f"{prefix}012345678") == f"{prefix}012345678"


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (
            "",
            "mobile_format",
            "A mobile number has only digits (an optional +86, spaces and dashes aside).",
        ),
        (
            "(138)12345678",
            "mobile_format",
            "A mobile number has only digits (an optional +86, spaces and dashes aside).",
        ),
        (
            "+85213812345678",  # Hong Kong: +852 is not +86
            "mobile_format",
            "A mobile number has only digits (an optional +86, spaces and dashes aside).",
        ),
        ("1381234567", "mobile_length", "A mobile number has 11 digits; this one has 10."),
        ("138123456789", "mobile_length", "A mobile number has 11 digits; this one has 12."),
        ("+86138123456789", "mobile_length", "A mobile number has 11 digits; this one has 12."),
        ("12812345678", "mobile_prefix", "A mobile number starts with 13 to 19."),
        ("23812345678", "mobile_prefix", "A mobile number starts with 13 to 19."),
        ("01381234567", "mobile_prefix", "A mobile number starts with 13 to 19."),
    ],
)
def test_mobile_refused(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_mobile(value)
    assert codes(caught.value) == [code]
    assert messages(caught.value) == [message]


# --- bank card -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6222020200112345679", "6222020200112345679"),  # 19 digits
        ("4111111111111111", "4111111111111111"),  # 16
        ("4111 1111 1111 1111", "4111111111111111"),
        ("62220202001234562", "62220202001234562"),  # 17
        ("622202020012345679", "622202020012345679"),  # 18
    ],
)
def test_bank_card_accepted(value, expected):
    assert validate_bank_card(value) == expected


LUHN_MESSAGE = "The bank card number fails its check digit (Luhn); check for a typo."
CARD_LENGTH_MESSAGE = "A bank card number has 16 to 19 digits; this one has"


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("4111111111111112", "bank_card_checksum", LUHN_MESSAGE),
        ("6222020200112345670", "bank_card_checksum", LUHN_MESSAGE),
        ("411111111111111", "bank_card_length", f"{CARD_LENGTH_MESSAGE} 15."),
        ("41111111111111111111", "bank_card_length", f"{CARD_LENGTH_MESSAGE} 20."),
        ("4111-1111-1111-1111", "bank_card_format", "A bank card number has only digits."),
        ("", "bank_card_format", "A bank card number has only digits."),
    ],
)
def test_bank_card_refused(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_bank_card(value)
    assert codes(caught.value) == [code]
    assert messages(caught.value) == [message]


# --- amounts and employment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0.00"),
        ("15000", "15000.00"),
        ("2000.5", "2000.50"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_amount_accepted(value, expected):
    assert str(validate_amount(Decimal(value))) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-0.01", "amount_negative"),
        ("0.001", "amount_precision"),
        ("10000000000", "amount_too_large"),
        ("NaN", "amount_invalid"),
        ("Infinity", "amount_invalid"),
    ],
)
def test_amount_refused(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_amount(Decimal(value))
    assert codes(caught.value) == [code]


def test_amount_refuses_a_float():
    with pytest.raises(TypeError):
        validate_amount(15000.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, 48, 1200])
def test_employment_months_accepted(value):
    assert validate_employment_months(value) == value


@pytest.mark.parametrize("value", [-1, 1201, True, 4.5])
def test_employment_months_refused(value):
    with pytest.raises(ValidationError) as caught:
        validate_employment_months(value)
    assert codes(caught.value) == ["employment_months_invalid"]
