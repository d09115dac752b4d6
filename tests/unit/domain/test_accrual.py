from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from loans.domain.accrual import (
    InvalidAccrualPeriod,
    accrual_delta,
    accrued_through,
    interest_before,
)

# Period 2 of ¥10,000 at 18% from 2026-12-01: [2027-01-01, 2027-02-01), 31 days, 138.50.
PERIOD: dict[str, Any] = {
    "period_interest": Decimal("138.50"),
    "period_start": date(2027, 1, 1),
    "due_date": date(2027, 2, 1),
}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 12, 31), "0.00"),  # before the period
        (date(2027, 1, 1), "4.47"),  # 138.50 * 1 / 31 = 4.4677
        (date(2027, 1, 15), "67.02"),  # 138.50 * 15 / 31 = 67.0161
        (date(2027, 1, 30), "134.03"),  # 138.50 * 30 / 31 = 134.0322
        (date(2027, 1, 31), "138.50"),  # last day of the period: exactly I (PRODUCT §2.3)
        (date(2027, 2, 1), "138.50"),  # due date and after: still I
        (date(2027, 3, 15), "138.50"),
    ],
)
def test_accrued_through(as_of, expected):
    assert str(accrued_through(**PERIOD, as_of=as_of)) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 1, 1), "0.00"),  # the first day is charged only when it has passed
        (date(2027, 1, 15), "62.55"),  # 14 days: 138.50 * 14 / 31 = 62.548
        (date(2027, 2, 1), "138.50"),  # paid on the due date: the whole period
        (date(2027, 2, 20), "138.50"),
    ],
)
def test_interest_before_counts_the_first_day_not_the_last(as_of, expected):
    assert str(interest_before(**PERIOD, as_of=as_of)) == expected


def test_interest_before_a_date_is_accrued_through_the_day_before():
    for offset in range(-2, 35):
        as_of = date(2027, 1, 1) + timedelta(days=offset)
        yesterday = as_of - timedelta(days=1)
        assert interest_before(**PERIOD, as_of=as_of) == accrued_through(**PERIOD, as_of=yesterday)


def test_accrual_delta_posts_the_difference_and_nothing_on_a_rerun():
    assert accrual_delta(**PERIOD, as_of=date(2027, 1, 15), already_accrued=Decimal("62.55")) == (
        Decimal("4.47")  # 67.02 - 62.55
    )
    assert accrual_delta(**PERIOD, as_of=date(2027, 1, 15), already_accrued=Decimal("67.02")) == (
        Decimal("0.00")
    )


def test_accrual_delta_is_negative_when_more_was_accrued_than_scheduled():
    assert accrual_delta(
        **PERIOD, as_of=date(2027, 1, 1), already_accrued=Decimal("5.00")
    ) == Decimal("-0.53")


def test_a_period_starting_on_a_clamped_due_date_has_31_days():
    period: dict[str, Any] = {
        "period_interest": Decimal("45.95"),
        "period_start": date(2027, 2, 28),
        "due_date": date(2027, 3, 31),
    }
    assert accrued_through(**period, as_of=date(2027, 2, 28)) == Decimal(
        "1.48"
    )  # Feb 28 to Mar 31: 45.95 / 31 = 1.482
    assert accrued_through(**period, as_of=date(2027, 3, 30)) == Decimal("45.95")


@pytest.mark.parametrize(
    "overrides",
    [
        {"due_date": date(2027, 1, 1)},  # empty period
        {"due_date": date(2026, 12, 1)},
        {"period_interest": Decimal("-0.01")},
    ],
)
def test_invalid_periods_are_refused(overrides):
    with pytest.raises(InvalidAccrualPeriod):
        accrued_through(**(PERIOD | overrides), as_of=date(2027, 1, 5))


def test_negative_already_accrued_is_refused():
    with pytest.raises(InvalidAccrualPeriod, match="Already accrued interest must not be negative"):
        accrual_delta(**PERIOD, as_of=date(2027, 1, 5), already_accrued=Decimal("-1"))
