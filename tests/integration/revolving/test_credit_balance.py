"""The credit balance of a revolving account and refunds after billing (issue #18, PRODUCT
§10, §3): a payment above what is owed and a refund of a billed purchase become credit (an
overpayment liability), the next purchase and the next bill use it, the borrower gets it back
on request; every step reconciles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.ledger.models import AccountCode, EntryType, JournalLine
from loans.revolving.models import Order, RevolvingAccount, RevolvingPaymentChannel, Statement
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.installments import bill_installment_create
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import (
    CreditRefundDuplicate,
    CreditRefundRefused,
    credit_balance_refund,
    revolving_payment_post,
)
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _on(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def _buy(shop: Shop, day: date, amount: str, number: int) -> Order:
    _on(day)
    return order_capture(order_id=shop.order(amount, number, now=_now(day)).pk, now=_now(day))


def _pay(shop: Shop, day: date, amount: str, reference: str = "P-1") -> None:
    _on(day)
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=reference,
        now=_now(day),
    )


def _refund(order: Order, day: date, amount: str, reference: str) -> None:
    _on(day)
    order_refund(
        order_id=order.pk, merchant_refund_id=reference, amount=Decimal(amount), now=_now(day)
    )


def _standing(shop: Shop) -> tuple[Decimal, Decimal, Decimal]:
    """(credit balance, account principal, line used)."""
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    shop.line.refresh_from_db()
    return account.credit_balance_amount, account.principal_amount, shop.line.used_amount


def _ledger(shop: Shop, code: AccountCode) -> Decimal:
    total = JournalLine.objects.filter(revolving_account=shop.account, account=code).aggregate(
        t=Sum("amount")
    )["t"]
    return total or Decimal("0.00")


@pytest.fixture
def billed() -> tuple[Shop, Order, Order, Order]:
    """Bill of 5 April: ¥1,000 + ¥500 (minimum ¥150); ¥200 bought on the day, not billed."""
    shop = shop_with_account(limit="5000.00", statement_day=5)
    first = _buy(shop, D(2027, 3, 20), "1000.00", 1)
    second = _buy(shop, D(2027, 4, 4), "500.00", 2)
    third = _buy(shop, D(2027, 4, 5), "200.00", 3)
    statements_cut(statement_date=D(2027, 4, 5))
    return shop, first, second, third


def test_a_refund_of_a_billed_purchase_is_a_credit_allocated_as_a_payment(billed) -> None:
    shop, first, _, third = billed

    _refund(first, D(2027, 4, 8), "1000.00", "RF-1")

    bill = Statement.objects.get(account=shop.account)
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (500, 0)
    assert _standing(shop) == (Decimal("0.00"), Decimal("700.00"), Decimal("700.00"))
    assert _ledger(shop, AccountCode.MERCHANT_PAYABLE) == Decimal("-700.00")
    third.refresh_from_db()
    assert third.paid_amount == 0  # the bill took the credit first
    assert_books_reconcile()


def test_what_the_debt_cannot_take_is_credit_used_by_the_next_purchase_and_refundable(
    billed,
) -> None:
    shop, first, _, third = billed
    _pay(shop, D(2027, 4, 8), "1500.00")  # the bill, in full

    _refund(first, D(2027, 4, 9), "1000.00", "RF-1")  # pays the ¥200 unbilled, ¥800 credit

    third.refresh_from_db()
    assert third.paid_amount == Decimal("200.00")
    assert _standing(shop) == (Decimal("800.00"), Decimal("0.00"), Decimal("0.00"))
    assert _ledger(shop, AccountCode.OVERPAYMENT_LIABILITY) == Decimal("-800.00")
    assert_books_reconcile()

    fourth = _buy(shop, D(2027, 4, 10), "300.00", 4)  # the credit pays it at once

    fourth.refresh_from_db()
    assert fourth.paid_amount == Decimal("300.00")
    assert _standing(shop) == (Decimal("500.00"), Decimal("0.00"), Decimal("0.00"))
    used = JournalLine.objects.filter(
        revolving_account=shop.account, entry__entry_type=EntryType.ADVANCE_APPLIED
    )
    assert sorted((line.account, line.amount) for line in used) == [
        ("OVERPAYMENT_LIABILITY", Decimal("300.00")),
        ("REVOLVING_RECEIVABLE", Decimal("-300.00")),
    ]
    assert_books_reconcile()

    refund, created = credit_balance_refund(
        account_id=shop.account.pk,
        amount=Decimal("500.00"),
        reference="CR-1",
        now=_now(D(2027, 4, 11)),
    )
    again, created_again = credit_balance_refund(
        account_id=shop.account.pk,
        amount=Decimal("500.00"),
        reference="CR-1",
        now=_now(D(2027, 4, 11)),
    )
    assert (created, created_again, again.pk) == (True, False, refund.pk)
    assert _standing(shop)[0] == Decimal("0.00")
    cash = JournalLine.objects.get(entry=refund.entry, account=AccountCode.CASH)
    assert cash.amount == Decimal("-500.00")
    with pytest.raises(CreditRefundDuplicate):
        credit_balance_refund(
            account_id=shop.account.pk,
            amount=Decimal("1.00"),
            reference="CR-1",
            now=_now(D(2027, 4, 11)),
        )
    with pytest.raises(CreditRefundRefused, match=r"credit balance is 0\.00"):
        credit_balance_refund(
            account_id=shop.account.pk,
            amount=Decimal("0.01"),
            reference="CR-2",
            now=_now(D(2027, 4, 11)),
        )
    assert_books_reconcile()


def test_a_partly_paid_unbilled_purchase_refunded_whole_returns_what_was_paid_as_credit(
    billed,
) -> None:
    shop, _, _, third = billed
    _pay(shop, D(2027, 4, 8), "1600.00")  # the bill and ¥100 of the unbilled ¥200

    _refund(third, D(2027, 4, 9), "200.00", "RF-3")

    third.refresh_from_db()
    assert (third.refunded_amount, third.paid_amount) == (Decimal("200.00"), Decimal("0.00"))
    assert _standing(shop) == (Decimal("100.00"), Decimal("0.00"), Decimal("0.00"))
    assert_books_reconcile()


def test_the_next_bill_uses_the_credit_at_close_of_business() -> None:
    shop = shop_with_account(statement_day=1)
    _buy(shop, D(2027, 3, 20), "6000.00", 1)
    statements_cut(statement_date=D(2027, 4, 1))
    _on(D(2027, 4, 5))
    bill_installment_create(
        account_id=shop.account.pk,
        statement_date=D(2027, 4, 1),
        amount=Decimal("6000.00"),
        term=12,
        reference="BI-1",
        now=_now(D(2027, 4, 5)),
    )
    _pay(shop, D(2027, 4, 6), "1000.00")  # nothing is billed: future installments wait
    assert _standing(shop)[0] == Decimal("1000.00")

    _on(D(2027, 5, 1))
    summary = revolving_day_close(business_date=D(2027, 5, 1))

    may = Statement.objects.get(account=shop.account, statement_date=D(2027, 5, 1))
    assert may.balance_amount == Decimal("543.80")
    assert (may.unpaid_amount, may.minimum_unpaid_amount) == (0, 0)
    assert _standing(shop) == (Decimal("456.20"), Decimal("5500.00"), Decimal("5500.00"))
    assert summary["revolving_credits_used"] == 1
    assert _ledger(shop, AccountCode.FEE_RECEIVABLE) == 0
    assert_books_reconcile()
