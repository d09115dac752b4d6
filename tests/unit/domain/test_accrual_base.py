"""Accrual of an installment re-amortised by a prepayment: from a base, from a start date."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loans.domain.accrual import (
    InvalidAccrualPeriod,
    accrued_through,
    accrued_through_from,
    interest_before,
    interest_before_from,
)

ONE_DAY = timedelta(days=1)

# Period 4 of ¥10,000 at 12% over 12 months from 2026-12-01, [2027-03-01, 2027-04-01), 31 days,
# prepaid on 2027-03-10: 22.10 settled for Mar 1..9, new interest 54.98 (test_prepayment.py).
CURRENT: dict[str, Any] = {
    "period_interest": Decimal("54.98"),
    "accrual_base": Decimal("22.10"),
    "accrual_start": date(2027, 3, 10),
    "due_date": date(2027, 4, 1),
}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 3, 1), "22.10"),  # before accrual_start: the base, already settled
        (date(2027, 3, 9), "22.10"),
        (date(2027, 3, 10), "23.59"),  # 22.10 + 32.88 * 1 / 22 = 22.10 + 1.4945 -> 1.49
        (date(2027, 3, 20), "38.54"),  # 22.10 + 32.88 * 11 / 22 = 22.10 + 16.44
        (date(2027, 3, 30), "53.49"),  # 22.10 + 32.88 * 21 / 22 = 22.10 + 31.3855 -> 31.39
        (date(2027, 3, 31), "54.98"),  # last day of the period: exactly I
        (date(2027, 4, 1), "54.98"),
        (date(2027, 6, 1), "54.98"),
    ],
)
def test_accrued_through_from_a_base(as_of, expected):
    assert str(accrued_through_from(**CURRENT, as_of=as_of)) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 3, 5), "22.10"),
        (date(2027, 3, 10), "22.10"),  # the first day from the base is charged once it passed
        (date(2027, 3, 21), "38.54"),  # 11 days: 22.10 + 32.88 * 11 / 22
        (date(2027, 4, 1), "54.98"),  # on the due date: the whole installment
        (date(2027, 5, 1), "54.98"),
    ],
)
def test_interest_before_from_a_base(as_of, expected):
    assert str(interest_before_from(**CURRENT, as_of=as_of)) == expected


def test_interest_before_from_is_accrued_through_from_the_day_before():
    for offset in range(-3, 25):
        as_of = date(2027, 3, 10) + timedelta(days=offset)
        assert interest_before_from(**CURRENT, as_of=as_of) == accrued_through_from(
            **CURRENT, as_of=as_of - ONE_DAY
        )


def test_a_base_above_the_interest_accrues_downwards():
    # Not produced by a prepayment (its interest is never below the base), but defined: the
    # deltas are then negative and the caller reverses instead of posting (docs/money.md).
    period = CURRENT | {"period_interest": Decimal("10.00")}
    assert accrued_through_from(**period, as_of=date(2027, 3, 9)) == Decimal("22.10")
    # 22.10 + (10.00 - 22.10) * 11 / 22 = 22.10 - 6.05
    assert accrued_through_from(**period, as_of=date(2027, 3, 20)) == Decimal("16.05")
    assert accrued_through_from(**period, as_of=date(2027, 3, 31)) == Decimal("10.00")


@pytest.mark.parametrize(
    "overrides",
    [
        {"due_date": date(2027, 3, 10)},  # empty
        {"due_date": date(2027, 3, 1)},
        {"period_interest": Decimal("-0.01")},
        {"accrual_base": Decimal("-0.01")},
    ],
)
def test_invalid_inputs_are_refused(overrides):
    with pytest.raises(InvalidAccrualPeriod):
        accrued_through_from(**(CURRENT | overrides), as_of=date(2027, 3, 15))
    with pytest.raises(InvalidAccrualPeriod):
        interest_before_from(**(CURRENT | overrides), as_of=date(2027, 3, 15))


def test_a_float_base_is_refused():
    with pytest.raises(TypeError):
        accrued_through_from(**(CURRENT | {"accrual_base": 1.5}), as_of=date(2027, 3, 15))


def fen(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


starts = st.dates(date(2024, 1, 1), date(2030, 12, 31))
period_days = st.one_of(st.integers(28, 31), st.integers(1, 400))


@settings(deadline=None)
@given(interest=fen(0, 1_000_000), start=starts, days=period_days, offset=st.integers(-3, 410))
def test_with_no_base_from_the_period_start_it_is_the_plain_accrual(interest, start, days, offset):
    due, as_of = start + timedelta(days=days), start + timedelta(days=offset)
    plain = {"period_interest": interest, "period_start": start, "due_date": due, "as_of": as_of}
    based = {
        "period_interest": interest,
        "accrual_base": Decimal("0.00"),
        "accrual_start": start,
        "due_date": due,
        "as_of": as_of,
    }
    assert accrued_through_from(**based) == accrued_through(**plain)
    assert str(accrued_through_from(**based)) == str(accrued_through(**plain))
    assert interest_before_from(**based) == interest_before(**plain)


@settings(deadline=None)
@given(
    data=st.data(),
    interest=fen(0, 1_000_000),
    start=starts,
    days=period_days,
)
def test_daily_deltas_from_the_start_sum_to_the_interest_above_the_base(
    data, interest, start, days
):
    base = data.draw(fen(0, int(interest * 100)), label="base")  # a prepayment's base ≤ I
    period = {
        "period_interest": interest,
        "accrual_base": base,
        "accrual_start": start,
        "due_date": start + timedelta(days=days),
    }
    accrued = accrued_through_from(**period, as_of=start - ONE_DAY)
    assert accrued == base
    posted = Decimal("0.00")
    for offset in range(days + 2):
        today = accrued_through_from(**period, as_of=start + timedelta(days=offset))
        assert today - accrued >= 0
        posted += today - accrued
        accrued = today
        if offset == days - 1:
            assert posted == interest - base  # the last day completes the installment
    assert posted == interest - base
