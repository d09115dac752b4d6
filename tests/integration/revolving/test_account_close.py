"""Closing a revolving account at the borrower's request (issue #18, PRODUCT §10, §13): only one
that owes nothing and holds nothing closes; closed, it takes no order, payment or refund, the
database refuses a closed account with money on it, and the bureau reports it ``C``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from loans.calendar.models import BusinessDate
from loans.revolving.models import (
    Order,
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingPaymentChannel,
)
from loans.revolving.services.accounts import RevolvingAccountNotClosed, revolving_account_close
from loans.revolving.services.orders import OrderNotCreated, order_capture
from loans.revolving.services.payments import (
    RevolvingPaymentRefused,
    credit_balance_refund,
    revolving_payment_post,
)
from loans.revolving.services.refunds import OrderNotRefunded, order_refund
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import TODAY, Shop, shop_with_account

pytestmark = pytest.mark.django_db


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _on(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def _buy(shop: Shop, amount: str, number: int, day: date = TODAY) -> Order:
    _on(day)
    return order_capture(order_id=shop.order(amount, number, now=_now(day)).pk, now=_now(day))


def _pay(shop: Shop, amount: str, reference: str, day: date) -> None:
    _on(day)
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=reference,
        now=_now(day),
    )


def _refused(shop: Shop, reason: str) -> None:
    with pytest.raises(RevolvingAccountNotClosed, match=reason):
        revolving_account_close(account_id=shop.account.pk, as_of=TODAY)
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    assert (account.status, account.closed_date) == (RevolvingAccountStatus.ACTIVE, None)


def test_an_account_that_never_bought_closes_and_its_line_stays() -> None:
    shop = shop_with_account()

    closed = revolving_account_close(account_id=shop.account.pk, as_of=TODAY)

    assert (closed.status, closed.closed_date) == (RevolvingAccountStatus.CLOSED, TODAY)
    shop.line.refresh_from_db()
    assert shop.line.status == "ACTIVE"
    with pytest.raises(RevolvingAccountNotClosed, match="closed already"):
        revolving_account_close(account_id=shop.account.pk, as_of=TODAY)


def test_an_unbilled_purchase_keeps_it_open_until_paid() -> None:
    shop = shop_with_account()
    _buy(shop, "300.00", 1)
    _refused(shop, "still owes")

    _pay(shop, "300.00", "P-1", TODAY)

    revolving_account_close(account_id=shop.account.pk, as_of=TODAY)
    assert_books_reconcile()


def test_an_unpaid_bill_keeps_it_open_and_a_credit_balance_must_be_refunded_first() -> None:
    shop = shop_with_account(statement_day=1)
    _buy(shop, "500.00", 1)
    statements_cut(statement_date=date(2027, 4, 1))
    _on(date(2027, 4, 2))
    _refused(shop, "still owes")

    _pay(shop, "520.00", "P-1", date(2027, 4, 2))  # ¥20.00 more than the bill
    _refused(shop, "credit balance of ¥20.00")

    credit_balance_refund(
        account_id=shop.account.pk,
        amount=Decimal("20.00"),
        reference="CR-1",
        now=_now(date(2027, 4, 2)),
    )
    revolving_account_close(account_id=shop.account.pk, as_of=date(2027, 4, 2))
    assert_books_reconcile()


def test_an_order_waiting_for_the_borrower_keeps_it_open() -> None:
    shop = shop_with_account()
    shop.order("99.00", 1)
    _refused(shop, "waiting for the borrower")


def test_closed_it_takes_no_order_payment_or_refund() -> None:
    shop = shop_with_account()
    bought = _buy(shop, "100.00", 1)
    _pay(shop, "100.00", "P-1", TODAY)
    revolving_account_close(account_id=shop.account.pk, as_of=TODAY)
    shop.account.refresh_from_db()

    with pytest.raises(OrderNotCreated, match="closed"):
        shop.order("50.00", 2)
    with pytest.raises(RevolvingPaymentRefused, match="closed"):
        _pay(shop, "10.00", "P-2", TODAY)
    with pytest.raises(OrderNotRefunded, match="closed revolving account"):
        order_refund(
            order_id=bought.pk, merchant_refund_id="R-1", amount=Decimal("10.00"), now=_now(TODAY)
        )
    assert_books_reconcile()


def test_the_database_refuses_a_closed_account_with_money_on_it() -> None:
    shop = shop_with_account()
    _buy(shop, "100.00", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RevolvingAccount.objects.filter(pk=shop.account.pk).update(
            status=RevolvingAccountStatus.CLOSED, closed_date=TODAY
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RevolvingAccount.objects.filter(pk=shop.account.pk).update(
            status=RevolvingAccountStatus.ACTIVE, closed_date=TODAY
        )
