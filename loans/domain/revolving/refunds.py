"""Refunds of captured purchases (PRODUCT §10).

- Unbilled purchase: it shrinks, by at most what is left of it (the borrower may have paid part
  of it already); any rest is a credit allocated as a payment.
- Billed purchase: the whole refund is a credit allocated as a payment.
- Purchase on a plan: the unbilled installments shrink from the last one back; an installment
  refunded in full loses its fee, one refunded in part keeps round(fee * principal left /
  principal before), HALF_UP (the fee follows the principal); merchant-paid fees shrink the
  same way. What the unbilled installments cannot take is a credit allocated as a payment.

The limit comes back by the principal refunded (available_limit reads principal outstanding).
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, round_money, sum_amounts
from loans.domain.revolving.allocation import PaymentAllocation, payment_allocate
from loans.domain.revolving.state import (
    AccountState,
    FeePayer,
    InstallmentPlan,
    PlanInstallment,
    Purchase,
    require_fen,
)


class RefundRefused(DomainError):
    """A refund names an unknown purchase or is more than what is left to refund."""


@dataclass(frozen=True, slots=True)
class RefundResult:
    """How a refund was applied: shrunk unbilled principal, fees dropped, credit allocated."""

    amount: Decimal
    unbilled_principal_reduced: Decimal
    borrower_fees_removed: Decimal
    merchant_fees_removed: Decimal
    credit: PaymentAllocation


def refund_apply(
    state: AccountState, *, purchase_id: str, amount: Decimal
) -> tuple[AccountState, RefundResult]:
    """Refund ``amount`` of the purchase ``purchase_id`` (module docstring).

    Raises RefundRefused for an unknown purchase or more than amount - refunded, and
    InvalidRevolvingAmount for an amount that is not positive whole fen.
    """
    require_fen(amount, name="Refund amount")
    purchase = state.purchase(purchase_id)
    if purchase is None:
        raise RefundRefused(f"There is no purchase {purchase_id}.")
    with decimal_context():
        if amount > purchase.amount - purchase.refunded:
            raise RefundRefused("The refund is more than what is left of the purchase.")
        refunded = replace(purchase, refunded=purchase.refunded + amount)
    if purchase.plan_id is not None:
        return _refund_plan(state, refunded, amount)
    return _refund_plain(state, refunded, amount)


def _refund_plain(
    state: AccountState, purchase: Purchase, amount: Decimal
) -> tuple[AccountState, RefundResult]:
    shrink = min(amount, purchase.unbilled_principal)
    with decimal_context():
        purchase = replace(purchase, unbilled_principal=purchase.unbilled_principal - shrink)
        credit = amount - shrink
    state = _with_purchase(state, purchase)
    state, allocation = payment_allocate(state, amount=credit)
    return state, RefundResult(amount, shrink, ZERO, ZERO, allocation)


def _refund_plan(
    state: AccountState, purchase: Purchase, amount: Decimal
) -> tuple[AccountState, RefundResult]:
    plan = state.plan(purchase.plan_id or "")
    if plan is None:
        raise RefundRefused(f"The plan of purchase {purchase.purchase_id} is missing.")
    shrunk_plan, shrink, fees_removed = shrink_plan(plan, amount, state.last_statement_date)
    plans = tuple(shrunk_plan if p.plan_id == plan.plan_id else p for p in state.plans)
    state = replace(_with_purchase(state, purchase), plans=plans)
    with decimal_context():
        credit = amount - shrink
    state, allocation = payment_allocate(state, amount=credit)
    merchant = plan.fee_payer is FeePayer.MERCHANT
    return state, RefundResult(
        amount,
        shrink,
        ZERO if merchant else fees_removed,
        fees_removed if merchant else ZERO,
        allocation,
    )


def shrink_plan(
    plan: InstallmentPlan, amount: Decimal, last_statement_date: date | None
) -> tuple[InstallmentPlan, Decimal, Decimal]:
    """Return the plan with its unbilled installments shrunk by up to ``amount``, last first.

    Also returns the principal taken off and the fees removed. Billed installments are untouched.
    """
    unbilled = {i.number for i in plan.unbilled(last_statement_date)}
    left = amount
    rows: list[PlanInstallment] = []
    with decimal_context():
        for row in reversed(plan.installments):
            if row.number in unbilled and left > 0:
                take = min(left, row.principal)
                left -= take
                principal = row.principal - take
                fee = round_money(row.fee * principal / row.principal) if row.principal else row.fee
                row = replace(row, principal=principal, fee=fee)
            rows.append(row)
        rows.reverse()
        before = sum_amounts(i.principal + i.fee for i in plan.installments)
        shrink = amount - left
        fees_removed = before - shrink - sum_amounts(i.principal + i.fee for i in rows)
    kept = tuple(r for r in rows if r.principal > 0 or r.number not in unbilled)
    return replace(plan, installments=kept), shrink, fees_removed


def _with_purchase(state: AccountState, purchase: Purchase) -> AccountState:
    purchases = tuple(
        purchase if p.purchase_id == purchase.purchase_id else p for p in state.purchases
    )
    return replace(state, purchases=purchases)
