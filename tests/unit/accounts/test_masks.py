"""Masks that leave at least a million candidates (issue #16 hole 3, docs/identity.md).

Before #16 an identity number was shown as its first 4 and last 4 characters next to the birth
date in clear: the sequence number and check character were visible, and a handful of numbers
fitted. The counts below are exact enumerations (tests/unit/accounts/candidates.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from stdnum import luhn

from accounts import crypto
from accounts.validators import Sex, id_number_check_character, validate_id_number
from tests.unit.accounts.candidates import (
    birth_dates_at_registration,
    card_candidates,
    division_codes,
    fits,
    identity_candidates,
    mobile_candidates,
)

A_MILLION = 1_000_000
REGISTERED = date(2026, 12, 1)


def identity_number(region: str, born: date, sequence: str) -> str:
    first_17 = f"{region}{born:%Y%m%d}{sequence}"
    return first_17 + id_number_check_character(first_17)


def worst_prefix() -> str:
    """The shown prefix with the fewest division codes behind it (one: 139, 710, 810, ...)."""
    counts = Counter(code[: crypto.ID_NUMBER_VISIBLE[0]] for code in division_codes())
    return min(sorted(counts), key=lambda prefix: counts[prefix])


SAMPLES = [
    identity_number("110105", date(1990, 5, 17), "123"),  # Beijing, Chaoyang
    identity_number("440305", date(1966, 1, 1), "998"),  # Shenzhen, Nanshan: 60 at registration
    identity_number("810000", date(1985, 2, 28), "457"),  # Hong Kong: one division code
    identity_number("820000", date(2000, 2, 29), "002"),  # Macau
    identity_number("710000", date(2008, 12, 1), "781"),  # Taiwan: 18 on the day
    identity_number("139001", date(1979, 7, 7), "000"),  # the only code under "139"
]


@pytest.mark.parametrize(
    ("function", "number", "shown"),
    [
        (crypto.mask_id_number, "11010519491231002X", "110***************"),
        (crypto.mask_bank_card, "6222020200112345679", "622**************79"),
        (crypto.mask_bank_card, "4111111111111111", "411***********11"),
        (crypto.mask_mobile, "13800138000", "1********00"),
    ],
)
def test_what_each_mask_shows(function, number, shown):
    assert function(number) == shown


@pytest.mark.parametrize(
    ("text", "first", "last", "expected"),
    [
        ("123456789", 3, 2, "123****89"),
        ("12345", 3, 2, "*****"),
        ("1234", 3, 0, "123*"),
        ("", 1, 2, ""),
    ],
)
def test_mask_hides_all_of_a_text_it_would_otherwise_show_whole(text, first, last, expected):
    assert crypto.mask(text, first=first, last=last) == expected


@pytest.mark.parametrize("number", SAMPLES)
def test_a_shown_identity_number_leaves_a_million_candidates_even_with_the_sex_known(number):
    identity = validate_id_number(number)
    shown = crypto.mask_id_number(number)
    window = birth_dates_at_registration(REGISTERED)
    assert fits(number, shown)  # the true number is among those counted
    assert identity.birth_date in window

    # The pages show the mask and the registration date (ages 18-60 then), no age or band; the
    # name may give the sex away, so it is counted as known.
    candidates = identity_candidates(shown, birth_dates=window, sex=identity.sex)

    assert candidates >= A_MILLION


def test_the_fewest_division_codes_behind_a_shown_prefix_still_leave_a_million():
    prefix = worst_prefix()
    region = next(code for code in division_codes() if code.startswith(prefix))
    number = identity_number(region, date(1990, 1, 1), "001")
    window = birth_dates_at_registration(REGISTERED)

    candidates = identity_candidates(
        crypto.mask_id_number(number), birth_dates=window, sex=Sex.MALE
    )

    assert sum(code.startswith(prefix) for code in division_codes()) == 1
    assert candidates == 1 * len(window) * 500  # one region, every date, odd sequences
    assert candidates >= A_MILLION


def test_the_old_display_left_a_handful_of_candidates():
    # First 4 + last 4 and the birth date in clear, as the admin and the API showed them.
    number = SAMPLES[0]
    shown = crypto.mask(number, first=4, last=4)
    birth_date = validate_id_number(number).birth_date

    candidates = identity_candidates(shown, birth_dates=[birth_date])

    assert 1 <= candidates <= 20


def test_the_count_agrees_with_brute_force():
    number = SAMPLES[0]
    shown = number[:3] + "***" + number[6:14] + "**" + number[16] + "*"
    birth_date = validate_id_number(number).birth_date
    brute = sum(
        1
        for region in division_codes()
        if region.startswith(number[:3])
        for middle in range(100)
        for check in "0123456789X"
        if check == id_number_check_character(f"{region}{number[6:14]}{middle:02d}{number[16]}")
    )

    assert identity_candidates(shown, birth_dates=[birth_date]) == brute
    shown_with_check = shown[:17] + number[17]
    assert 0 < identity_candidates(shown_with_check, birth_dates=[birth_date]) < brute


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_a_shown_card_leaves_a_million_candidates_even_with_the_bank_known(length):
    body = "622848" + "7" * (length - 7)
    card = body + luhn.calc_check_digit(body)

    candidates = card_candidates(crypto.mask_bank_card(card), bin_known=card[:6])

    assert candidates == 10 ** (length - 6 - 2 - 1)  # the hidden digits, less Luhn's one
    assert candidates >= A_MILLION


def test_last_4_of_a_16_digit_card_would_leave_only_a_hundred_thousand():
    card = "6228480000000007"
    assert luhn.is_valid(card)
    assert card_candidates(crypto.mask(card, first=0, last=4), bin_known=card[:6]) == 10**5


def test_a_shown_mobile_leaves_a_million_candidates():
    shown = crypto.mask_mobile("13800138000")
    assert mobile_candidates(shown) == 7 * 10**7 >= A_MILLION  # 3-9, then 7 hidden digits
    assert mobile_candidates("138******00") == A_MILLION  # 3 + 2: no margin at all


def test_birth_dates_at_registration_are_those_of_ages_18_to_60():
    window = birth_dates_at_registration(REGISTERED)
    assert window[0] == date(1965, 12, 2)  # 60 until the day before the 61st birthday
    assert window[-1] == date(2008, 12, 1)  # 18 on the day
    assert len(window) == (window[-1] - window[0]).days + 1
    assert window[-1] + timedelta(days=1) not in window
