"""Real-name (KYC) validators of PRODUCT §6.

Pure functions shared by forms, DRF serializers and services: each returns the normalised value
or raises ``django.core.exceptions.ValidationError`` with a ``code`` and a translatable message.
None reads the clock: whatever depends on "today" takes ``as_of``. The rules are written down in
docs/identity.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 30
MIN_AGE = 18
MAX_AGE = 60
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000000")  # the columns hold 12 digits, 2 after the point
MAX_EMPLOYMENT_MONTHS = 1200  # a sanity bound (100 years), not a lending rule

# GB/T 2260 province-level codes: the first two digits of a resident identity number.
PROVINCE_CODES = frozenset(
    [str(code) for code in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))]
    + [str(code) for code in (*range(50, 55), *range(61, 66), 71, 81, 82)]
)

# ISO 7064 MOD 11-2 as GB 11643-1999 applies it: weight 2^(17-i) mod 11 for the i-th of the
# first 17 digits; the weighted sum mod 11 indexes the check character.
_CHECK_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CHINESE_NAME = re.compile(f"[{_HAN}]+(?:·[{_HAN}]+)*")
_LATIN_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
_HAS_HAN = re.compile(f"[{_HAN}]")
# Look-alikes of the middle dot (U+00B7) that phone keyboards produce in minority names.
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("\u2022\u30fb\u2027\uff0e\u2219\u22c5\uff65", "·"))
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ID_STORED = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_PREFIXES = ("+86", "86")


class Sex(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


@dataclass(frozen=True)
class IdentityNumber:
    """A checked PRC resident identity number and what it encodes."""

    number: str  # 18 characters, check character "X" upper-case
    birth_date: date
    province_code: str  # two digits, e.g. "11" for Beijing
    sex: Sex


def validate_full_name(value: str) -> str:
    """Return the real name, stripped: Chinese characters (· between parts) or Latin letters.

    Spaces inside a Chinese name are dropped, look-alike dots become "·", and runs of spaces in a
    Latin name become one. Raises ValidationError: full_name_required, full_name_digits,
    full_name_length, full_name_middle_dot or full_name_characters.
    """
    name = _normalise_name(value)
    if not name:
        raise ValidationError(
            _("Enter the name as it is on the identity card."), "full_name_required"
        )
    if any(character.isdigit() for character in name):
        raise ValidationError(_("A name cannot contain digits."), "full_name_digits")
    if not NAME_MIN_LENGTH <= len(name) <= NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has 2 to 30 characters; this one has %(length)d."),
            "full_name_length",
            {"length": len(name)},
        )
    _check_name_characters(name)
    return name


def _normalise_name(value: str) -> str:
    name = " ".join(value.split()).translate(_MIDDLE_DOTS)
    if _HAS_HAN.search(name):
        name = "".join(name.split())
    return name


def _check_name_characters(name: str) -> None:
    if _CHINESE_NAME.fullmatch(name) or _LATIN_NAME.fullmatch(name):
        return
    if "·" in name and _CHINESE_NAME.fullmatch(name.replace("·", "")):
        raise ValidationError(
            _("The middle dot (·) goes between two parts of a name, once."),
            "full_name_middle_dot",
        )
    raise ValidationError(
        _("Use Chinese characters (· between the parts of a name) or Latin letters and spaces."),
        "full_name_characters",
    )


def normalise_id_number(value: str) -> str:
    """Return the identity number as stored: full-width folded, spaces dropped, "x" upper-cased."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def id_number_check_character(first_17_digits: str) -> str:
    """Return the GB 11643-1999 (ISO 7064 MOD 11-2) check character of 17 ASCII digits."""
    weighted = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, _CHECK_WEIGHTS, strict=True)
    )
    return _CHECK_CHARACTERS[weighted % 11]


def validate_id_number(value: str) -> IdentityNumber:
    """Check a PRC resident identity number (GB 11643-1999) and return what it encodes.

    Accepts a lower-case "x", full-width digits and spaces. Raises ValidationError with
    id_number_length or id_number_format alone, else with every one of id_number_province,
    id_number_birth_date and id_number_checksum that applies.
    """
    number = normalise_id_number(value)
    _check_id_shape(number)
    errors: list[ValidationError] = []
    for check in (_check_province, _check_birth_date, _check_checksum):
        try:
            check(number)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return IdentityNumber(
        number=number,
        birth_date=_birth_date(number[6:14]),
        province_code=number[:2],
        sex=Sex.MALE if int(number[16]) % 2 else Sex.FEMALE,  # the sequence's last digit
    )


def id_number_is_valid(number: str) -> bool:
    """True when ``number`` is an identity number in its stored form (as ``normalise_id_number``
    leaves it) that ``validate_id_number`` accepts: the same rules, without building errors or
    an ``IdentityNumber``. For reading many stored numbers at once (the bureau export); any
    other text answers False, and the caller may still try ``validate_id_number`` on it.
    """
    if len(number) != 18 or not _ID_STORED.fullmatch(number) or number[:2] not in PROVINCE_CODES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born >= EARLIEST_BIRTH_DATE and id_number_check_character(number[:17]) == number[17]


def _check_id_shape(number: str) -> None:
    if len(number) != 18:
        raise ValidationError(
            _("An identity number has 18 characters; this one has %(length)d."),
            "id_number_length",
            {"length": len(number)},
        )
    if not _ASCII_DIGITS.fullmatch(number[:17]) or number[17] not in "0123456789X":
        raise ValidationError(
            _("An identity number is 17 digits followed by a digit or X."), "id_number_format"
        )


def _check_province(number: str) -> None:
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("Province code %(code)s is not a province of the PRC."),
            "id_number_province",
            {"code": number[:2]},
        )


def _check_birth_date(number: str) -> None:
    _birth_date(number[6:14])


def _birth_date(digits: str) -> date:
    try:
        birth_date = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            _("Birth date %(value)s is not a real date."), "id_number_birth_date", {"value": digits}
        ) from None
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("Birth date %(value)s is before 1900-01-01."),
            "id_number_birth_date",
            {"value": digits},
        )
    return birth_date


def _check_checksum(number: str) -> None:
    if id_number_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character does not match the first 17 digits; check for a typo."),
            "id_number_checksum",
        )


def age_on(*, birth_date: date, as_of: date) -> int:
    """Return the age in completed years on as_of (a 29 February birthday counts on 1 March)."""
    had_birthday = (as_of.month, as_of.day) >= (birth_date.month, birth_date.day)
    return as_of.year - birth_date.year - (0 if had_birthday else 1)


def validate_age(*, birth_date: date, as_of: date) -> int:
    """Return the age on as_of if it is 18 to 60 inclusive (PRODUCT §6).

    Raises ValidationError age_below_minimum or age_above_maximum.
    """
    age = age_on(birth_date=birth_date, as_of=as_of)
    if age < MIN_AGE:
        raise ValidationError(
            _("The applicant is %(age)d; the minimum age is 18."), "age_below_minimum", {"age": age}
        )
    if age > MAX_AGE:
        raise ValidationError(
            _("The applicant is %(age)d; the maximum age is 60."), "age_above_maximum", {"age": age}
        )
    return age


def validate_mobile(value: str) -> str:
    """Return the 11-digit mainland mobile number; "+86"/"86", spaces and dashes are dropped.

    Raises ValidationError mobile_format, mobile_length or mobile_prefix.
    """
    number = _strip_characters(value, " -")
    for prefix in _MOBILE_PREFIXES:
        if number.startswith(prefix):
            number = number.removeprefix(prefix)
            break
    if not _ASCII_DIGITS.fullmatch(number):
        raise ValidationError(
            _("A mobile number has only digits (an optional +86, spaces and dashes aside)."),
            "mobile_format",
        )
    if len(number) != 11:
        raise ValidationError(
            _("A mobile number has 11 digits; this one has %(length)d."),
            "mobile_length",
            {"length": len(number)},
        )
    if number[0] != "1" or number[1] not in "3456789":
        raise ValidationError(_("A mobile number starts with 13 to 19."), "mobile_prefix")
    return number


def validate_bank_card(value: str) -> str:
    """Return the bank card number as digits only (spaces dropped), 16 to 19 long, Luhn-valid.

    Raises ValidationError bank_card_format, bank_card_length or bank_card_checksum.
    """
    number = _strip_characters(value, " ")
    if not _ASCII_DIGITS.fullmatch(number):
        raise ValidationError(_("A bank card number has only digits."), "bank_card_format")
    if not 16 <= len(number) <= 19:
        raise ValidationError(
            _("A bank card number has 16 to 19 digits; this one has %(length)d."),
            "bank_card_length",
            {"length": len(number)},
        )
    if not luhn.is_valid(number):
        raise ValidationError(
            _("The bank card number fails its check digit (Luhn); check for a typo."),
            "bank_card_checksum",
        )
    return number


def _strip_characters(value: str, characters: str) -> str:
    folded = unicodedata.normalize("NFKC", value).strip()
    return "".join(character for character in folded if character not in characters)


def validate_amount(value: Decimal) -> Decimal:
    """Return a monthly amount in yuan as a Decimal with 2 places: finite, ≥ 0, at most 2 places.

    Raises TypeError for anything but a Decimal (a float is a programming error), and
    ValidationError amount_invalid, amount_negative, amount_too_large or amount_precision.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"an amount must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValidationError(_("Enter an amount."), "amount_invalid")
    if value < 0:
        raise ValidationError(_("An amount cannot be negative."), "amount_negative")
    if value >= MAX_AMOUNT:
        raise ValidationError(_("This amount is too large."), "amount_too_large")
    cents = value.quantize(CENT, rounding=ROUND_DOWN)
    if cents != value:
        raise ValidationError(_("An amount has at most 2 decimal places."), "amount_precision")
    return cents


def validate_employment_months(value: int) -> int:
    """Return the months in the current job: a whole number from 0 to 1200.

    Raises ValidationError employment_months_invalid.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_EMPLOYMENT_MONTHS
    ):
        raise ValidationError(
            _("Employment length is a whole number of months from 0 to 1200."),
            "employment_months_invalid",
        )
    return value
