"""Turning a bill into installments in the portal (issue #18, PRODUCT §10, §2.2): the bills page
offers it while the bill allows it, every term is compared with its APR, the chosen plan is
shown with its APR, fee and months before confirming, and confirming (twice) makes one plan;
in Chinese and English. The page shows a credit balance too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.revolving.models import (
    InstallmentPlan,
    RevolvingAccount,
    RevolvingPaymentChannel,
    RevolvingProduct,
    Statement,
)
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.statements import statements_cut
from tests.factories.accounts import PartnerFactory
from tests.functional.portal.conftest import TODAY, signed_in

pytestmark = pytest.mark.django_db

PATH = "/app/bills/installments/"


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    """A ¥6,000 bill of 20 January 2027, due 29 January; the business date is 22 January."""
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    account = revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=20, as_of=TODAY
    )
    now = datetime(2027, 1, 16, 4, tzinfo=UTC)
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 1, 16))
    order, _ = order_create(
        partner=PartnerFactory.create(name="小米商城"),
        account=account,
        merchant_order_id="MI-1",
        amount=Decimal("6000.00"),
        description="Xiaomi 15 Ultra",
        now=now,
    )
    order_capture(order_id=order.pk, now=now)
    statements_cut(statement_date=date(2027, 1, 20))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 1, 22))
    return account


def test_the_bills_page_offers_it_and_every_term_shows_its_apr(user: User, account):
    client = signed_in(user)
    bills = client.get("/app/bills/").content.decode()
    page = client.get(PATH).content.decode()

    assert f'href="{PATH}"' in bills
    assert "Turn into installments" in bills
    assert "APR 15.79%" in page  # 12 months
    assert "APR 14.88%" in page  # 3 months
    assert "¥543.80 a month" in page
    assert "fees ¥525.60 in all" in page


def test_the_chosen_plan_is_shown_before_confirming_then_made_once(user: User, account):
    client = signed_in(user, "zh-hans")
    review = client.get(PATH, {"amount": "6000", "term": "12"}).content.decode()
    reference = review.split('name="reference" value="')[1].split('"')[0]
    body = {"amount": "6000.00", "term": "12", "reference": reference}

    assert "年化利率 15.79%" in review
    assert "¥525.60" in review  # fees in all
    assert "2028年1月20日" in review  # the last month's bill
    assert not InstallmentPlan.objects.exists()  # nothing before confirming

    first = client.post(PATH, body)
    again = client.post(PATH, body)  # a second tap: the same plan

    assert (first.status_code, again.status_code) == (302, 302)
    plan = InstallmentPlan.objects.get()
    assert (plan.amount, plan.term, plan.borrower_apr) == (6000, 12, Decimal("0.157939"))
    bill = Statement.objects.get()
    assert (bill.revolving_principal_unpaid_amount, bill.minimum_unpaid_amount) == (0, 0)
    after = client.get("/app/bills/").content.decode()
    assert "分期" in after  # the plans section
    assert f'href="{PATH}"' not in after  # nothing left to spread


def test_an_amount_out_of_range_is_said_and_nothing_made(user: User, account):
    client = signed_in(user)
    small = client.get(PATH, {"amount": "99", "term": "3"}).content.decode()
    large = client.post(PATH, {"amount": "6000.01", "term": "3", "reference": "x"})

    assert "Spread at least ¥100." in small
    assert "At most ¥6,000.00 can be spread." in large.content.decode()
    assert not InstallmentPlan.objects.exists()


def test_after_the_due_date_the_page_sends_back_to_the_bills(user: User, account):
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 1, 30))
    client = signed_in(user)

    response = client.get(PATH)

    assert response.status_code == 302
    assert "Turn into installments" not in client.get("/app/bills/").content.decode()


def test_a_credit_balance_is_shown_on_the_bills_page(user: User, account):
    revolving_payment_post(
        account_id=account.pk,
        amount=Decimal("6050.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="P-1",
        now=datetime(2027, 1, 22, 4, tzinfo=UTC),
    )

    page = signed_in(user, "zh-hans").get("/app/bills/").content.decode()

    assert "溢缴款" in page
    assert "¥50.00" in page
