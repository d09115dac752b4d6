"""A partner's refund of a captured order (PRODUCT §10): whole or in part, idempotent, as the
domain's ``loans.domain.revolving.refunds.refund_apply`` decides:

- a purchase not billed yet shrinks by what is left of it (the borrower may have paid part);
- a purchase on a bill is a credit allocated as a payment (penalty, interest, fees, the unpaid
  minimum, …; ``loans.revolving.services.payments``), the rest a credit balance;
- a purchase on an installment plan shrinks its installments not billed yet from the last one
  back, their fees with them; what they cannot take is a credit allocated as a payment.

The refund is no longer owed to the partner: Dr MERCHANT_PAYABLE; Cr REVOLVING_RECEIVABLE by
the principal that shrank, the receivables the credit paid, OVERPAYMENT_LIABILITY for the rest.
The limit comes back by the principal refunded. Under the account's lock (as a payment takes
it), then the order's.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loans.calendar.selectors import business_date_held
from loans.domain.errors import DomainError
from loans.domain.revolving.refunds import RefundResult, refund_apply
from loans.domain.revolving.state import AccountState, Purchase
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import Line, credit, debit, entry_post
from loans.revolving.models import (
    InstallmentPlan,
    Order,
    OrderStatus,
    PlanInstallment,
    Refund,
    RevolvingAccount,
    RevolvingAccountStatus,
    Statement,
)
from loans.revolving.services.payments import allocation_credits, allocation_write
from loans.revolving.services.state import (
    account_bills,
    account_state,
    unbilled_orders,
)
from loans.servicing.models import CreditLine

logger = logging.getLogger(__name__)


class OrderNotRefunded(LendingError):
    code = "order_not_refunded"


class RefundConflict(OrderNotRefunded):
    """The partner's refund id was used before for another amount."""

    code = "refund_conflict"


@transaction.atomic
def order_refund(
    *, order_id: int, merchant_refund_id: str, amount: Decimal, now: datetime
) -> tuple[Refund, bool]:
    """Refund ``amount`` of a captured order; the same refund id again returns the first.

    Returns (refund, created). Raises RefundConflict for a refund id used with another
    amount, OrderNotRefunded for an order not captured or an amount out of range (more than
    what is left of the order: its amount less what was refunded); nothing is written then.
    """
    account_id = Order.objects.values_list("account_id", flat=True).get(pk=order_id)
    account = (
        RevolvingAccount.objects.select_for_update()
        .select_related("credit_line")
        .get(pk=account_id)
    )
    order = Order.objects.select_for_update().get(pk=order_id)
    earlier = Refund.objects.filter(order=order, merchant_refund_id=merchant_refund_id).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise RefundConflict(
                f"The refund id {merchant_refund_id} was used for a refund of {earlier.amount}."
            )
        return earlier, False
    _refund_check(order, amount)
    if account.status != RevolvingAccountStatus.ACTIVE:
        raise OrderNotRefunded(
            f"Order {order.pk} is on a closed revolving account: refund the buyer directly."
        )
    entry = _refund_post(account, order, merchant_refund_id, amount)
    order.refresh_from_db(fields=["refunded_amount"])
    refund = Refund.objects.create(
        order=order,
        merchant_refund_id=merchant_refund_id,
        amount=amount,
        value_date=entry.value_date,
        created_at=now,
        entry=entry,
    )
    _refunded_tell(order, refund)
    logger.info("order %s refunded %s (refund %s)", order.pk, amount, refund.pk)
    return refund, True


def _refund_check(order: Order, amount: Decimal) -> None:
    if order.status != OrderStatus.CAPTURED:
        raise OrderNotRefunded(f"Order {order.pk} was not captured: there is nothing to refund.")
    left = order.amount - order.refunded_amount
    if amount != amount.quantize(Decimal("0.01")) or not Decimal("0.01") <= amount <= left:
        raise OrderNotRefunded(f"A refund of order {order.pk} is from 0.01 to {left}.")


def _refund_post(
    account: RevolvingAccount, order: Order, merchant_refund_id: str, amount: Decimal
) -> JournalEntry:
    bills = account_bills(account)
    orders = [o for o in unbilled_orders(account) if o.pk != order.pk]
    plan = InstallmentPlan.objects.filter(order=order).prefetch_related("installments").first()
    unbilled = order.statement_id is None and plan is None
    state = _state_with(account, bills, [*orders, order] if unbilled else orders, order, plan)
    try:
        new_state, result = refund_apply(state, purchase_id=str(order.pk), amount=amount)
    except DomainError as exc:  # pragma: no cover - _refund_check refuses the same first
        raise OrderNotRefunded(str(exc)) from exc
    order.refunded_amount += amount
    order.paid_amount = _paid_after(order, new_state, unbilled)
    Order.objects.filter(pk=order.pk).update(
        refunded_amount=order.refunded_amount, paid_amount=order.paid_amount
    )
    allocation_write(account, bills, orders, new_state, result.credit)
    if plan is not None:
        _plan_write(plan, new_state)
    shrunk = result.unbilled_principal_reduced
    if shrunk:
        RevolvingAccount.objects.filter(pk=account.pk).update(
            principal_amount=F("principal_amount") - shrunk
        )
        CreditLine.objects.filter(pk=account.credit_line_id).update(
            used_amount=F("used_amount") - shrunk, updated_at=timezone.now()
        )
    return entry_post(
        entry_type=EntryType.PURCHASE_REFUND,
        value_date=business_date_held(),
        lines=_refund_lines(amount, result),
        revolving_account_id=account.pk,
        key=f"order-{order.pk}-refund-{merchant_refund_id}",
        memo=f"Refund of order {order.pk}",
    )


def _paid_after(order: Order, new_state: AccountState, unbilled: bool) -> Decimal:
    """What the order has had paid before billing, after the refund: for an unbilled order,
    what the domain left of it; otherwise at most what is left of the order."""
    purchase = new_state.purchase(str(order.pk))
    if unbilled and purchase is not None:
        return order.amount - order.refunded_amount - purchase.unbilled_principal
    return min(order.paid_amount, order.amount - order.refunded_amount)


def _refund_lines(amount: Decimal, result: RefundResult) -> list[Line]:
    return [
        debit(AccountCode.MERCHANT_PAYABLE, amount),
        credit(AccountCode.REVOLVING_RECEIVABLE, result.unbilled_principal_reduced),
        *allocation_credits(result.credit),
        credit(AccountCode.OVERPAYMENT_LIABILITY, result.credit.to_credit),
    ]


def _state_with(
    account: RevolvingAccount,
    bills: list[Statement],
    orders: list[Order],
    order: Order,
    plan: InstallmentPlan | None,
) -> AccountState:
    """The account as the domain sees it, with ``order`` among its purchases however it
    stands: unbilled (in ``orders``), on a bill, or on a plan."""
    if plan is not None:
        return account_state(account, bills, orders, plans=[plan], plan_orders=[order])
    state = account_state(account, bills, orders, plans=[])
    if order.statement is None:
        return state
    billed = Purchase(
        purchase_id=str(order.pk),
        purchase_date=order.captured_date or account.opened_date,
        amount=order.amount,
        refunded=order.refunded_amount,
        statement_date=order.statement.statement_date,
    )
    return replace(state, purchases=(*state.purchases, billed))


def _plan_write(plan: InstallmentPlan, new_state: AccountState) -> None:
    """Write the shrunk plan's installments back; those refunded whole are deleted."""
    shrunk = new_state.plan(str(plan.pk))
    kept = {i.number: i for i in shrunk.installments} if shrunk else {}
    for row in plan.installments.all():
        if row.statement_id is not None:
            continue
        now = kept.get(row.number)
        if now is None:
            PlanInstallment.objects.filter(pk=row.pk).delete()
        elif (now.principal, now.fee) != (row.principal_amount, row.fee_amount):
            PlanInstallment.objects.filter(pk=row.pk).update(
                principal_amount=now.principal, fee_amount=now.fee
            )


def _refunded_tell(order: Order, refund: Refund) -> None:
    outbox_event_write(
        partner_id=order.partner_id,
        event_type=WebhookEventType.ORDER_REFUNDED,
        data={
            "order_id": order.pk,
            "merchant_order_id": order.merchant_order_id,
            "refund_id": refund.pk,
            "merchant_refund_id": refund.merchant_refund_id,
            "amount": f"{refund.amount:.2f}",
            "refunded": f"{order.refunded_amount:.2f}",
        },
    )
