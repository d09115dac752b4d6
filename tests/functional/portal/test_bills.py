"""The borrower's bills page (issue #18, PRODUCT §10): the latest bill and what is on it, what
is not billed yet, earlier bills; an empty state before the first bill."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.statements import statements_cut
from tests.factories.accounts import PartnerFactory
from tests.functional.portal.conftest import TODAY, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    return revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=20, as_of=TODAY
    )


def buy(account: RevolvingAccount, day: date, amount: str, number: int, what: str) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
    order, _ = order_create(
        partner=PartnerFactory.create(name=f"小米商城 {number}"),
        account=account,
        merchant_order_id=f"MI-{number}",
        amount=Decimal(amount),
        description=what,
        now=now,
    )
    order_capture(order_id=order.pk, now=now)


def test_the_latest_bill_shows_what_to_pay_by_when_and_what_is_on_it(user: User, account):
    buy(account, date(2027, 1, 16), "1299.00", 1, "Redmi Buds 6")
    buy(account, date(2027, 1, 25), "88.00", 2, "手机壳")
    statements_cut(statement_date=date(2027, 1, 20))

    page = signed_in(user, "zh-hans").get("/app/bills/").content.decode()

    assert "最新账单" in page
    assert "¥1,299.00" in page  # the bill's balance and its one purchase
    assert "2027年1月29日" in page  # pay in full by (due 20 + 9)
    assert "¥129.90" in page  # the minimum: 10%
    assert "Redmi Buds 6" in page
    assert "手机壳" in page  # not billed yet
    assert "¥88.00" in page


def test_before_the_first_bill_the_page_says_when_it_comes(user: User, account):
    page = signed_in(user).get("/app/bills/").content.decode()

    assert "No bill yet. Your bill is made on day 20 of each month" in page
    assert "Nothing bought since the last bill." in page


def test_the_dashboard_links_to_the_bills_only_with_an_account(user: User, borrower, client_en):
    before = client_en.get("/app/").content.decode()
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    revolving_account_open(borrower=borrower, product_code=product.code, as_of=TODAY)

    after = client_en.get("/app/").content.decode()

    assert 'href="/app/bills/"' not in before
    assert 'href="/app/bills/"' in after


def test_without_an_account_there_is_no_bills_page(client_en: Client, borrower):
    assert client_en.get("/app/bills/").status_code == 404
