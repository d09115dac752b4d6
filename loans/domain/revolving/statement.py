"""Cutting a bill on its statement date, and the minimum payment (PRODUCT §10).

The cut is the first step of the close of business of the statement date S: it bills what
belongs to the cycle [previous S, S) and is still unpaid — purchases dated before S, the plan
installments whose statement date is S, and the interest and penalty charged by the closes of
business before S — and leaves the charges of S itself to the next bill. Payments received up to
the cut have already been allocated, so the bill shows unpaid amounts.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from loans.domain.delinquency import EVERY_DAY_WORKS, NextWorkingDays
from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, round_money, sum_amounts
from loans.domain.revolving.calendar import cycle_of, due_date_for, pay_by_for
from loans.domain.revolving.state import (
    AccountState,
    Bill,
    FeePayer,
    PlanInstallment,
    Purchase,
    total_minimum_unpaid,
)
from loans.domain.revolving.terms import RevolvingTerms


class StatementNotDue(DomainError):
    """A bill cannot be cut on this date (not a statement date, or already cut)."""


@dataclass(frozen=True, slots=True)
class Statement:
    """The bill as the borrower sees it: what earlier bills left, what is new, the totals.

    ``balance`` = previous_unpaid + the five new parts = the sum of the five totals.
    ``merchant_fees`` are the fees of merchant-paid plans billed now: owed by partners, not
    part of the balance.
    """

    statement_date: date
    due_date: date
    pay_by_date: date
    cycle_start: date  # first day of the cycle: the opening date on the first bill
    previous_unpaid: Decimal
    new_revolving_principal: Decimal
    new_installment_principal: Decimal
    new_fees: Decimal
    new_interest: Decimal
    new_penalty: Decimal
    revolving_principal: Decimal
    installment_principal: Decimal
    fees: Decimal
    interest: Decimal
    penalty: Decimal
    minimum_payment: Decimal
    merchant_fees: Decimal

    @property
    def balance(self) -> Decimal:
        """Return the statement balance: the sum of its five parts."""
        return sum_amounts(
            (
                self.revolving_principal,
                self.installment_principal,
                self.fees,
                self.interest,
                self.penalty,
            )
        )


def minimum_payment(
    *,
    revolving_principal: Decimal,
    new_installment_principal: Decimal,
    new_fees: Decimal,
    new_interest: Decimal,
    new_penalty: Decimal,
    earlier_minimum_unpaid: Decimal,
    statement_balance: Decimal,
    minimum_payment_rate: Decimal,
) -> Decimal:
    """Return the minimum payment of a statement (PRODUCT §10), CNY.

    round(rate * the statement's revolving principal, HALF_UP) + 100% of the installments,
    fees, interest and penalty new on the bill + the unpaid minimum of earlier bills, at most
    the statement balance. Earlier bills' unpaid installments, fees and charges are not counted
    again: they are inside their own unpaid minimum.
    """
    with decimal_context():
        raw = round_money(revolving_principal * minimum_payment_rate) + sum_amounts(
            (new_installment_principal, new_fees, new_interest, new_penalty, earlier_minimum_unpaid)
        )
        return min(raw, statement_balance)


def statement_cut(
    state: AccountState,
    *,
    statement_date: date,
    terms: RevolvingTerms,
    next_working_days: NextWorkingDays = EVERY_DAY_WORKS,
) -> tuple[AccountState, Statement]:
    """Cut the bill of ``statement_date`` (see the module docstring for what it takes).

    Raises StatementNotDue if the day is not the account's statement day or a bill of that date
    or a later one exists.
    """
    if statement_date.day != state.statement_day:
        raise StatementNotDue(f"{statement_date.isoformat()} is not this account's statement date.")
    if state.last_statement_date is not None and statement_date <= state.last_statement_date:
        raise StatementNotDue(f"The bill of {statement_date.isoformat()} was cut already.")
    purchases, new_revolving = _bill_purchases(state, statement_date)
    due_rows = _installments_billed_on(state, statement_date)
    fees = {
        payer: sum_amounts(row.fee for row_payer, row in due_rows if row_payer is payer)
        for payer in FeePayer
    }
    new = Bill(
        statement_date=statement_date,
        due_date=due_date_for(statement_date, terms=terms),
        pay_by_date=pay_by_for(statement_date, terms=terms, next_working_days=next_working_days),
        revolving_principal=new_revolving,
        installment_principal=sum_amounts(row.principal for _, row in due_rows),
        fees=fees[FeePayer.BORROWER],
        interest=state.unbilled_interest,
        penalty=state.unbilled_penalty,
        minimum_unpaid=ZERO,
        minimum_base=ZERO,
    )
    statement = _statement(state, new, fees[FeePayer.MERCHANT], terms)
    with decimal_context():
        own_minimum = max(statement.minimum_payment - total_minimum_unpaid(state), ZERO)
    bill = replace(new, minimum_unpaid=own_minimum, minimum_base=statement.revolving_principal)
    new_state = replace(
        state,
        purchases=purchases,
        bills=(*state.bills, bill),
        unbilled_interest=ZERO,
        unbilled_penalty=ZERO,
        last_statement_date=statement_date,
    )
    return new_state, statement


def _statement(
    state: AccountState, new: Bill, merchant_fees: Decimal, terms: RevolvingTerms
) -> Statement:
    """Return the statement of the earlier bills' unpaid amounts plus the new bill ``new``."""
    bills = (*state.bills, new)

    def total(part: str) -> Decimal:
        return sum_amounts(getattr(b, part) for b in bills)

    previous_unpaid = sum_amounts(b.unpaid for b in state.bills)
    balance = sum_amounts((previous_unpaid, new.unpaid))
    minimum = minimum_payment(
        revolving_principal=total("revolving_principal"),
        new_installment_principal=new.installment_principal,
        new_fees=new.fees,
        new_interest=new.interest,
        new_penalty=new.penalty,
        earlier_minimum_unpaid=total_minimum_unpaid(state),
        statement_balance=balance,
        minimum_payment_rate=terms.minimum_payment_rate,
    )
    return Statement(
        statement_date=new.statement_date,
        due_date=new.due_date,
        pay_by_date=new.pay_by_date,
        cycle_start=max(cycle_of(new.statement_date).start, state.opened_on),
        previous_unpaid=previous_unpaid,
        new_revolving_principal=new.revolving_principal,
        new_installment_principal=new.installment_principal,
        new_fees=new.fees,
        new_interest=new.interest,
        new_penalty=new.penalty,
        revolving_principal=total("revolving_principal"),
        installment_principal=total("installment_principal"),
        fees=total("fees"),
        interest=total("interest"),
        penalty=total("penalty"),
        minimum_payment=minimum,
        merchant_fees=merchant_fees,
    )


def _bill_purchases(
    state: AccountState, statement_date: date
) -> tuple[tuple[Purchase, ...], Decimal]:
    billed: list[Purchase] = []
    total: list[Decimal] = []
    for purchase in state.purchases:
        unbilled = purchase.plan_id is None and purchase.statement_date is None
        if unbilled and purchase.purchase_date < statement_date:
            total.append(purchase.unbilled_principal)
            purchase = replace(purchase, unbilled_principal=ZERO, statement_date=statement_date)
        billed.append(purchase)
    return tuple(billed), sum_amounts(total)


def _installments_billed_on(
    state: AccountState, statement_date: date
) -> list[tuple[FeePayer, PlanInstallment]]:
    # Every installment not billed by the last cut and dated on or before this one: a plan's
    # dates are statement dates, so normally exactly the ones dated statement_date.
    return [
        (plan.fee_payer, row)
        for plan in state.plans
        for row in plan.unbilled(state.last_statement_date)
        if row.statement_date <= statement_date
    ]
