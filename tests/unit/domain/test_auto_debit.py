"""Auto-debit timing and splitting (PRODUCT §11): the retry schedule and parts under a limit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loans.domain.auto_debit import (
    DEFAULT_RETRY_SCHEDULE,
    RetrySchedule,
    attempt_times,
    half_limit,
    next_attempt_at,
    next_open_attempt_at,
    retry_schedule_parse,
    split_amount,
    split_capped,
    window_closes_at,
)

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = date(2027, 2, 10)
SCHEDULE = retry_schedule_parse(DEFAULT_RETRY_SCHEDULE)


def bj(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def series_from(after: datetime, schedule: RetrySchedule = SCHEDULE) -> list[datetime]:
    times = []
    at = next_attempt_at(schedule, DUE, after)
    while at is not None:
        times.append(at)
        at = next_attempt_at(schedule, DUE, at)
    return times


def test_the_default_setting_parses_to_the_rule_of_product_11():
    assert RetrySchedule() == SCHEDULE
    assert attempt_times(SCHEDULE, DUE) == [
        bj(DUE, 8),
        bj(DUE, 12),
        bj(DUE, 18),
        *(bj(DUE + timedelta(days=n), 8) for n in range(1, 8)),
        bj(DUE + timedelta(days=15), 8),
        bj(DUE + timedelta(days=30), 8),
    ]


def test_insufficient_funds_at_eight_retries_at_noon_then_six_then_the_next_mornings():
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE, 8)) == bj(DUE, 12)
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE, 12, 1)) == bj(DUE, 18)
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE, 18, 0)) == bj(DUE + timedelta(days=1), 8)
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE + timedelta(days=7), 8)) == bj(
        DUE + timedelta(days=15), 8
    )
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE + timedelta(days=15), 8)) == bj(
        DUE + timedelta(days=30), 8
    )


def test_the_series_ends_after_days_past_due_30():
    assert next_attempt_at(SCHEDULE, DUE, bj(DUE + timedelta(days=30), 8)) is None
    assert len(series_from(bj(DUE, 7))) == 12


def test_a_time_in_another_zone_is_compared_as_the_same_instant():
    utc_midnight = datetime(2027, 2, 10, 0, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 Beijing

    assert next_attempt_at(SCHEDULE, DUE, utc_midnight) == bj(DUE, 12)


def test_an_unsent_attempt_is_replaced_by_the_next_time_whose_window_is_still_open():
    # The 12:00 retry was still unsent at 21:30: its window closed; the next morning replaces it.
    assert next_open_attempt_at(SCHEDULE, DUE, after=bj(DUE, 12), now=bj(DUE, 21, 30)) == bj(
        DUE + timedelta(days=1), 8
    )
    # Found only at 08:00:30 the next day: that morning's time may still go, late.
    assert next_open_attempt_at(
        SCHEDULE, DUE, after=bj(DUE, 8), now=bj(DUE + timedelta(days=1), 8, 1)
    ) == bj(DUE + timedelta(days=1), 8)
    assert window_closes_at(SCHEDULE, bj(DUE, 12)) == bj(DUE, 21)


def test_a_custom_schedule_from_the_setting():
    schedule = retry_schedule_parse(
        {"same_day_retries": ["13:30"], "daily_retry_days": 2, "days_past_due_retries": [10]}
    )

    assert attempt_times(schedule, DUE) == [
        bj(DUE, 8),
        bj(DUE, 13, 30),
        bj(DUE + timedelta(days=1), 8),
        bj(DUE + timedelta(days=2), 8),
        bj(DUE + timedelta(days=10), 8),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"same_day_retries": ["18:00", "12:00"]}, "strictly increasing"),
        ({"window_end": "17:00"}, "before the window's end"),
        ({"days_past_due_retries": [30, 15]}, "must rise"),
        ({"days_past_due_retries": [5]}, "must rise"),
        ({"first_at": "8am"}, "HH:MM"),
        ({"daily_retry_days": "7"}, "whole number"),
        ({"same_day_retries": "12:00"}, "Expected a list"),
        ({"retries": 3}, "Unknown retry schedule keys"),
    ],
)
def test_a_malformed_or_inconsistent_schedule_is_refused(data, reason):
    with pytest.raises(ValueError, match=reason):
        retry_schedule_parse(data)


def test_split_makes_equal_parts_under_the_limit_to_the_fen():
    assert split_amount(Decimal("12000.00"), Decimal("5000.00")) == [
        Decimal("4000.00"),
        Decimal("4000.00"),
        Decimal("4000.00"),
    ]
    assert split_amount(Decimal("1000.01"), Decimal("500.00")) == [
        Decimal("333.34"),
        Decimal("333.34"),
        Decimal("333.33"),
    ]
    assert split_amount(Decimal("800.00"), Decimal("1000.00")) == [Decimal("800.00")]
    assert split_amount(Decimal("0.03"), Decimal("0.019")) == [Decimal("0.01")] * 3


def test_half_limit_rounds_up_so_two_parts_suffice():
    assert half_limit(Decimal("916.81")) == Decimal("458.41")
    assert split_amount(Decimal("916.81"), half_limit(Decimal("916.81"))) == [
        Decimal("458.41"),
        Decimal("458.40"),
    ]


@pytest.mark.parametrize(
    ("amount", "limit", "reason"),
    [
        ("0.00", "1.00", "amount"),
        ("-5.00", "1.00", "amount"),
        ("1.005", "1.00", "amount"),
        ("10.00", "0.009", "limit"),
    ],
)
def test_split_refuses_what_cannot_be_split(amount, limit, reason):
    with pytest.raises(ValueError, match=f"The {reason} must"):
        split_amount(Decimal(amount), Decimal(limit))


def test_a_split_over_the_cap_takes_whole_limits_and_leaves_the_rest():
    # ¥1,000.00 under a one-yuan limit would be 1,000 parts: ten go today, the rest waits.
    parts, rest = split_capped(Decimal("1000.00"), Decimal("1.00"), max_parts=10)

    assert parts == [Decimal("1.00")] * 10
    assert rest == Decimal("990.00")


def test_a_split_within_the_cap_is_the_plain_split_with_nothing_left():
    parts, rest = split_capped(Decimal("1000.01"), Decimal("500.00"), max_parts=3)

    assert parts == split_amount(Decimal("1000.01"), Decimal("500.00"))
    assert rest == Decimal("0.00")


def test_the_cap_must_allow_a_part():
    with pytest.raises(ValueError, match="at least one part"):
        split_capped(Decimal("10.00"), Decimal("1.00"), max_parts=0)


@given(
    amount_fens=st.integers(min_value=1, max_value=10**9),
    limit_fens=st.integers(min_value=1, max_value=10**9),
    cap=st.integers(min_value=1, max_value=50),
)
def test_capped_parts_and_rest_sum_to_the_amount_and_never_exceed_the_cap(
    amount_fens, limit_fens, cap
):
    amount, limit = Decimal(amount_fens) / 100, Decimal(limit_fens) / 100
    parts, rest = split_capped(amount, limit, max_parts=cap)

    assert sum(parts, Decimal("0")) + rest == amount
    assert 1 <= len(parts) <= cap
    assert all(Decimal("0") < part <= limit for part in parts)
    needed = -(-amount_fens // limit_fens)
    assert (rest == 0) == (needed <= cap)


fens = st.integers(min_value=1, max_value=10_000_000).map(lambda n: Decimal(n) / 100)
# At most a thousand parts: ¥100,000 under a one-fen limit would be ten million parts, a list
# the property then sums and scans for each of its examples (70 s of the suite for nothing a
# smaller split does not show). Limits of one fen still come with amounts up to ¥10.
MAX_PARTS = 1000
amounts_and_limits = fens.flatmap(
    lambda amount: st.tuples(
        st.just(amount),
        st.integers(min_value=max(1, int(amount * 100) // MAX_PARTS), max_value=10_000_000).map(
            lambda n: Decimal(n) / 100
        ),
    )
)


@given(amount_and_limit=amounts_and_limits)
def test_parts_sum_exactly_each_positive_and_within_the_limit(amount_and_limit):
    amount, limit = amount_and_limit
    parts = split_amount(amount, limit)

    assert sum(parts, Decimal("0")) == amount
    assert all(Decimal("0") < part <= limit for part in parts)
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)
    assert max(parts) - min(parts) <= Decimal("0.01")
    assert len(parts) == int((amount / limit).to_integral_value(rounding=ROUND_CEILING))


@given(
    same_day=st.lists(st.integers(min_value=9 * 60, max_value=20 * 60), max_size=4, unique=True),
    daily=st.integers(min_value=0, max_value=10),
    late=st.lists(st.integers(min_value=11, max_value=60), max_size=3, unique=True),
    after_minutes=st.integers(min_value=-24 * 60, max_value=70 * 24 * 60),
)
def test_schedule_times_rise_strictly_and_none_comes_after_the_last_retry(
    same_day, daily, late, after_minutes
):
    schedule = RetrySchedule(
        same_day_retries=tuple(time(m // 60, m % 60) for m in sorted(same_day)),
        daily_retry_days=daily,
        days_past_due_retries=tuple(sorted(late)),
    )
    times = attempt_times(schedule, DUE)
    later_days = [*range(1, daily + 1), *late]
    last = (
        bj(DUE + timedelta(days=max(later_days)), 8)
        if later_days
        else max([bj(DUE, 8)] + [bj(DUE, m // 60, m % 60) for m in same_day])
    )

    assert all(a < b for a, b in pairwise(times))
    assert times[-1] == last
    assert all(at.time() < schedule.window_end for at in times)
    after = bj(DUE, 0) + timedelta(minutes=after_minutes)
    following = series_from(after, schedule)
    assert following == [at for at in times if at > after]
    assert next_attempt_at(schedule, DUE, times[-1]) is None


def test_default_series_never_passes_days_past_due_30():
    assert max(attempt_times(SCHEDULE, DUE)) == bj(DUE + timedelta(days=30), 8)
