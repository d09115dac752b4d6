"""Checkout orders (PRODUCT §10): created by the partner, captured once the borrower confirms.

Capture is where money moves: under the credit line's lock it takes the amount from the
available limit (the line's check constraint is the last word), posts Dr revolving principal
receivable, Cr merchant settlement payable, and tells the partner. Orders not confirmed in
time are expired by a set-based sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Partner
from loans.calendar.selectors import business_date_held
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit, entry_post
from loans.revolving.models import Order, OrderStatus, RevolvingAccount, RevolvingAccountStatus
from loans.servicing.models import CreditLine, CreditLineStatus

logger = logging.getLogger(__name__)

MAX_ORDER_AMOUNT = Decimal("30000.00")  # no line is larger (PRODUCT §6)


class OrderNotCreated(LendingError):
    code = "order_not_created"


class OrderConflict(OrderNotCreated):
    """The partner's order id was used before for a different order."""

    code = "order_conflict"


class OrderNotCaptured(LendingError):
    code = "order_not_captured"


class OrderExpired(OrderNotCaptured):
    code = "order_expired"


class OrderOverLimit(OrderNotCaptured):
    code = "credit_limit_exceeded"


def order_create(
    *,
    partner: Partner,
    account: RevolvingAccount,
    merchant_order_id: str,
    amount: Decimal,
    description: str,
    now: datetime,
) -> tuple[Order, bool]:
    """Create the partner's order, or return the one it made before with the same id.

    Returns (order, created). Raises OrderConflict when the id was used for another order,
    OrderNotCreated for an amount out of range, a closed account or an empty description.
    """
    _order_check(account, amount, description)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                partner=partner,
                account=account,
                merchant_order_id=merchant_order_id,
                amount=amount,
                description=description.strip(),
                created_at=now,
                expires_at=now + timedelta(minutes=account.product.order_expiry_minutes),
            )
    except IntegrityError:  # the partner sent this id before (or at the same moment)
        return _order_replayed(partner, account, merchant_order_id, amount, description), False
    logger.info("order %s created for revolving account %s", order.pk, account.pk)
    return order, True


def _order_check(account: RevolvingAccount, amount: Decimal, description: str) -> None:
    if account.status != RevolvingAccountStatus.ACTIVE:
        raise OrderNotCreated("The revolving account is closed.")
    if not Decimal("0.01") <= amount <= MAX_ORDER_AMOUNT:
        raise OrderNotCreated(f"The amount must be from 0.01 to {MAX_ORDER_AMOUNT}.")
    if amount != amount.quantize(Decimal("0.01")):
        raise OrderNotCreated("The amount has at most two decimals (fen).")
    if not description.strip():
        raise OrderNotCreated("The order needs a description the borrower will see.")


def _order_replayed(
    partner: Partner,
    account: RevolvingAccount,
    merchant_order_id: str,
    amount: Decimal,
    description: str,
) -> Order:
    order = Order.objects.get(partner=partner, merchant_order_id=merchant_order_id)
    same = (order.account_id, order.amount, order.description) == (
        account.pk,
        amount,
        description.strip(),
    )
    if not same:
        raise OrderConflict(
            f"The order id {merchant_order_id} was used for a different order {order.pk}."
        )
    return order


@transaction.atomic
def order_capture(*, order_id: int, now: datetime) -> Order:
    """Capture a confirmed order on the open business date; capturing it again changes nothing.

    Raises OrderExpired once its minutes have passed, OrderOverLimit when the amount is more
    than the line has available, OrderNotCaptured when the line is frozen or the account
    closed. Nothing is written on a refusal.
    """
    order = Order.objects.select_for_update().select_related("account").get(pk=order_id)
    if order.status == OrderStatus.CAPTURED:
        return order
    if order.status == OrderStatus.EXPIRED or now >= order.expires_at:
        raise OrderExpired(f"Order {order.pk} expired at {order.expires_at:%Y-%m-%d %H:%M}.")
    account = order.account
    if account.status != RevolvingAccountStatus.ACTIVE:
        raise OrderNotCaptured("The revolving account is closed.")
    line = _line_with_room(account.credit_line_id, order.amount)
    as_of = business_date_held()
    CreditLine.objects.filter(pk=line.pk).update(
        used_amount=F("used_amount") + order.amount, updated_at=timezone.now()
    )
    RevolvingAccount.objects.filter(pk=account.pk).update(
        principal_amount=F("principal_amount") + order.amount
    )
    order.entry = entry_post(
        entry_type=EntryType.PURCHASE,
        value_date=as_of,
        lines=[
            debit(AccountCode.REVOLVING_RECEIVABLE, order.amount),
            credit(AccountCode.MERCHANT_PAYABLE, order.amount),
        ],
        revolving_account_id=account.pk,
        key=f"order-{order.pk}-capture",
        memo=f"Purchase, order {order.pk}",
    )
    order.status = OrderStatus.CAPTURED
    order.captured_at = now
    order.captured_date = as_of
    order.save(update_fields=["entry", "status", "captured_at", "captured_date"])
    _captured_tell(order)
    logger.info("order %s captured on revolving account %s", order.pk, account.pk)
    return order


def _line_with_room(line_id: int, amount: Decimal) -> CreditLine:
    line = CreditLine.objects.select_for_update().get(pk=line_id)
    if line.status != CreditLineStatus.ACTIVE:
        raise OrderNotCaptured(f"The credit line is frozen since {line.frozen_on}.")
    if amount > line.available_amount:
        raise OrderOverLimit(
            f"The order of {amount} is more than the {line.available_amount} available on the "
            "credit line."
        )
    return line


def _captured_tell(order: Order) -> None:
    outbox_event_write(
        partner_id=order.partner_id,
        event_type=WebhookEventType.ORDER_CAPTURED,
        data={
            "order_id": order.pk,
            "merchant_order_id": order.merchant_order_id,
            "amount": f"{order.amount:.2f}",
            "captured_date": order.captured_date.isoformat() if order.captured_date else None,
        },
    )


def orders_expire(*, now: datetime) -> int:
    """Expire every order still waiting for its borrower whose minutes have passed; how many."""
    expired = Order.objects.filter(status=OrderStatus.CREATED, expires_at__lte=now).update(
        status=OrderStatus.EXPIRED
    )
    if expired:
        logger.info("%s checkout orders expired", expired)
    return expired
