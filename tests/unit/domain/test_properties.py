"""Hypothesis properties of the money core (STYLE.md: "schedules sum to the principal exactly;
accrual over a period equals its interest; allocation never loses a fen").

The number of examples comes from the profile loaded in tests/conftest.py ("ci": 1,000).
"""

import itertools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from loans.domain.accrual import accrual_delta
from loans.domain.allocation import Component, InstallmentBalance, Scope, allocate, scope_of
from loans.domain.apr import annual_percentage_rate
from loans.domain.delinquency import daily_penalty, penalty_for_date
from loans.domain.schedule import RepaymentMethod, Schedule, build_schedule


def fen(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts from low to high fen, as Decimal yuan with two decimals."""
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


principals = fen(10_000, 3_000_000)  # ¥100.00 to ¥30,000.00
annual_rates = st.integers(0, 2_400).map(lambda n: Decimal(n).scaleb(-4))  # 0 to 0.24 by 0.0001
fee_rates = st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-4))  # 0 to 1% per installment
start_dates = st.dates(date(2024, 1, 1), date(2030, 12, 31))
methods = st.sampled_from(RepaymentMethod)


def schedules(terms: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[Schedule]:
    """Schedules of every method; terms 1-36 unless narrowed."""
    return st.builds(
        build_schedule,
        principal=principals,
        annual_rate=annual_rates,
        term=st.integers(1, 36) if terms is None else terms,
        method=methods,
        start_date=start_dates,
        fee_rate=fee_rates,
    )


@settings(deadline=None)
@given(schedules(st.one_of(st.integers(1, 24), st.integers(1, 36))))
def test_principal_parts_sum_to_the_principal_exactly(s):
    assert s.total_principal == s.principal
    assert s.total_repayment == s.total_principal + s.total_interest + s.total_fees


@settings(deadline=None)
@given(schedules())
def test_every_component_is_a_non_negative_whole_fen(s):
    for i in s.installments:
        for amount in (i.principal, i.interest, i.fee, i.remaining_principal):
            assert amount >= 0
            assert amount == amount.quantize(Decimal("0.01"))


@settings(deadline=None)
@given(schedules())
def test_remaining_principal_falls_to_exactly_zero(s):
    remaining = [s.principal] + [i.remaining_principal for i in s.installments]
    assert all(later <= earlier for earlier, later in itertools.pairwise(remaining))
    assert str(remaining[-1]) == "0.00"
    for before, installment in zip(remaining, s.installments, strict=False):
        assert installment.remaining_principal == before - installment.principal


@settings(deadline=None)
@given(schedules())
def test_installments_follow_each_other_month_by_month(s):
    expected_count = 1 if s.method is RepaymentMethod.BULLET else s.term
    assert [i.number for i in s.installments] == list(range(1, expected_count + 1))
    assert s.installments[0].period_start == s.start_date
    for previous, current in zip(s.installments, s.installments[1:], strict=False):
        assert current.period_start == previous.due_date < current.due_date


@settings(deadline=None)
@given(schedules())
def test_fees_are_the_same_every_installment_and_interest_free_methods_charge_none(s):
    assert len({i.fee for i in s.installments}) == 1
    if s.method is RepaymentMethod.INSTALLMENT_FEE:
        assert s.annual_rate == 0
        assert s.total_interest == 0


@settings(deadline=None)
@given(principal=fen(250_000, 3_000_000), rate=annual_rates, term=st.integers(1, 36))
def test_apr_of_a_fee_free_equal_installment_loan_is_the_nominal_rate(principal, rate, term):
    # From ¥2,500 up the fen rounding of interest moves the APR by less than 0.0001.
    s = build_schedule(
        principal=principal,
        annual_rate=rate,
        term=term,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        start_date=date(2027, 1, 31),
    )
    assert abs(annual_percentage_rate(s) - rate) <= Decimal("0.0001")


@settings(deadline=None)
@given(principal=principals, rate=annual_rates, term=st.integers(1, 36))
def test_apr_of_small_equal_installment_loans_is_near_nominal_within_the_rounding_bound(
    principal, rate, term
):
    # Each interest amount is off by at most half a fen; that moves the monthly IRR by at most
    # about 0.0208 / P, the APR by 0.25 / P (docs/money.md). Below ¥2,500 that can exceed 0.0001:
    # ¥100 for one month at 0.05% pays 0.00 interest, APR 0 (test_apr_of_tiny_loans_...).
    s = build_schedule(
        principal=principal,
        annual_rate=rate,
        term=term,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        start_date=date(2027, 1, 31),
    )
    assert abs(annual_percentage_rate(s) - rate) <= Decimal("0.25") / principal + Decimal("1e-6")


def test_apr_of_tiny_loans_can_be_further_than_0_0001_from_nominal():
    # 100.00 * 0.0005 / 12 = 0.0042 -> 0.00 interest: the loan is free, its APR 0.
    s = build_schedule(
        principal=Decimal("100.00"),
        annual_rate=Decimal("0.0005"),
        term=1,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        start_date=date(2027, 1, 31),
    )
    assert annual_percentage_rate(s) == Decimal("0.000000")


@settings(deadline=None)
@given(
    interest=fen(0, 1_000_000),
    start=start_dates,
    days=st.one_of(st.integers(28, 31), st.integers(1, 400)),
)
def test_daily_accrual_deltas_sum_to_the_period_interest(interest, start, days):
    due = start + timedelta(days=days)
    accrued = Decimal("0.00")
    # Run from before the period to after it: nothing outside [start, due) may be posted.
    for offset in range(-2, days + 2):
        delta = accrual_delta(
            period_interest=interest,
            period_start=start,
            due_date=due,
            as_of=start + timedelta(days=offset),
            already_accrued=accrued,
        )
        assert delta >= 0
        accrued += delta
        if offset == days - 1:
            assert accrued == interest  # the last day of the period completes it
    assert accrued == interest


@settings(deadline=None)
@given(s=schedules(st.integers(1, 6)))
def test_accruing_a_schedule_day_by_day_earns_its_total_interest(s):
    earned = Decimal("0.00")
    for installment in s.installments:
        accrued = Decimal("0.00")
        day = installment.period_start
        while day < installment.due_date:
            accrued += accrual_delta(
                period_interest=installment.interest,
                period_start=installment.period_start,
                due_date=installment.due_date,
                as_of=day,
                already_accrued=accrued,
            )
            day += timedelta(days=1)
        earned += accrued
    assert earned == s.total_interest


AS_OF = date(2027, 6, 15)
balances = st.builds(
    InstallmentBalance,
    number=st.integers(1, 36),
    due_date=st.dates(date(2027, 3, 1), date(2027, 9, 1)) | st.just(AS_OF),
    penalty=fen(0, 5_000),
    fee=fen(0, 10_000),
    interest=fen(0, 100_000),
    principal=fen(0, 300_000),
)


@settings(deadline=None)
@given(
    installments=st.lists(balances, max_size=8, unique_by=lambda b: b.number),
    amount=fen(0, 2_000_000),
)
def test_allocation_never_creates_or_loses_a_fen(installments, amount):
    result = allocate(amount=amount, installments=installments, as_of=AS_OF)
    assert result.total_allocated + result.unallocated == amount
    assert result.unallocated >= 0
    paid: dict[tuple[int, Component], Decimal] = defaultdict(Decimal)
    for part in result.parts:
        assert part.amount > 0
        paid[part.number, part.component] += part.amount
    by_number = {b.number: b for b in installments}
    for (number, component), total in paid.items():
        assert total <= by_number[number].outstanding(component)
        assert scope_of(by_number[number].due_date, AS_OF) is not Scope.FUTURE
    if result.unallocated > 0:  # money is held back only once everything due is paid
        due = [b for b in installments if b.due_date <= AS_OF]
        assert all(paid[b.number, c] == b.outstanding(c) for b in due for c in Component)


@settings(deadline=None)
@given(
    overdue=fen(0, 3_000_000),
    rate=annual_rates,
    grace=st.integers(0, 10),
    days=st.integers(0, 60),
)
def test_penalty_charged_through_a_day_is_one_daily_amount_per_overdue_day(
    overdue, rate, grace, days
):
    total = sum(
        penalty_for_date(
            overdue_principal=overdue, annual_rate=rate, days_past_due=d, grace_days=grace
        )
        for d in range(days + 1)
    )
    daily = daily_penalty(overdue_principal=overdue, annual_rate=rate)
    assert total == (days * daily if days > grace else 0)
