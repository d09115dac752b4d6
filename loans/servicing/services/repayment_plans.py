"""What one repayment does, planned before anything is written (PRODUCT §2.5).

``repayment_plan`` reads the loan's unpaid installments (in memory, under the caller's lock) and
returns a Plan: the journal lines, the installment deltas, the parts for the allocation record,
the advance, the overpayment, and for a payoff or prepayment the schedule before and after.
``repayments`` writes it. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from loans.domain.allocation import Allocation, Component, allocate, rules_from_data
from loans.domain.prepayment import PrepaymentMode, RemainingInstallment, reamortise
from loans.domain.schedule import RepaymentMethod
from loans.errors import LendingError
from loans.ledger.models import AccountCode
from loans.ledger.services import Line, credit, debit
from loans.servicing.models import Installment, Loan
from loans.servicing.selectors import installment_balance
from loans.servicing.services.components import PAID_FIELD, RECEIVABLE
from loans.servicing.services.installments import (
    Change,
    earned_interest_before,
    schedule_snapshot,
)

ZERO = Decimal("0.00")


class RepaymentRefused(LendingError):
    code = "repayment_refused"


@dataclass
class Plan:
    """What one repayment does, before it is written."""

    lines: list[Line] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    parts: list[dict[str, str | int]] = field(default_factory=list)
    advance: Decimal = ZERO
    overpayment: Decimal = ZERO
    prepaid_principal: Decimal = ZERO
    principal_repaid: Decimal = ZERO
    schedule_before: list[dict[str, str | int]] | None = None
    schedule_after: list[Installment] | None = None
    pays_off: bool = False


def repayment_plan(
    loan: Loan,
    rows: list[Installment],
    amount: Decimal,
    value_date: date,
    prepayment_mode: PrepaymentMode | None,
) -> Plan:
    plan = Plan()
    if amount >= _payoff_total(rows, value_date) - loan.advance_amount:
        _true_up_interest(rows, value_date, plan, every_period=True)
        return _plan_payoff(loan, rows, amount, value_date, plan)
    # Short of the payoff: what was accrued is collectable; accrual itself is close of business.
    allocation = _allocate(loan, rows, amount, value_date)
    _take_allocation(allocation, plan)
    left = allocation.unallocated
    if prepayment_mode is not None and left > 0:
        return _plan_prepayment(loan, rows, left, value_date, prepayment_mode, plan)
    plan.advance = left
    plan.lines.append(credit(AccountCode.ADVANCE_LIABILITY, left))
    return plan


def _true_up_interest(
    rows: list[Installment], value_date: date, plan: Plan, *, every_period: bool
) -> None:
    """Accrue (or un-accrue) each row's interest to exactly its days before ``value_date``.

    Sets ``interest_accrued_amount`` on the rows in memory to what the plan will write.
    """
    for row in rows:
        if not every_period and not row.period_start <= value_date < row.due_date:
            continue
        target = earned_interest_before(row, value_date)
        delta = target - row.interest_accrued_amount
        if delta:
            plan.changes.append(Change(row.number, "interest_accrued_amount", delta))
            plan.lines += [
                debit(AccountCode.INTEREST_RECEIVABLE, delta, row.number),
                credit(AccountCode.INTEREST_INCOME, delta, row.number),
            ]
            row.interest_accrued_amount = target


def _payoff_total(rows: list[Installment], value_date: date) -> Decimal:
    """Return what closes the loan on ``value_date`` (PRODUCT §2.5), before the advance held."""
    total = ZERO
    for row in rows:
        balance = installment_balance(row)
        interest = (
            earned_interest_before(row, value_date)
            - row.interest_paid_amount
            - row.interest_waived_amount
        )
        fee = balance.fee if row.due_date <= value_date else ZERO
        total += balance.principal + interest + balance.penalty + fee
    return total


def _allocate(loan: Loan, rows: list[Installment], amount: Decimal, value_date: date) -> Allocation:
    return allocate(
        amount=amount,
        installments=[installment_balance(row) for row in rows],
        as_of=value_date,
        rules=rules_from_data(loan.allocation_rules),
    )


def _take_allocation(allocation: Allocation, plan: Plan) -> None:
    for part in allocation.parts:
        _pay(plan, part.number, part.component, part.amount)


def _pay(plan: Plan, number: int, component: Component, amount: Decimal) -> None:
    if amount <= 0:
        return
    plan.lines.append(credit(RECEIVABLE[component], amount, number))
    plan.changes.append(Change(number, PAID_FIELD[component], amount))
    plan.parts.append({"number": number, "component": str(component), "amount": str(amount)})
    if component is Component.PRINCIPAL:
        plan.principal_repaid += amount


def _plan_payoff(
    loan: Loan, rows: list[Installment], amount: Decimal, value_date: date, plan: Plan
) -> Plan:
    """Pay everything owed on ``value_date``; what is left is an overpayment (§2.5)."""
    plan.schedule_before = schedule_snapshot(rows)
    for row in rows:
        balance = installment_balance(row)
        for component in (Component.PENALTY, Component.FEE, Component.INTEREST):
            owed = balance.outstanding(component)
            if component is Component.FEE and row.due_date > value_date:
                owed = ZERO  # fees not yet due are not charged on a payoff
            _pay(plan, row.number, component, owed)
        _pay(plan, row.number, Component.PRINCIPAL, balance.principal)
        # The schedule now says what was earned: no interest or fee beyond the payoff date.
        row.interest_amount = row.interest_accrued_amount
        row.fee_amount = row.fee_charged_amount
    if loan.advance_amount:
        plan.lines.append(debit(AccountCode.ADVANCE_LIABILITY, loan.advance_amount))
    plan.overpayment = amount + loan.advance_amount - _paid(plan)
    plan.lines.append(credit(AccountCode.OVERPAYMENT_LIABILITY, plan.overpayment))
    plan.schedule_after = rows
    plan.pays_off = True
    return plan


def _paid(plan: Plan) -> Decimal:
    return sum((Decimal(p["amount"]) for p in plan.parts), ZERO)


def _plan_prepayment(
    loan: Loan,
    rows: list[Installment],
    left: Decimal,
    value_date: date,
    mode: PrepaymentMode,
    plan: Plan,
) -> Plan:
    """Settle the current period's interest to ``value_date``, prepay principal, re-amortise."""
    future = [row for row in rows if row.due_date > value_date]
    if not future or any(row.principal_paid_amount for row in future):
        raise RepaymentRefused("This loan has no future installments to prepay.")
    plan.schedule_before = schedule_snapshot(future)
    current = future[0]
    settled = ZERO
    if current.period_start <= value_date:
        _true_up_interest([current], value_date, plan, every_period=False)
        settled = earned_interest_before(current, value_date)
        owed = installment_balance(current).interest
        _pay(plan, current.number, Component.INTEREST, min(left, owed))
        left -= min(left, owed)
    outstanding = sum((row.principal_amount for row in future), ZERO)
    prepaid = min(left, outstanding - Decimal("0.01"))
    if prepaid <= 0:
        raise RepaymentRefused("Nothing is left to prepay after the interest due.")
    plan.prepaid_principal = prepaid
    plan.principal_repaid += prepaid
    plan.lines.append(credit(AccountCode.PRINCIPAL_RECEIVABLE, prepaid, current.number))
    plan.parts.append(
        {"number": current.number, "component": "PREPAID_PRINCIPAL", "amount": str(prepaid)}
    )
    plan.advance = left - prepaid
    plan.lines.append(credit(AccountCode.ADVANCE_LIABILITY, plan.advance))
    plan.schedule_after = _reamortised(
        loan, future, outstanding - prepaid, settled, value_date, mode
    )
    return plan


def _reamortised(
    loan: Loan,
    future: list[Installment],
    new_principal: Decimal,
    settled: Decimal,
    value_date: date,
    mode: PrepaymentMode,
) -> list[Installment]:
    result = reamortise(
        method=RepaymentMethod(loan.method),
        annual_rate=loan.annual_rate,
        fee=future[0].fee_amount,
        remaining=[
            RemainingInstallment(
                r.number,
                r.period_start,
                r.due_date,
                r.principal_amount,
                r.interest_amount,
                r.fee_amount,
            )
            for r in future
        ],
        new_principal=new_principal,
        settled_interest=settled,
        prepayment_date=value_date,
        mode=mode,
    )
    by_number = {row.number: row for row in future}
    rows = []
    for new in result.installments:
        row = by_number[new.number]
        row.principal_amount, row.interest_amount, row.fee_amount = (
            new.principal, new.interest, new.fee,
        )  # fmt: skip
        row.accrual_start_date, row.accrual_base_amount = new.accrual_start, new.accrual_base
        rows.append(row)
    return rows
