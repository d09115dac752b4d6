"""Shared builders for the revolving domain tests (no Django)."""

from datetime import date
from decimal import Decimal

from loans.domain.revolving.simulator import Event, Simulation, simulate
from loans.domain.revolving.state import AccountState, Bill, InstallmentPlan, Purchase
from loans.domain.revolving.terms import RevolvingTerms

TERMS = RevolvingTerms()
OPENED = date(2026, 12, 15)


def yuan(text: str) -> Decimal:
    return Decimal(text)


def play(
    events: list[Event], through: date, *, limit: str = "20000.00", day: int = 1
) -> Simulation:
    return simulate(
        credit_limit=Decimal(limit),
        statement_day=day,
        opened_on=OPENED,
        through=through,
        events=events,
        terms=TERMS,
    )


def day_of(simulation: Simulation, on: date):
    return next(d for d in simulation.days if d.on == on)


def bill_on(state: AccountState, on: date) -> Bill:
    found = state.bill(on)
    assert found is not None, f"no bill of {on}"
    return found


def plan_of(state: AccountState, plan_id: str) -> InstallmentPlan:
    found = state.plan(plan_id)
    assert found is not None, f"no plan {plan_id}"
    return found


def purchase_of(state: AccountState, purchase_id: str) -> Purchase:
    found = state.purchase(purchase_id)
    assert found is not None, f"no purchase {purchase_id}"
    return found
