"""Invariants of re-amortisation after a partial prepayment (PRODUCT §2.5), over random schedules
built by build_schedule and prepayments on any day of any period, in either mode.

The principal parts sum to the new principal exactly; every amount is a non-negative whole fen;
no day is charged twice or above the contract rate; total interest never rises; installments keep
their numbers, dates and fees; a shorter term never adds or raises an installment, a lower
installment keeps the count and raises none; the current installment accrues day by day to its
interest; prepaying the whole balance leaves nothing. The worked examples and the refused
prepayments are in test_prepayment.py.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from loans.domain.accrual import accrued_through_from, interest_before
from loans.domain.dates import days_between
from loans.domain.money import round_money
from loans.domain.prepayment import PrepaymentMode, Reamortisation, RemainingInstallment, reamortise
from loans.domain.schedule import RepaymentMethod, Schedule, build_schedule
from tests.unit.domain.builders import remaining_from

SHORTEN = PrepaymentMode.SHORTEN_TERM
LOWER = PrepaymentMode.LOWER_INSTALLMENT


@dataclass(frozen=True)
class Case:
    schedule: Schedule
    remaining: tuple[RemainingInstallment, ...]
    new_principal: Decimal
    settled_interest: Decimal
    prepayment_date: date
    mode: PrepaymentMode

    def run(self) -> Reamortisation:
        return reamortise(
            method=self.schedule.method,
            annual_rate=self.schedule.annual_rate,
            fee=self.remaining[0].fee,
            remaining=self.remaining,
            new_principal=self.new_principal,
            settled_interest=self.settled_interest,
            prepayment_date=self.prepayment_date,
            mode=self.mode,
        )

    @property
    def monthly_rate(self) -> Decimal:
        return self.schedule.annual_rate / 12


def fen(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def cases(draw: st.DrawFn, *, paid_off: bool = False) -> Case:
    s = draw(
        st.builds(
            build_schedule,
            principal=fen(10_000, 3_000_000),  # ¥100 to ¥30,000
            annual_rate=st.integers(0, 2_400).map(lambda n: Decimal(n).scaleb(-4)),
            term=st.integers(1, 24),
            method=st.sampled_from(RepaymentMethod),
            start_date=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
            fee_rate=st.sampled_from([Decimal("0"), Decimal("0.006")]),
        )
    )
    current = draw(st.sampled_from(s.installments))
    period_days = days_between(current.period_start, current.due_date)
    prepaid_on = current.period_start + timedelta(days=draw(st.integers(0, period_days - 1)))
    balance = current.principal + current.remaining_principal
    whole = int(balance * 100)
    # Small amounts are where fen rounding bites; also anything up to the whole balance.
    prepaid = (
        balance if paid_off else draw(st.one_of(fen(0, min(whole - 1, 200)), fen(0, whole - 1)))
    )
    return Case(
        schedule=s,
        remaining=remaining_from(s, current.number),
        new_principal=balance - prepaid,
        settled_interest=interest_before(
            period_interest=current.interest,
            period_start=current.period_start,
            due_date=current.due_date,
            as_of=prepaid_on,
        ),
        prepayment_date=prepaid_on,
        mode=draw(st.sampled_from(PrepaymentMode)),
    )


@settings(deadline=None)
@given(cases())
def test_principal_parts_sum_to_the_new_principal_exactly(case):
    r = case.run()
    assert r.total_principal == case.new_principal
    assert r.installments[-1].remaining_principal == 0
    balance = case.new_principal
    for i in r.installments:
        balance -= i.principal
        assert i.remaining_principal == balance


@settings(deadline=None)
@given(cases())
def test_every_component_is_a_non_negative_whole_fen(case):
    for i in case.run().installments:
        for amount in (i.principal, i.interest, i.fee, i.accrual_base, i.remaining_principal):
            assert amount >= 0
            assert amount == amount.quantize(Decimal("0.01"))


@settings(deadline=None)
@given(cases())
def test_no_day_is_charged_twice_or_above_the_contract_rate(case):
    r = case.run()
    first, old_first = r.installments[0], case.remaining[0]
    # Current period: the settled days once, the days from D on the new balance, never more
    # than the period's old interest.
    assert (first.accrual_start, first.accrual_base) == (
        case.prepayment_date,
        case.settled_interest,
    )
    months = 12 * (first.due_date.year - first.period_start.year) + (
        first.due_date.month - first.period_start.month
    )
    from_d = round_money(
        case.new_principal
        * case.monthly_rate
        * months
        * days_between(case.prepayment_date, first.due_date)
        / days_between(first.period_start, first.due_date)
    )
    assert case.settled_interest <= first.interest <= case.settled_interest + from_d
    assert first.interest <= old_first.interest
    balance = first.remaining_principal
    for i in r.installments[1:]:
        assert (i.accrual_start, i.accrual_base) == (i.period_start, Decimal("0"))
        assert i.interest <= round_money(balance * case.monthly_rate)
        balance = i.remaining_principal


@settings(deadline=None)
@given(cases())
def test_total_interest_never_rises(case):
    assert case.run().total_interest <= sum(i.interest for i in case.remaining)


@settings(deadline=None)
@given(cases())
def test_installments_keep_their_numbers_and_dates(case):
    r = case.run()
    for new, old in zip(r.installments, case.remaining, strict=False):
        assert (new.number, new.period_start, new.due_date, new.fee) == (
            old.number,
            old.period_start,
            old.due_date,
            old.fee,
        )


@settings(deadline=None)
@given(cases().map(lambda c: replace(c, mode=SHORTEN)))
def test_a_shorter_term_never_adds_an_installment_or_raises_one(case):
    r = case.run()
    assert 1 <= len(r.installments) <= len(case.remaining)
    for new, old in zip(r.installments[:-1], case.remaining, strict=False):
        assert new.total <= old.total
    # The last may differ; it still never exceeds the old installment of the same number.
    assert r.installments[-1].total <= case.remaining[len(r.installments) - 1].total


@settings(deadline=None)
@given(cases().map(lambda c: replace(c, mode=LOWER)))
def test_a_lower_installment_keeps_the_count_and_raises_none(case):
    r = case.run()
    assert len(r.installments) == len(case.remaining)
    for new, old in zip(r.installments, case.remaining, strict=True):
        assert new.total <= old.total


@settings(deadline=None)
@given(cases())
def test_the_current_installment_accrues_day_by_day_to_its_interest(case):
    first = case.run().installments[0]
    accrued = first.accrual_base
    day = first.accrual_start
    while day < first.due_date:
        today = accrued_through_from(
            period_interest=first.interest,
            accrual_base=first.accrual_base,
            accrual_start=first.accrual_start,
            due_date=first.due_date,
            as_of=day,
        )
        assert today >= accrued
        accrued, day = today, day + timedelta(days=1)
    assert accrued == first.interest


@settings(deadline=None)
@given(cases(paid_off=True))
def test_prepaying_the_whole_balance_leaves_nothing(case):
    assert case.run().installments == ()
