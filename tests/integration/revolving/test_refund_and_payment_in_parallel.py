"""A refund of a billed purchase and a payment at the same moment (issue #18): both take the
account's lock first, so neither waits for the other forever, and together they leave the
credit balance the domain gives whichever came first. Real transactions, one connection per
thread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel, Statement
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import NOW, shop_with_account
from tests.integration.servicing.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refund_and_a_payment_together_leave_the_right_credit_balance() -> None:
    shop = shop_with_account(statement_day=1)
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 3, 20))
    order = order_capture(order_id=shop.order("1000.00").pk, now=NOW)
    statements_cut(statement_date=date(2027, 4, 1))  # a ¥1,000 bill
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 5))

    outcomes = run_together(
        lambda: order_refund(
            order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("600.00"), now=NOW
        ),
        lambda: revolving_payment_post(
            account_id=shop.account.pk,
            amount=Decimal("700.00"),
            channel=RevolvingPaymentChannel.PARTNER,
            reference="P-1",
            now=NOW,
        ),
    )

    assert [o.error for o in outcomes] == [None, None]
    # ¥1,300 against a ¥1,000 bill, in either order: the bill paid, ¥300 of credit.
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    assert (account.credit_balance_amount, account.principal_amount) == (Decimal("300.00"), 0)
    assert Statement.objects.get().unpaid_amount == 0
    shop.line.refresh_from_db()
    assert shop.line.used_amount == 0
    assert_books_reconcile()
