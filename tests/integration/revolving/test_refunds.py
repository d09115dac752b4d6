"""Refunds of a captured checkout order (issue #18, PRODUCT §10): whole or in part, once per
refund id; the purchase shrinks and the limit comes back by what is refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loans.events.models import OutboxEvent
from loans.ledger.models import JournalLine
from loans.revolving.models import Order, Refund
from loans.revolving.services.orders import order_capture
from loans.revolving.services.refunds import OrderNotRefunded, RefundConflict, order_refund
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import NOW, TODAY, Shop, shop_with_account

pytestmark = pytest.mark.django_db


def captured(shop: Shop, amount: str = "1000.00", number: int = 1) -> Order:
    return order_capture(order_id=shop.order(amount, number).pk, now=NOW)


def balances(shop: Shop) -> tuple[Decimal, Decimal, Decimal]:
    shop.line.refresh_from_db()
    shop.account.refresh_from_db()
    refunded = Order.objects.get(account=shop.account).refunded_amount
    return shop.line.used_amount, shop.account.principal_amount, refunded


def test_a_part_refund_gives_the_limit_back_and_is_no_longer_owed_to_the_shop() -> None:
    shop = shop_with_account(limit="5000.00")
    order = captured(shop)

    refund, created = order_refund(
        order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("300.00"), now=NOW
    )

    assert created
    assert (refund.amount, refund.value_date) == (Decimal("300.00"), TODAY)
    assert balances(shop) == (Decimal("700.00"), Decimal("700.00"), Decimal("300.00"))
    lines = JournalLine.objects.filter(entry=refund.entry)
    assert sorted((line.account, line.amount) for line in lines) == [
        ("MERCHANT_PAYABLE", Decimal("300.00")),
        ("REVOLVING_RECEIVABLE", Decimal("-300.00")),
    ]
    event = OutboxEvent.objects.get(event_type="order.refunded")
    assert event.data == {
        "order_id": order.pk,
        "merchant_order_id": "SHOP-0001",
        "refund_id": refund.pk,
        "merchant_refund_id": "RF-1",
        "amount": "300.00",
        "refunded": "300.00",
    }
    assert_books_reconcile()


def test_the_same_refund_sent_again_is_the_first_and_another_amount_under_its_id_is_refused():
    shop = shop_with_account()
    order = captured(shop)
    first, _ = order_refund(
        order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("300.00"), now=NOW
    )

    again, created = order_refund(
        order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("300.00"), now=NOW
    )
    with pytest.raises(RefundConflict, match=r"used for a refund of 300\.00"):
        order_refund(order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("1"), now=NOW)

    assert (again.pk, created) == (first.pk, False)
    assert Refund.objects.count() == 1
    assert balances(shop) == (Decimal("700.00"), Decimal("700.00"), Decimal("300.00"))


def test_refunds_never_exceed_the_order_and_a_whole_refund_leaves_nothing_owed() -> None:
    shop = shop_with_account()
    order = captured(shop)
    order_refund(order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("600.00"), now=NOW)
    lines_before = JournalLine.objects.count()

    with pytest.raises(OrderNotRefunded, match=r"from 0\.01 to 400\.00"):
        order_refund(
            order_id=order.pk, merchant_refund_id="RF-2", amount=Decimal("400.01"), now=NOW
        )
    assert JournalLine.objects.count() == lines_before
    order_refund(order_id=order.pk, merchant_refund_id="RF-3", amount=Decimal("400.00"), now=NOW)

    assert balances(shop) == (Decimal("0.00"), Decimal("0.00"), Decimal("1000.00"))
    payable = sum(
        JournalLine.objects.filter(account="MERCHANT_PAYABLE").values_list("amount", flat=True),
        Decimal("0.00"),
    )
    assert payable == Decimal("0.00")
    assert_books_reconcile()


def test_an_order_not_captured_has_nothing_to_refund() -> None:
    shop = shop_with_account()
    order = shop.order("100.00")

    with pytest.raises(OrderNotRefunded, match="was not captured"):
        order_refund(order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("1.00"), now=NOW)

    assert not Refund.objects.exists()
