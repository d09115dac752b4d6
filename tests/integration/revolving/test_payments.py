"""Payments on a revolving account (issue #18, PRODUCT §10): allocated by the domain's order
(the unpaid minimum, oldest bill first; billed principal; then purchases not billed yet),
written back to the bills and purchases, the limit restored by the principal paid, posted once
per reference; more than is owed is the credit balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.ledger.models import JournalLine
from loans.revolving.models import Order, RevolvingPaymentChannel, Statement
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import (
    RevolvingPaymentDuplicate,
    RevolvingPaymentRefused,
    revolving_payment_post,
)
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

PAID_AT = datetime(2027, 4, 8, 4, tzinfo=UTC)


def bought(shop: Shop, day: date, amount: str, number: int) -> Order:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
    return order_capture(order_id=shop.order(amount, number, now=now).pk, now=now)


@pytest.fixture
def billed() -> Shop:
    """A ¥1,500 bill of 5 April (minimum ¥150) and ¥200 bought on the day, not billed yet."""
    shop = shop_with_account(limit="5000.00", statement_day=5)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    bought(shop, date(2027, 4, 4), "500.00", 2)
    bought(shop, date(2027, 4, 5), "200.00", 3)
    statements_cut(statement_date=date(2027, 4, 5))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 8))
    return shop


def pay(shop: Shop, amount: str, reference: str = "PAY-1"):
    return revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PARTNER,
        reference=reference,
        now=PAID_AT,
    )


def standing(shop: Shop) -> dict[str, object]:
    shop.line.refresh_from_db()
    shop.account.refresh_from_db()
    bill = Statement.objects.get(statement_date=date(2027, 4, 5))
    return {
        "bill_unpaid": bill.revolving_principal_unpaid_amount,
        "minimum_unpaid": bill.minimum_unpaid_amount,
        "unbilled_paid": Order.objects.get(merchant_order_id="SHOP-0003").paid_amount,
        "principal": shop.account.principal_amount,
        "used": shop.line.used_amount,
        "lines": JournalLine.objects.count(),
    }


def test_a_payment_under_the_minimum_goes_to_it_and_gives_the_limit_back(billed) -> None:
    payment, created = pay(billed, "100.00")

    assert created
    assert standing(billed) == {
        "bill_unpaid": Decimal("1400.00"),
        "minimum_unpaid": Decimal("50.00"),
        "unbilled_paid": Decimal("0.00"),
        "principal": Decimal("1600.00"),
        "used": Decimal("1600.00"),
        "lines": standing(billed)["lines"],
    }
    assert payment.allocation == [
        {
            "step": "MINIMUM",
            "part": "REVOLVING_PRINCIPAL",
            "statement_date": "2027-04-05",
            "purchase_id": None,
            "amount": "100.00",
        }
    ]
    assert (payment.value_date, payment.minimum_paid_amount) == (
        date(2027, 4, 8),
        Decimal("100.00"),
    )
    lines = JournalLine.objects.filter(entry=payment.entry)
    assert sorted((line.account, line.amount) for line in lines) == [
        ("CASH", Decimal("100.00")),
        ("REVOLVING_RECEIVABLE", Decimal("-100.00")),
    ]
    assert_books_reconcile()


def test_paying_the_bill_and_more_pays_the_unbilled_purchase_and_the_next_bill_shows_the_rest(
    billed,
) -> None:
    pay(billed, "1600.00")
    statements_cut(statement_date=date(2027, 5, 5))

    assert standing(billed)["bill_unpaid"] == Decimal("0.00")
    assert standing(billed)["minimum_unpaid"] == Decimal("0.00")
    may = Statement.objects.get(statement_date=date(2027, 5, 5))
    assert (may.previous_unpaid_amount, may.new_revolving_principal_amount) == (
        Decimal("0.00"),
        Decimal("100.00"),
    )
    assert may.minimum_payment_amount == Decimal("10.00")
    assert_books_reconcile()


def test_more_than_is_owed_becomes_the_credit_balance(billed) -> None:
    payment, _ = pay(billed, "1700.01")

    billed.account.refresh_from_db()
    assert billed.account.credit_balance_amount == Decimal("0.01")
    assert standing(billed)["principal"] == Decimal("0.00")
    lines = JournalLine.objects.filter(entry=payment.entry, account="OVERPAYMENT_LIABILITY")
    assert [line.amount for line in lines] == [Decimal("-0.01")]
    assert_books_reconcile()


def test_a_payment_not_in_whole_fen_is_refused_and_nothing_changes(billed) -> None:
    before = standing(billed)

    with pytest.raises(RevolvingPaymentRefused, match="whole fen"):
        pay(billed, "100.001")

    assert standing(billed) == before


def test_a_reference_is_posted_once(billed) -> None:
    first, _ = pay(billed, "100.00")
    before = standing(billed)

    again, created = pay(billed, "100.00")
    with pytest.raises(RevolvingPaymentDuplicate, match=r"payment of 100\.00"):
        pay(billed, "90.00")

    assert (again.pk, created) == (first.pk, False)
    assert standing(billed) == before
