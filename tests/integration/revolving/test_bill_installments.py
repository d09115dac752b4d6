"""Bill installment (账单分期, issue #18, PRODUCT §10) through the service and the nightly close:
docs/revolving.md's worked example 4 (a ¥6,000 bill in 12 installments of ¥500 + ¥43.80, APR
15.7939%), a part of a bill, the refusals, the reference that makes it once, the limit, the
fee posted when billed, and the books.

Statement day 1, account opened 15 March 2027, bought on 20 March: the 1 April bill is due
10 April (every day works: no calendar is loaded).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.ledger.models import AccountCode, EntryType, JournalLine
from loans.revolving.models import (
    InstallmentPlan,
    PlanInstallment,
    RevolvingAccount,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.installments import (
    BillInstallmentConflict,
    BillInstallmentRefused,
    bill_installment_create,
    bill_installment_open,
    bill_installment_quote,
)
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
APRIL_BILL = D(2027, 4, 1)


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _on(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def _nights(first: date, last: date) -> None:
    day = first
    while day <= last:
        _on(day)
        revolving_day_close(business_date=day)
        day = date.fromordinal(day.toordinal() + 1)


def _billed(amount: str) -> Shop:
    """A bill of ``amount`` cut on 1 April; the business date is 5 April."""
    shop = shop_with_account(statement_day=1)
    _on(D(2027, 3, 20))
    order = shop.order(amount, now=_now(D(2027, 3, 20)))
    order_capture(order_id=order.pk, now=_now(D(2027, 3, 20)))
    _nights(D(2027, 3, 20), D(2027, 4, 4))
    _on(D(2027, 4, 5))
    return shop


def _convert(shop: Shop, amount: str, term: int = 12, reference: str = "BI-1"):
    return bill_installment_create(
        account_id=shop.account.pk,
        statement_date=APRIL_BILL,
        amount=Decimal(amount),
        term=term,
        reference=reference,
        now=_now(D(2027, 4, 5)),
    )


def _ledger(account_id: int, code: AccountCode) -> Decimal:
    total = JournalLine.objects.filter(revolving_account_id=account_id, account=code).aggregate(
        t=Sum("amount")
    )["t"]
    return total or Decimal("0.00")


def test_6000_bill_in_12_installments_bills_543_80_a_month_and_bears_no_interest() -> None:
    shop = _billed("6000.00")
    bill = Statement.objects.get(account=shop.account)
    assert (bill.balance_amount, bill.minimum_payment_amount) == (Decimal("6000.00"), 600)
    assert bill_installment_open(account=shop.account, as_of=D(2027, 4, 5)) == bill
    quote = bill_installment_quote(statement=bill, amount=Decimal("6000.00"), term=12)
    assert quote.borrower_apr == Decimal("0.157939")
    assert quote.fee_per_installment == Decimal("43.80")
    assert quote.borrower_fees == Decimal("525.60")
    assert quote.rows[0].statement_date == D(2027, 5, 1)
    assert quote.rows[-1].statement_date == D(2028, 4, 1)

    plan, created = _convert(shop, "6000.00")

    assert created
    assert (plan.kind, plan.term, plan.fee_payer) == ("BILL", 12, "BORROWER")
    assert plan.borrower_apr == Decimal("0.157939")
    assert plan.fee_per_installment_amount == Decimal("43.80")
    rows = list(PlanInstallment.objects.filter(plan=plan).order_by("number"))
    assert [(r.principal_amount, r.fee_amount) for r in rows] == [(500, Decimal("43.80"))] * 12
    bill.refresh_from_db()
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (0, 0)
    assert bill.converted_amount == Decimal("6000.00")
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("6000.00")  # the plan's principal still counts
    assert_books_reconcile()

    # No interest at the pay-by date, no minimum overdue after it.
    _nights(D(2027, 4, 5), D(2027, 4, 30))
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    assert (account.unbilled_interest_amount, account.days_past_due) == (0, 0)

    _nights(D(2027, 5, 1), D(2027, 5, 1))
    may = Statement.objects.get(account=shop.account, statement_date=D(2027, 5, 1))
    assert (may.new_installment_principal_amount, may.new_fees_amount) == (500, Decimal("43.80"))
    assert (may.balance_amount, may.minimum_payment_amount) == (Decimal("543.80"),) * 2
    assert may.new_revolving_principal_amount == 0
    assert _ledger(shop.account.pk, AccountCode.FEE_RECEIVABLE) == Decimal("43.80")
    income = JournalLine.objects.filter(
        account=AccountCode.FEE_INCOME, entry__key="revolving:2027-05-01:fees"
    ).get()
    assert (income.amount, income.entry.entry_type) == (Decimal("-43.80"), EntryType.FEE_DUE)
    assert PlanInstallment.objects.get(plan=plan, number=1).statement_id == may.pk
    assert_books_reconcile()

    _on(D(2027, 5, 8))
    payment, _ = revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("543.80"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="P-MAY",
        now=_now(D(2027, 5, 8)),
    )
    assert _ledger(shop.account.pk, AccountCode.FEE_RECEIVABLE) == 0
    may.refresh_from_db()
    assert (may.unpaid_amount, may.minimum_unpaid_amount) == (0, 0)
    shop.line.refresh_from_db()
    assert shop.line.used_amount == Decimal("5500.00")  # 11 installments' principal left
    assert [line["part"] for line in payment.allocation] == ["FEES", "INSTALLMENT_PRINCIPAL"]
    assert_books_reconcile()


def test_part_of_a_bill_lowers_its_minimum_and_the_rest_bears_interest() -> None:
    shop = _billed("3000.00")
    _convert(shop, "2000.00", term=3)
    bill = Statement.objects.get(account=shop.account)
    # Minimum round(10% of 3,000) - (round(10% of 3,000) - round(10% of 1,000)) = 100.00.
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (1000, 100)
    _nights(D(2027, 4, 5), D(2027, 4, 10))
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    assert account.unbilled_interest_amount == Decimal("5.00")  # 1,000 x 0.05% x 10 days
    _nights(D(2027, 4, 11), D(2027, 5, 1))
    may = Statement.objects.get(account=shop.account, statement_date=D(2027, 5, 1))
    # 3 installments of 666.67/666.67/666.66, fee round(2,000 x 0.83%) = 16.60 each.
    assert (may.new_installment_principal_amount, may.new_fees_amount) == (
        Decimal("666.67"),
        Decimal("16.60"),
    )
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("day", "amount", "term", "message"),
    [
        (D(2027, 4, 5), "99.99", 12, "At least"),
        (D(2027, 4, 5), "3000.01", 12, "more than the bill"),
        (D(2027, 4, 5), "1000.00", 5, "not 5"),
        (D(2027, 4, 11), "1000.00", 12, "until its due date"),
    ],
)
def test_refused_conversion_writes_nothing(day: date, amount: str, term: int, message: str) -> None:
    shop = _billed("3000.00")
    _on(day)
    with pytest.raises(BillInstallmentRefused, match=message):
        _convert(shop, amount, term=term)
    bill = Statement.objects.get(account=shop.account)
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (3000, 300)
    assert not InstallmentPlan.objects.exists()


def test_the_same_reference_makes_one_plan_and_another_plan_under_it_is_refused() -> None:
    shop = _billed("3000.00")
    first, created = _convert(shop, "1000.00")
    again, created_again = _convert(shop, "1000.00")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(BillInstallmentConflict):
        _convert(shop, "1500.00")
    bill = Statement.objects.get(account=shop.account)
    assert bill.revolving_principal_unpaid_amount == Decimal("2000.00")
    assert InstallmentPlan.objects.count() == 1
