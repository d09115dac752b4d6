"""A reference account played day by day: the oracle a set-based close of business must equal.

For each date from the opening through ``through``: first the day's events in their given order
(purchases, refunds, payments, bill installments — what the services do during the day), then
the close of business of that date: the cut on a statement date, then the credit balance applied
to what the cut billed, then the interest-free check, daily interest and penalty (interest.py).
An event the services would refuse (over the limit, a refund too large, a bill installment not
allowed) changes nothing and is reported in ``refused``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from loans.domain.delinquency import EVERY_DAY_WORKS, NextWorkingDays
from loans.domain.errors import DomainError
from loans.domain.money import ZERO, sum_amounts
from loans.domain.revolving.allocation import PaymentAllocation, credit_apply, payment_allocate
from loans.domain.revolving.installments import bill_installment
from loans.domain.revolving.interest import DayCharges, day_close
from loans.domain.revolving.purchases import purchase_capture
from loans.domain.revolving.refunds import refund_apply
from loans.domain.revolving.state import AccountState, FeePayer, debt_outstanding, open_account
from loans.domain.revolving.statement import Statement, statement_cut
from loans.domain.revolving.terms import RevolvingTerms

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PurchaseEvent:
    """A captured order; ``term`` puts it on a plan, ``fee_payer`` MERCHANT subsidises it."""

    on: date
    purchase_id: str
    amount: Decimal
    term: int | None = None
    fee_payer: FeePayer = FeePayer.BORROWER


@dataclass(frozen=True, slots=True)
class RefundEvent:
    """A refund of ``amount`` of a captured purchase."""

    on: date
    purchase_id: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A payment received from the borrower (portal, API or auto-debit)."""

    on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BillInstallmentEvent:
    """The borrower turns ``amount`` of a bill into ``term`` installments."""

    on: date
    statement_date: date
    amount: Decimal
    term: int


type Event = PurchaseEvent | RefundEvent | PaymentEvent | BillInstallmentEvent


@dataclass(frozen=True, slots=True)
class Day:
    """One simulated date: accepted and refused events, the bill cut, the charges, the state."""

    on: date
    accepted: tuple[Event, ...]
    refused: tuple[Event, ...]
    statement: Statement | None
    charges: DayCharges
    state: AccountState  # after the close of business

    @property
    def debt(self) -> Decimal:
        """Return everything owed after the close of business (debt_outstanding)."""
        return debt_outstanding(self.state)


@dataclass(frozen=True, slots=True)
class Simulation:
    """The days played and the account after the last close of business."""

    days: tuple[Day, ...]
    state: AccountState

    @property
    def statements(self) -> tuple[Statement, ...]:
        """Return the bills cut, in date order."""
        return tuple(d.statement for d in self.days if d.statement is not None)


def simulate(
    *,
    credit_limit: Decimal,
    statement_day: int,
    opened_on: date,
    through: date,
    events: Sequence[Event],
    terms: RevolvingTerms,
    next_working_days: NextWorkingDays = EVERY_DAY_WORKS,
) -> Simulation:
    """Play the account from ``opened_on`` through ``through`` (module docstring)."""
    state = open_account(
        credit_limit=credit_limit, statement_day=statement_day, opened_on=opened_on
    )
    by_day: dict[date, list[Event]] = {}
    for event in events:
        by_day.setdefault(event.on, []).append(event)
    days: list[Day] = []
    day = opened_on
    while day <= through:
        state, accepted, refused = _play_events(state, by_day.get(day, []), terms)
        statement = None
        if day.day == statement_day and day > opened_on:
            state, statement = statement_cut(
                state, statement_date=day, terms=terms, next_working_days=next_working_days
            )
            state, _ = credit_apply(state)
        state, charges = day_close(state, as_of=day, terms=terms)
        days.append(Day(day, accepted, refused, statement, charges, state))
        day += ONE_DAY
    return Simulation(tuple(days), state)


def event_apply(state: AccountState, event: Event, *, terms: RevolvingTerms) -> AccountState:
    """Apply one event during its day (as the services do). Raises the operation's DomainError."""
    if isinstance(event, PurchaseEvent):
        state = purchase_capture(
            state,
            purchase_id=event.purchase_id,
            purchase_date=event.on,
            amount=event.amount,
            terms=terms,
            term=event.term,
            fee_payer=event.fee_payer,
        )
        state, _ = credit_apply(state)
        return state
    if isinstance(event, RefundEvent):
        return refund_apply(state, purchase_id=event.purchase_id, amount=event.amount)[0]
    if isinstance(event, PaymentEvent):
        allocated: tuple[AccountState, PaymentAllocation] = payment_allocate(
            state, amount=event.amount
        )
        return allocated[0]
    return bill_installment(
        state,
        statement_date=event.statement_date,
        amount=event.amount,
        term=event.term,
        as_of=event.on,
        terms=terms,
    )[0]


def _play_events(
    state: AccountState, events: Sequence[Event], terms: RevolvingTerms
) -> tuple[AccountState, tuple[Event, ...], tuple[Event, ...]]:
    accepted: list[Event] = []
    refused: list[Event] = []
    for event in events:
        try:
            state = event_apply(state, event, terms=terms)
        except DomainError:
            refused.append(event)
        else:
            accepted.append(event)
    return state, tuple(accepted), tuple(refused)


def charges_total(simulation: Simulation) -> Decimal:
    """Return all interest, penalty and borrower fees charged over the simulation."""
    interest = sum_amounts(d.charges.interest + d.charges.penalty for d in simulation.days)
    fees = sum_amounts(s.new_fees for s in simulation.statements)
    return sum_amounts((interest, fees)) if simulation.days else ZERO
