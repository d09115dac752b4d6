"""Purchase installment (交易分期, issue #18, PRODUCT §10) through checkout, the nightly cut and
refunds: docs/revolving.md's worked examples 5 (a merchant-subsidised 6-month purchase: the
borrower's APR is 0 and the partner owes ¥9.00 a month) and 6 (a partial refund of a billed
installment purchase shrinks the last installments with their fees), and a refund beyond the
unbilled installments, a credit allocated as a payment.

Statement day 1, account opened 15 March 2027, ¥1,200 bought on 20 March in 6 installments of
¥200 + ¥9.00, billed on 1 April, 1 May, … 1 September.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.ledger.models import AccountCode, JournalLine
from loans.revolving.models import (
    InstallmentPlan,
    Order,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.selectors import merchant_subsidies_billed, plan_subsidy
from loans.revolving.services.orders import OrderNotCreated, order_capture, order_create
from loans.revolving.services.payments import revolving_payment_post
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


def _on_plan(shop: Shop, *, subsidised: bool = False) -> Order:
    _on(D(2027, 3, 20))
    order, _ = order_create(
        partner=shop.partner,
        account=shop.account,
        merchant_order_id="MI-PLAN-1",
        amount=Decimal("1200.00"),
        description="Xiaomi Pad 7",
        now=_now(D(2027, 3, 20)),
        plan_term=6,
        merchant_subsidised=subsidised,
    )
    return order_capture(order_id=order.pk, now=_now(D(2027, 3, 20)))


def _rows(plan: InstallmentPlan) -> list[tuple[int, Decimal, Decimal, bool]]:
    return [
        (i.number, i.principal_amount, i.fee_amount, i.statement_id is not None)
        for i in plan.installments.order_by("number")
    ]


def _ledger(shop: Shop, code: AccountCode) -> Decimal:
    total = JournalLine.objects.filter(revolving_account=shop.account, account=code).aggregate(
        t=Sum("amount")
    )["t"]
    return total or Decimal("0.00")


def test_merchant_subsidised_six_month_purchase_costs_the_borrower_nothing() -> None:
    shop = shop_with_account(statement_day=1)
    order = _on_plan(shop, subsidised=True)

    plan = InstallmentPlan.objects.get(order=order)
    assert (plan.kind, plan.fee_payer, plan.borrower_apr) == ("PURCHASE", "MERCHANT", 0)
    assert plan_subsidy(plan) == Decimal("54.00")
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("1200.00")

    statements_cut(statement_date=D(2027, 4, 1))

    bill = Statement.objects.get(account=shop.account)
    assert (bill.balance_amount, bill.minimum_payment_amount) == (Decimal("200.00"),) * 2
    assert (bill.new_fees_amount, bill.merchant_fees_amount) == (0, Decimal("9.00"))
    assert bill.new_revolving_principal_amount == 0  # the order is not a plain purchase
    # The partner owes the month's fee (PRODUCT §10: Dr merchant subsidy receivable, Cr fee
    # income); the payable keeps the whole purchase until the settlement withholds the fee.
    assert _ledger(shop, AccountCode.SUBSIDY_RECEIVABLE) == Decimal("9.00")
    assert _ledger(shop, AccountCode.MERCHANT_PAYABLE) == Decimal("-1200.00")
    income = JournalLine.objects.get(entry__key="revolving:2027-04-01:subsidies", amount__lt=0)
    assert (income.account, income.amount) == (AccountCode.FEE_INCOME, Decimal("-9.00"))
    assert merchant_subsidies_billed(start=D(2027, 4, 1), end=D(2027, 4, 2)) == {
        shop.partner.pk: Decimal("9.00")
    }
    assert_books_reconcile()


def test_partial_refund_of_a_billed_installment_purchase_shrinks_the_last_installments() -> None:
    shop = shop_with_account(statement_day=1)
    order = _on_plan(shop)
    statements_cut(statement_date=D(2027, 4, 1))
    _on(D(2027, 4, 5))
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("209.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="P-1",
        now=_now(D(2027, 4, 5)),
    )
    statements_cut(statement_date=D(2027, 5, 1))
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("1000.00")

    _on(D(2027, 5, 4))
    order_refund(
        order_id=order.pk,
        merchant_refund_id="RF-1",
        amount=Decimal("500.00"),
        now=_now(D(2027, 5, 4)),
    )

    plan = InstallmentPlan.objects.get(order=order)
    assert _rows(plan) == [
        (1, Decimal("200.00"), Decimal("9.00"), True),
        (2, Decimal("200.00"), Decimal("9.00"), True),
        (3, Decimal("200.00"), Decimal("9.00"), False),
        (4, Decimal("100.00"), Decimal("4.50"), False),
    ]
    may = Statement.objects.get(account=shop.account, statement_date=D(2027, 5, 1))
    assert (may.installment_principal_unpaid_amount, may.fees_unpaid_amount) == (200, 9)
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("500.00")  # the limit rose by ¥500.00
    assert_books_reconcile()


def test_refund_beyond_the_unbilled_installments_is_a_credit_allocated_as_a_payment() -> None:
    shop = shop_with_account(statement_day=1)
    order = _on_plan(shop)
    statements_cut(statement_date=D(2027, 4, 1))
    _on(D(2027, 4, 5))
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("209.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="P-1",
        now=_now(D(2027, 4, 5)),
    )
    statements_cut(statement_date=D(2027, 5, 1))

    _on(D(2027, 5, 4))
    order_refund(
        order_id=order.pk,
        merchant_refund_id="RF-1",
        amount=Decimal("900.00"),
        now=_now(D(2027, 5, 4)),
    )

    plan = InstallmentPlan.objects.get(order=order)
    assert [row[0] for row in _rows(plan)] == [1, 2]  # 3 to 6 refunded whole
    may = Statement.objects.get(account=shop.account, statement_date=D(2027, 5, 1))
    # ¥100 of credit: the ¥9.00 fee of installment 2, then ¥91.00 of its principal.
    assert (may.fees_unpaid_amount, may.installment_principal_unpaid_amount) == (0, 109)
    assert _ledger(shop, AccountCode.FEE_RECEIVABLE) == 0
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("109.00")
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("amount", "term", "subsidised", "message"),
    [
        ("99.99", 6, False, "at least 100"),
        ("1200.00", 5, False, "not 5"),
        ("1200.00", None, True, "needs an installment plan"),
    ],
)
def test_a_plan_the_product_does_not_offer_is_refused(
    amount: str, term: int | None, subsidised: bool, message: str
) -> None:
    shop = shop_with_account(statement_day=1)
    with pytest.raises(OrderNotCreated, match=message):
        order_create(
            partner=shop.partner,
            account=shop.account,
            merchant_order_id="MI-1",
            amount=Decimal(amount),
            description="Xiaomi Pad 7",
            now=_now(D(2027, 3, 20)),
            plan_term=term,
            merchant_subsidised=subsidised,
        )
    assert not Order.objects.exists()
