"""A partner's refund of a captured order (PRODUCT §10): whole or in part, idempotent.

A purchase not yet on a bill shrinks: the refunded principal leaves the account and the line
(the limit comes back by it) and is no longer owed to the partner (Dr merchant settlement
payable, Cr revolving principal receivable). A purchase already on a bill is refused for now:
its refund is a credit allocated as a payment, and payments are not built yet.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loans.calendar.selectors import business_date_held
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit, entry_post
from loans.revolving.models import Order, OrderStatus, Refund, RevolvingAccount
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
    what is left of the order); nothing is written then.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    earlier = Refund.objects.filter(order=order, merchant_refund_id=merchant_refund_id).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise RefundConflict(
                f"The refund id {merchant_refund_id} was used for a refund of {earlier.amount}."
            )
        return earlier, False
    _refund_check(order, amount)
    refund = _refund_post(order, merchant_refund_id, amount, now)
    _refunded_tell(order, refund)
    logger.info("order %s refunded %s (refund %s)", order.pk, amount, refund.pk)
    return refund, True


def _refund_check(order: Order, amount: Decimal) -> None:
    if order.status != OrderStatus.CAPTURED:
        raise OrderNotRefunded(f"Order {order.pk} was not captured: there is nothing to refund.")
    if order.statement_id is not None:
        # A billed purchase's refund is a credit allocated as a payment (§10): payments on
        # revolving accounts are not built yet (docs/revolving.md), so it is refused whole.
        raise OrderNotRefunded(
            f"Order {order.pk} is on a bill already; refunds of billed purchases are not "
            "supported yet."
        )
    left = order.amount - order.refunded_amount - order.paid_amount
    if amount != amount.quantize(Decimal("0.01")) or not Decimal("0.01") <= amount <= left:
        raise OrderNotRefunded(f"A refund of order {order.pk} is from 0.01 to {left}.")


def _refund_post(order: Order, merchant_refund_id: str, amount: Decimal, now: datetime) -> Refund:
    as_of = business_date_held()
    account_id = order.account_id
    line_id = RevolvingAccount.objects.values_list("credit_line_id", flat=True).get(pk=account_id)
    CreditLine.objects.select_for_update().filter(pk=line_id).update(
        used_amount=F("used_amount") - amount, updated_at=timezone.now()
    )
    RevolvingAccount.objects.filter(pk=account_id).update(
        principal_amount=F("principal_amount") - amount
    )
    entry = entry_post(
        entry_type=EntryType.PURCHASE_REFUND,
        value_date=as_of,
        lines=[
            debit(AccountCode.MERCHANT_PAYABLE, amount),
            credit(AccountCode.REVOLVING_RECEIVABLE, amount),
        ],
        revolving_account_id=account_id,
        key=f"order-{order.pk}-refund-{merchant_refund_id}",
        memo=f"Refund of order {order.pk}",
    )
    Order.objects.filter(pk=order.pk).update(refunded_amount=F("refunded_amount") + amount)
    order.refresh_from_db(fields=["refunded_amount"])
    return Refund.objects.create(
        order=order,
        merchant_refund_id=merchant_refund_id,
        amount=amount,
        value_date=as_of,
        created_at=now,
        entry=entry,
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
