"""A checkout order on an installment plan in the portal (issue #18, PRODUCT §10, §2.2): the
confirmation page shows the plan's APR, fee and months before confirming (0% and the shop
paying the fees on a subsidised plan), and the bills page shows each purchase's plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Borrower, User
from loans.revolving.models import InstallmentPlan, Order, RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.confirmation import order_confirm_token
from loans.revolving.services.orders import order_create
from tests.factories.accounts import PartnerFactory
from tests.functional.portal.conftest import PASSWORD, TODAY, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    return revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=5, as_of=TODAY
    )


def make_order(account: RevolvingAccount, *, term: int, subsidised: bool) -> Order:
    order, _ = order_create(
        partner=PartnerFactory.create(name="小米商城"),
        account=account,
        merchant_order_id="MI-1",
        amount=Decimal("6000.00"),
        description="Xiaomi 15 Ultra",
        now=timezone.now(),
        plan_term=term,
        merchant_subsidised=subsidised,
    )
    return order


def url(order: Order) -> str:
    return f"/app/orders/{order_confirm_token(order=order)}/"


def test_the_plan_apr_fee_and_months_are_shown_before_confirming(user: User, account):
    order = make_order(account, term=12, subsidised=False)

    page = signed_in(user, "zh-hans").get(url(order)).content.decode()

    assert "分 12 期按月还" in page
    assert "分期年化利率" in page
    assert "15.79%" in page
    assert "¥543.80" in page  # each month: 500.00 + 43.80
    assert "2027年2月5日" in page  # the first installment's bill
    assert not InstallmentPlan.objects.exists()


def test_a_subsidised_plan_shows_0_percent_and_the_shop_paying(user: User, account):
    order = make_order(account, term=6, subsidised=True)

    page = signed_in(user).get(url(order)).content.decode()

    assert "In 6 monthly installments" in page
    assert "0.00%" in page
    assert "Interest-free: the shop pays the fees" in page
    assert "¥1,000.00" in page  # each month, no fee


def test_confirmed_the_purchase_shows_its_plan_on_the_bills_page(user: User, account):
    order = make_order(account, term=6, subsidised=True)
    client = signed_in(user, "zh-hans")

    client.post(url(order), {"password": PASSWORD})
    page = client.get("/app/bills/").content.decode()

    assert InstallmentPlan.objects.get().order_id == order.pk
    assert "分期计划" in page
    assert "Xiaomi 15 Ultra" in page
    assert "手续费由商家承担" in page
    assert "¥6,000.00 分 6 期" in page
