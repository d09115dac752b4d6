"""Checkout orders (PRODUCT §10): created by the partner, captured once the borrower confirms.

Capture is where money moves: under the order's and its account's lock, then the credit
line's, it takes the amount from the available limit (the line's check constraint is the last
word), posts Dr revolving principal receivable, Cr merchant settlement payable, uses the
account's credit balance on it (if any), and tells the partner. Orders not confirmed in
time are expired by a set-based sweep.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Partner
from loans.calendar.selectors import business_date_held
from loans.domain.errors import DomainError
from loans.domain.revolving.calendar import next_statement_date
from loans.domain.revolving.installments import installment_quote, plan_from_quote
from loans.domain.revolving.state import FeePayer
from loans.domain.revolving.state import InstallmentPlan as DomainPlan
from loans.domain.revolving.state import PlanKind as DomainPlanKind
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit, entry_post
from loans.revolving.models import (
    Order,
    OrderStatus,
    PlanKind,
    RevolvingAccount,
    RevolvingAccountStatus,
)
from loans.revolving.services.installments import plan_write
from loans.revolving.services.payments import credit_balance_use
from loans.revolving.services.state import product_terms
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
    plan_term: int | None = None,
    merchant_subsidised: bool = False,
) -> tuple[Order, bool]:
    """Create the partner's order, or return the one it made before with the same id. With
    ``plan_term`` the purchase goes on an installment plan (交易分期) of that many months;
    ``merchant_subsidised`` makes the partner pay its fees (免息: the borrower's APR is 0).

    Returns (order, created). Raises OrderConflict when the id was used for another order,
    OrderNotCreated for an amount out of range, a closed account, an empty description, or a
    plan the product does not offer (a term outside its fee table, under ¥100, a subsidy
    without a plan, an APR above the cap).
    """
    _order_check(account, amount, description)
    if plan_term is not None or merchant_subsidised:
        _plan_check(account, amount, plan_term, merchant_subsidised)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                partner=partner,
                account=account,
                merchant_order_id=merchant_order_id,
                amount=amount,
                description=description.strip(),
                plan_term=plan_term,
                merchant_subsidised=merchant_subsidised,
                created_at=now,
                expires_at=now + timedelta(minutes=account.product.order_expiry_minutes),
            )
    except IntegrityError:  # the partner sent this id before (or at the same moment)
        asked = (account.pk, amount, description.strip(), plan_term, merchant_subsidised)
        return _order_replayed(partner, merchant_order_id, asked), False
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


def _plan_check(
    account: RevolvingAccount, amount: Decimal, plan_term: int | None, subsidised: bool
) -> None:
    if plan_term is None:
        raise OrderNotCreated("A merchant-subsidised order needs an installment plan.")
    terms = product_terms(account.product)
    if amount < terms.bill_installment_minimum:
        raise OrderNotCreated(
            f"An installment plan needs an amount of at least {terms.bill_installment_minimum}."
        )
    try:
        installment_quote(
            amount=amount,
            term=plan_term,
            first_statement_date=date(2000, 1, 1),  # any: the APR depends on the amounts only
            terms=terms,
            fee_payer=FeePayer.MERCHANT if subsidised else FeePayer.BORROWER,
        )
    except DomainError as exc:
        raise OrderNotCreated(str(exc)) from exc


def _order_replayed(partner: Partner, merchant_order_id: str, asked: tuple[object, ...]) -> Order:
    order = Order.objects.get(partner=partner, merchant_order_id=merchant_order_id)
    same = (
        order.account_id,
        order.amount,
        order.description,
        order.plan_term,
        order.merchant_subsidised,
    ) == asked
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
    plan = _order_plan(order, account, as_of) if order.plan_term else None
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
    if plan is not None:
        plan_write(
            account,
            plan,
            kind=PlanKind.PURCHASE,
            order_id=order.pk,
            reference=f"order-{order.pk}",
            as_of=as_of,
            now=now,
        )
    account.refresh_from_db()
    credit_balance_use(account, as_of=as_of)  # a credit balance pays the next purchase (§10)
    _captured_tell(order)
    logger.info("order %s captured on revolving account %s", order.pk, account.pk)
    return order


def _order_plan(order: Order, account: RevolvingAccount, as_of: date) -> DomainPlan:
    """The order's installment plan (交易分期): installment 1 on the bill of the capture's
    cycle (the next statement date after ``as_of``)."""
    try:
        quote = installment_quote(
            amount=order.amount,
            term=order.plan_term or 0,
            first_statement_date=next_statement_date(
                after=as_of, statement_day=account.statement_day
            ),
            terms=product_terms(account.product),
            fee_payer=FeePayer.MERCHANT if order.merchant_subsidised else FeePayer.BORROWER,
        )
    except DomainError as exc:
        raise OrderNotCaptured(str(exc)) from exc
    return plan_from_quote(quote, plan_id=f"order-{order.pk}", kind=DomainPlanKind.PURCHASE)


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
