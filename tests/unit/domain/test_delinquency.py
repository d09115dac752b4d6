from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from loans.domain.delinquency import (
    Bucket,
    InvalidPenaltyTerms,
    bucket_for,
    daily_penalty,
    days_past_due,
    pay_by_date,
    penalty_annual_rate,
    penalty_for_date,
    write_off_eligible,
)

DUE = date(2027, 1, 1)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2026, 12, 20), 0), (DUE, 0), (date(2027, 1, 2), 1), (date(2027, 3, 2), 60)],
)
def test_days_past_due(as_of, expected):
    assert days_past_due(oldest_unpaid_due_date=DUE, as_of=as_of) == expected


def test_days_past_due_without_an_unpaid_installment_is_zero():
    assert days_past_due(oldest_unpaid_due_date=None, as_of=DUE) == 0


# PRODUCT §12: the Spring Festival of 2027 as the shipped calendar has it (loans/calendar/data):
# 5-10 February are rest days, so each maps to Thursday 11 February.
SPRING_FESTIVAL = {date(2027, 2, day): date(2027, 2, 11) for day in range(5, 11)}


@pytest.mark.parametrize(
    ("due", "pay_by"),
    [
        (date(2027, 2, 7), date(2027, 2, 11)),  # a holiday: the next working day
        (date(2027, 2, 4), date(2027, 2, 4)),  # a working day: the due date itself
        (date(2027, 2, 11), date(2027, 2, 11)),
    ],
)
def test_pay_by_date_is_the_next_working_day_after_a_non_working_due_date(due, pay_by):
    assert pay_by_date(due, next_working_days=SPRING_FESTIVAL) == pay_by


def test_pay_by_date_without_a_calendar_is_the_due_date():
    assert pay_by_date(date(2027, 2, 7)) == date(2027, 2, 7)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 2, 8), 0),  # the day after the due date, a holiday: not past due
        (date(2027, 2, 11), 0),  # paid by the end of the next working day is on time
        (date(2027, 2, 12), 1),  # counted from 11 February, not from 7 February
        (date(2027, 3, 13), 30),
        (date(2027, 3, 14), 31),
    ],
)
def test_days_past_due_counts_from_the_next_working_day(as_of, expected):
    due = date(2027, 2, 7)
    assert (
        days_past_due(oldest_unpaid_due_date=due, as_of=as_of, next_working_days=SPRING_FESTIVAL)
        == expected
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, Bucket.CURRENT),
        (1, Bucket.M1),
        (30, Bucket.M1),
        (31, Bucket.M2),
        (60, Bucket.M2),
        (61, Bucket.M3),
        (90, Bucket.M3),
        (91, Bucket.M4_PLUS),
        (400, Bucket.M4_PLUS),
    ],
)
def test_bucket_boundaries(days, bucket):
    assert bucket_for(days) is bucket


def test_negative_days_have_no_bucket():
    with pytest.raises(InvalidPenaltyTerms):
        bucket_for(-1)


def test_penalty_rate_is_one_and_a_half_times_the_contract_rate_capped():
    assert penalty_annual_rate(annual_rate=Decimal("0.12")) == Decimal("0.18")
    assert penalty_annual_rate(annual_rate=Decimal("0.18")) == Decimal("0.24")  # 0.27 capped
    assert penalty_annual_rate(
        annual_rate=Decimal("0.10"), multiplier=Decimal("1.3"), cap=Decimal("0.2")
    ) == Decimal("0.13")


def test_daily_penalty():
    # 1000.00 * 0.18 / 360 = 0.50
    assert daily_penalty(overdue_principal=Decimal("1000"), annual_rate=Decimal("0.12")) == (
        Decimal("0.50")
    )
    # 10000.00 * 0.24 / 360 = 6.666.. -> 6.67 (0.18 * 1.5 = 0.27 capped at 0.24)
    assert daily_penalty(overdue_principal=Decimal("10000"), annual_rate=Decimal("0.18")) == (
        Decimal("6.67")
    )


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "0.00"),
        (1, "0.00"),
        (3, "0.00"),  # still within the 3 grace days
        (4, "2.00"),  # past grace: 4 days at 0.50, charged from the first overdue day
        (5, "0.50"),
        (100, "0.50"),
    ],
)
def test_penalty_grace_boundary_and_catch_up(days, expected):
    penalty = penalty_for_date(
        overdue_principal=Decimal("1000"), annual_rate=Decimal("0.12"), days_past_due=days
    )
    assert str(penalty) == expected


def test_penalty_over_the_first_week_equals_seven_daily_amounts():
    total = sum(
        penalty_for_date(
            overdue_principal=Decimal("766.80"), annual_rate=Decimal("0.18"), days_past_due=d
        )
        for d in range(1, 8)
    )
    # 766.80 * 0.24 / 360 = 0.5112 -> 0.51 a day
    assert total == 7 * Decimal("0.51")


def test_penalty_with_no_grace():
    args: dict[str, Any] = {
        "overdue_principal": Decimal("1000"),
        "annual_rate": Decimal("0.12"),
        "grace_days": 0,
    }
    assert penalty_for_date(**args, days_past_due=0) == Decimal("0.00")
    assert penalty_for_date(**args, days_past_due=1) == Decimal("0.50")


def test_negative_penalty_inputs_are_refused():
    with pytest.raises(InvalidPenaltyTerms, match="Overdue principal must not be negative"):
        daily_penalty(overdue_principal=Decimal("-1"), annual_rate=Decimal("0.1"))
    with pytest.raises(InvalidPenaltyTerms, match="Multiplier must not be negative"):
        penalty_annual_rate(annual_rate=Decimal("0.1"), multiplier=Decimal("-1.5"))


@pytest.mark.parametrize(("days", "eligible"), [(0, False), (179, False), (180, True), (365, True)])
def test_write_off_eligibility(days, eligible):
    assert write_off_eligible(days_past_due=days) is eligible


def test_write_off_days_are_a_product_setting():
    assert write_off_eligible(days_past_due=90, write_off_days=90)
