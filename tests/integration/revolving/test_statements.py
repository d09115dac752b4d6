"""Bills cut by close of business on the statement date (issue #18, PRODUCT §10): what the
cycle [previous statement date, S) bought, the earlier bills carried, the minimum payment; a
purchase on S itself goes on the next bill; cutting twice cuts nothing more."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.revolving.models import Order, Statement
from loans.revolving.services.orders import order_capture
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db


def bought(shop: Shop, day: date, amount: str, number: int) -> Order:
    """Capture a purchase on business date ``day``."""
    BusinessDate.objects.filter(id=1).update(current_date=day)
    now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
    return order_capture(order_id=shop.order(amount, number, now=now).pk, now=now)


def bill_figures(bill: Statement) -> dict[str, object]:
    return {
        "dates": (bill.statement_date, bill.cycle_start, bill.due_date, bill.pay_by_date),
        "previous_unpaid": bill.previous_unpaid_amount,
        "new_revolving": bill.new_revolving_principal_amount,
        "revolving": bill.revolving_principal_amount,
        "balance": bill.balance_amount,
        "minimum": bill.minimum_payment_amount,
        "own_minimum": bill.minimum_unpaid_amount,
    }


def test_the_first_bill_takes_the_cycles_purchases_and_asks_ten_percent() -> None:
    shop = shop_with_account(statement_day=5)  # opened 2027-03-15
    first = bought(shop, date(2027, 3, 20), "1000.00", 1)
    second = bought(shop, date(2027, 4, 4), "500.00", 2)
    on_the_day = bought(shop, date(2027, 4, 5), "200.00", 3)

    assert statements_cut(statement_date=date(2027, 4, 5)) == 1

    bill = Statement.objects.get()
    assert bill_figures(bill) == {
        "dates": (date(2027, 4, 5), date(2027, 3, 15), date(2027, 4, 14), date(2027, 4, 14)),
        "previous_unpaid": Decimal("0.00"),
        "new_revolving": Decimal("1500.00"),
        "revolving": Decimal("1500.00"),
        "balance": Decimal("1500.00"),
        "minimum": Decimal("150.00"),
        "own_minimum": Decimal("150.00"),
    }
    billed = dict(Order.objects.values_list("pk", "statement_id"))
    assert billed == {first.pk: bill.pk, second.pk: bill.pk, on_the_day.pk: None}
    shop.account.refresh_from_db()
    assert shop.account.last_statement_date == date(2027, 4, 5)
    assert_books_reconcile()


def test_cutting_the_date_again_cuts_nothing_more() -> None:
    shop = shop_with_account(statement_day=5)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    statements_cut(statement_date=date(2027, 4, 5))
    before = list(Statement.objects.values())

    assert statements_cut(statement_date=date(2027, 4, 5)) == 0

    assert list(Statement.objects.values()) == before


def test_the_next_bill_carries_the_unpaid_one_and_its_minimum() -> None:
    shop = shop_with_account(statement_day=5)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    bought(shop, date(2027, 4, 4), "500.00", 2)
    later = bought(shop, date(2027, 4, 5), "200.00", 3)
    statements_cut(statement_date=date(2027, 4, 5))
    order_refund(
        order_id=later.pk,
        merchant_refund_id="RF-1",
        amount=Decimal("50.00"),
        now=datetime(2027, 4, 20, tzinfo=UTC),
    )

    statements_cut(statement_date=date(2027, 5, 5))

    may = Statement.objects.get(statement_date=date(2027, 5, 5))
    assert bill_figures(may) == {
        "dates": (date(2027, 5, 5), date(2027, 4, 5), date(2027, 5, 14), date(2027, 5, 14)),
        "previous_unpaid": Decimal("1500.00"),
        "new_revolving": Decimal("150.00"),
        "revolving": Decimal("1650.00"),
        "balance": Decimal("1650.00"),
        "minimum": Decimal("315.00"),  # 10% of 1,650.00 + April's unpaid minimum of 150.00
        "own_minimum": Decimal("165.00"),
    }


def test_an_account_of_another_day_or_owing_nothing_gets_no_bill() -> None:
    other_day = shop_with_account(statement_day=6)
    bought(other_day, date(2027, 3, 20), "1000.00", 1)
    shop_with_account(statement_day=5)  # nothing bought

    assert statements_cut(statement_date=date(2027, 4, 5)) == 0

    assert not Statement.objects.exists()


def test_close_of_business_cuts_the_bills_of_its_date() -> None:
    shop = shop_with_account(statement_day=5)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 5))

    run = cob_run_open(business_date=date(2027, 4, 5))
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    closed, _ = cob_run_finish(run_id=run.pk)

    assert closed.summary["revolving_bills"] == 1
    assert Statement.objects.get().new_revolving_principal_amount == Decimal("1000.00")
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 4, 6)
