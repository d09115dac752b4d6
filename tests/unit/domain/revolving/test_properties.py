"""Hypothesis properties of the revolving model (STYLE.md: allocation never loses a fen).

Accounts are played by the simulator over about four months of random purchases (plain, on
plans, merchant-subsidised), refunds, payments and bill installments; the number of examples
comes from the profile loaded in tests/conftest.py.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loans.domain.revolving.allocation import Part, Step, payment_allocate
from loans.domain.revolving.refunds import refund_apply
from loans.domain.revolving.simulator import (
    BillInstallmentEvent,
    Event,
    PaymentEvent,
    PurchaseEvent,
    RefundEvent,
    Simulation,
    charges_total,
    simulate,
)
from loans.domain.revolving.state import (
    FeePayer,
    available_limit,
    debt_outstanding,
    principal_outstanding,
)
from loans.domain.revolving.terms import RevolvingTerms

TERMS = RevolvingTerms()
OPENED = date(2026, 12, 20)
THROUGH = date(2027, 4, 12)
SPAN = (THROUGH - OPENED).days


def fen(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


MONTHS = [(2027, 1), (2027, 2), (2027, 3)]
days = st.integers(0, SPAN).map(lambda n: OPENED + timedelta(days=n))
terms = st.one_of(st.none(), st.sampled_from([3, 6, 9, 12]))


@st.composite
def scenarios(draw):
    """A statement day and date-ordered events that the services would mostly accept."""
    statement_day = draw(st.sampled_from([1, 5, 28]))
    statement_dates = [date(y, m, statement_day) for y, m in MONTHS]
    events: list[Event] = []
    for k in range(draw(st.integers(0, 8))):
        on, amount = draw(days), draw(st.integers(1, 300_000))
        payer = draw(st.sampled_from(FeePayer))
        events.append(PurchaseEvent(on, f"P{k}", _yuan(amount), draw(terms), payer))
        if draw(st.booleans()):
            later = on + timedelta(days=draw(st.integers(0, 70)))
            events.append(RefundEvent(later, f"P{k}", _yuan(draw(st.integers(1, amount)))))
    for _ in range(draw(st.integers(0, 6))):
        # Mostly around due dates, where the interest-free and overdue checks bite.
        around = draw(st.sampled_from(statement_dates)) + timedelta(days=draw(st.integers(-3, 14)))
        events.append(PaymentEvent(around, _yuan(draw(st.integers(1, 300_000)))))
    for _ in range(draw(st.integers(0, 2))):
        bill_date = draw(st.sampled_from(statement_dates))
        on = bill_date + timedelta(days=draw(st.integers(1, 9)))
        amount = _yuan(draw(st.integers(10_000, 60_000)))
        term = draw(st.sampled_from([3, 6, 9, 12]))
        events.append(BillInstallmentEvent(on, bill_date, amount, term))
    events.sort(key=lambda e: e.on)  # stable: a refund stays after its purchase on one day
    return statement_day, events


def _yuan(fen_count: int) -> Decimal:
    return Decimal(fen_count).scaleb(-2)


def play(scenario, through=THROUGH) -> Simulation:
    statement_day, events = scenario
    return simulate(
        credit_limit=Decimal("10000.00"),
        statement_day=statement_day,
        opened_on=OPENED,
        through=through,
        events=events,
        terms=TERMS,
    )


def amounts(state):
    """Every amount the state holds; none may be negative."""
    for bill in state.bills:
        yield from (bill.revolving_principal, bill.installment_principal, bill.fees)
        yield from (bill.interest, bill.penalty, bill.minimum_unpaid)
    for purchase in state.purchases:
        yield from (purchase.unbilled_principal, purchase.amount - purchase.refunded)
    for plan in state.plans:
        for row in plan.installments:
            yield from (row.principal, row.fee)
    yield from (state.unbilled_interest, state.unbilled_penalty, state.credit_balance)


def accepted(simulation, kind):
    return sum(
        (e.amount for d in simulation.days for e in d.accepted if isinstance(e, kind)),
        Decimal("0.00"),
    )


@given(scenarios())
def test_money_is_conserved_and_every_statement_adds_up(scenario):
    sim = play(scenario)

    bought = accepted(sim, PurchaseEvent) - accepted(sim, RefundEvent)
    paid = accepted(sim, PaymentEvent)
    state = sim.state
    # purchases - refunds + charges = payments + balance - credit, to the fen.
    assert bought + charges_total(sim) == paid + debt_outstanding(state) - state.credit_balance
    for day in sim.days:
        assert all(amount >= 0 for amount in amounts(day.state))
    for s in sim.statements:
        _assert_statement_adds_up(s)


def _assert_statement_adds_up(s):
    parts = (s.revolving_principal, s.installment_principal, s.fees, s.interest, s.penalty)
    new = (
        s.new_revolving_principal,
        s.new_installment_principal,
        s.new_fees,
        s.new_interest,
        s.new_penalty,
    )
    assert s.balance == sum(parts, Decimal("0.00")) == s.previous_unpaid + sum(new)
    assert all(part >= 0 for part in (*parts, *new))
    assert Decimal("0.00") <= s.minimum_payment <= s.balance


@given(scenarios(), st.integers(0, SPAN), fen(0, 1_500_000))
def test_allocation_never_loses_a_fen_and_follows_the_order(scenario, day, amount):
    state = play(scenario, through=OPENED + timedelta(days=day)).state

    after, allocation = payment_allocate(state, amount=amount)

    assert allocation.allocated + allocation.to_credit == amount
    assert debt_outstanding(state) - debt_outstanding(after) == allocation.allocated
    assert after.credit_balance - state.credit_balance == allocation.to_credit
    steps = [line.step for line in allocation.lines]
    assert steps == sorted(steps)
    assert all(line.amount > 0 for line in allocation.lines)
    _assert_earlier_steps_exhausted(after, set(steps), allocation.to_credit)


def _assert_earlier_steps_exhausted(after, steps, to_credit):
    reached = max(steps, default=0)
    if to_credit > 0:
        reached = 8
    bills = after.bills
    if reached > Step.PENALTY:
        assert after.unbilled_penalty == 0
        assert all(b.penalty == 0 for b in bills)
    if reached > Step.INTEREST:
        assert after.unbilled_interest == 0
        assert all(b.interest == 0 for b in bills)
    if reached > Step.FEES:
        assert all(b.fees == 0 for b in bills)
    if reached > Step.INSTALLMENTS:
        assert all(b.installment_principal == 0 for b in bills)
    if reached > Step.REVOLVING_PRINCIPAL:
        assert all(b.revolving_principal == 0 for b in bills)
    if reached > Step.UNBILLED_PURCHASES:
        assert all(p.unbilled_principal == 0 for p in after.purchases)


@given(scenarios(), st.integers(0, SPAN), st.data())
def test_refunds_never_make_principal_negative_and_restore_the_limit_by_the_principal(
    scenario, day, data
):
    state = play(scenario, through=OPENED + timedelta(days=day)).state
    open_purchases = [p for p in state.purchases if p.refunded < p.amount]
    if not open_purchases:
        return
    purchase = data.draw(st.sampled_from(open_purchases))
    left = int((purchase.amount - purchase.refunded) * 100)
    amount = _yuan(data.draw(st.integers(1, left)))

    after, result = refund_apply(state, purchase_id=purchase.purchase_id, amount=amount)

    assert all(value >= 0 for value in amounts(after))
    restored = available_limit(
        credit_limit=after.credit_limit, principal_outstanding=principal_outstanding(after)
    ) - available_limit(
        credit_limit=state.credit_limit, principal_outstanding=principal_outstanding(state)
    )
    principal_paid = result.credit.total_for(Part.INSTALLMENT_PRINCIPAL) + result.credit.total_for(
        Part.REVOLVING_PRINCIPAL
    )
    assert restored == result.unbilled_principal_reduced + principal_paid
    assert result.unbilled_principal_reduced + result.credit.amount == amount
