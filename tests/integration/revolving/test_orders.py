"""Checkout orders on a revolving account (issue #18, PRODUCT §10): create, capture, expire.

The purchase shares the credit line's limit with cash loans and is posted Dr revolving
principal receivable, Cr merchant settlement payable, in the account's sub-ledger.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loans.events.models import OutboxEvent
from loans.ledger.models import JournalLine
from loans.origination.services.drawdown import CreditLimitExceeded
from loans.revolving.models import Order, OrderStatus
from loans.revolving.services.accounts import RevolvingAccountNotOpened, revolving_account_open
from loans.revolving.services.orders import (
    OrderConflict,
    OrderExpired,
    OrderNotCaptured,
    OrderNotCreated,
    OrderOverLimit,
    order_capture,
    order_create,
    orders_expire,
)
from loans.servicing.models import CreditLineStatus
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import NOW, TODAY, Shop, shop_with_account

pytestmark = pytest.mark.django_db


def state(shop: Shop) -> dict[str, object]:
    """Everything a refused capture must leave unchanged."""
    shop.line.refresh_from_db()
    shop.account.refresh_from_db()
    return {
        "used": shop.line.used_amount,
        "principal": shop.account.principal_amount,
        "lines": JournalLine.objects.count(),
        "events": OutboxEvent.objects.count(),
        "orders": list(Order.objects.values_list("pk", "status", "captured_at")),
    }


def test_a_captured_order_takes_the_limit_and_is_owed_to_the_shop() -> None:
    shop = shop_with_account(limit="5000.00")
    order = shop.order("1299.00")

    captured = order_capture(order_id=order.pk, now=NOW + timedelta(minutes=3))

    assert (captured.status, captured.captured_date) == (OrderStatus.CAPTURED, TODAY)
    assert captured.captured_at == NOW + timedelta(minutes=3)
    shop.line.refresh_from_db()
    shop.account.refresh_from_db()
    assert shop.line.used_amount == Decimal("1299.00")
    assert shop.account.principal_amount == Decimal("1299.00")
    lines = JournalLine.objects.filter(entry=captured.entry)
    assert sorted((line.account, line.amount, line.revolving_account_id) for line in lines) == [
        ("MERCHANT_PAYABLE", Decimal("-1299.00"), shop.account.pk),
        ("REVOLVING_RECEIVABLE", Decimal("1299.00"), shop.account.pk),
    ]
    assert captured.entry is not None
    assert (captured.entry.entry_type, captured.entry.value_date) == ("PURCHASE", TODAY)
    event = OutboxEvent.objects.get(event_type="order.captured")
    assert (event.partner_id, event.data) == (
        shop.partner.pk,
        {
            "order_id": order.pk,
            "merchant_order_id": "SHOP-0001",
            "amount": "1299.00",
            "captured_date": "2027-03-15",
        },
    )
    assert_books_reconcile()


def test_capturing_again_changes_nothing() -> None:
    shop = shop_with_account()
    order = shop.order("300.00")
    order_capture(order_id=order.pk, now=NOW)
    before = state(shop)

    again = order_capture(order_id=order.pk, now=NOW + timedelta(minutes=1))

    assert again.captured_at == NOW
    assert state(shop) == before


def test_the_same_order_sent_twice_is_one_order_and_a_different_one_under_its_id_is_refused():
    shop = shop_with_account()
    first = shop.order("300.00")

    again, created = order_create(
        partner=shop.partner,
        account=shop.account,
        merchant_order_id="SHOP-0001",
        amount=Decimal("300.00"),
        description="小米手机 Redmi Note",
        now=NOW + timedelta(seconds=5),
    )
    with pytest.raises(OrderConflict, match="used for a different order"):
        order_create(
            partner=shop.partner,
            account=shop.account,
            merchant_order_id="SHOP-0001",
            amount=Decimal("301.00"),
            description="小米手机 Redmi Note",
            now=NOW,
        )

    assert (again.pk, created) == (first.pk, False)
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "description", "message"),
    [
        ("0.00", "a phone", "from 0.01 to 30000.00"),
        ("30000.01", "a phone", "from 0.01 to 30000.00"),
        ("10.001", "a phone", "two decimals"),
        ("10.00", "   ", "description"),
    ],
)
def test_an_order_out_of_range_is_refused_and_nothing_is_written(amount, description, message):
    shop = shop_with_account()

    with pytest.raises(OrderNotCreated, match=message):
        order_create(
            partner=shop.partner,
            account=shop.account,
            merchant_order_id="SHOP-9",
            amount=Decimal(amount),
            description=description,
            now=NOW,
        )

    assert not Order.objects.exists()


def test_an_order_not_confirmed_in_fifteen_minutes_expires_and_cannot_be_captured() -> None:
    shop = shop_with_account()
    order = shop.order("300.00")
    waiting = shop.order("200.00", number=2, now=NOW + timedelta(minutes=1))
    before = state(shop)

    with pytest.raises(OrderExpired, match="expired at"):
        order_capture(order_id=order.pk, now=NOW + timedelta(minutes=15))
    assert state(shop) == before

    assert orders_expire(now=NOW + timedelta(minutes=15)) == 1
    assert orders_expire(now=NOW + timedelta(minutes=15)) == 0
    order.refresh_from_db()
    waiting.refresh_from_db()
    assert (order.status, waiting.status) == (OrderStatus.EXPIRED, OrderStatus.CREATED)
    with pytest.raises(OrderExpired):
        order_capture(order_id=order.pk, now=NOW)


def test_an_order_over_what_the_line_has_left_is_refused_and_nothing_changes() -> None:
    shop = shop_with_account(limit="1000.00")
    order_capture(order_id=shop.order("700.00").pk, now=NOW)
    over = shop.order("300.01", number=2)
    before = state(shop)

    with pytest.raises(OrderOverLimit, match=r"more than the 300\.00 available"):
        order_capture(order_id=over.pk, now=NOW)

    assert state(shop) == before
    fits = shop.order("300.00", number=3)
    assert order_capture(order_id=fits.pk, now=NOW).status == OrderStatus.CAPTURED


def test_purchases_and_cash_loans_share_one_limit() -> None:
    shop = shop_with_account(limit="5000.00")
    order_capture(order_id=shop.order("4500.00").pk, now=NOW)

    with pytest.raises(CreditLimitExceeded):
        draw(shop.line.borrower, principal="1000.00", term=6, as_of=TODAY)
    loan = draw(shop.line.borrower, principal="500.00", term=6, as_of=TODAY)

    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("5000.00")
    with pytest.raises(OrderOverLimit, match=r"the 0\.00 available"):
        order_capture(order_id=shop.order("0.01", number=2).pk, now=NOW)
    assert loan.principal_amount == Decimal("500.00")
    assert_books_reconcile()


def test_a_frozen_line_captures_nothing() -> None:
    shop = shop_with_account()
    order = shop.order("100.00")
    shop.line.status = CreditLineStatus.FROZEN
    shop.line.frozen_reason = "PAST_DUE"
    shop.line.frozen_on = TODAY
    shop.line.save()
    before = state(shop)

    with pytest.raises(OrderNotCaptured, match="frozen since 2027-03-15"):
        order_capture(order_id=order.pk, now=NOW)

    assert state(shop) == before


def test_a_line_has_one_revolving_account_with_a_statement_day_from_1_to_28() -> None:
    shop = shop_with_account(statement_day=28)

    with pytest.raises(RevolvingAccountNotOpened, match="already has"):
        revolving_account_open(borrower=shop.line.borrower, product_code="huabei", as_of=TODAY)

    assert shop.account.statement_day == 28
