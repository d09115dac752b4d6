"""The borrower confirms a checkout order in the portal (issue #18, PRODUCT §10): signed in, the
signed link opens only for the order's borrower (signed out it offers a code by SMS:
test_order_confirm_code.py); the right password captures it once; an expired
order or one over the limit is refused with the reason, and nothing is captured."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Borrower, User
from loans.revolving.models import Order, OrderStatus, RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.confirmation import order_confirm_token
from loans.revolving.services.orders import order_create
from loans.servicing.models import CreditLine
from tests.factories.accounts import PartnerFactory
from tests.functional.portal.conftest import PASSWORD, TODAY, borrower_for, signed_in, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    return revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=5, as_of=TODAY
    )


def make_order(account: RevolvingAccount, amount: str = "2499.00", number: int = 1) -> Order:
    order, _ = order_create(
        partner=PartnerFactory.create(name=f"小米商城 {number}"),
        account=account,
        merchant_order_id=f"MI-{number}",
        amount=Decimal(amount),
        description="Redmi K80 12GB+256GB",
        now=timezone.now(),
    )
    return order


def url(order: Order) -> str:
    return f"/app/orders/{order_confirm_token(order=order)}/"


def test_the_page_shows_the_shop_the_amount_and_the_rate_in_chinese(user: User, account):
    order = make_order(account)

    page = signed_in(user, "zh-hans").get(url(order)).content.decode()

    assert "确认付款" in page
    assert "小米商城 1" in page
    assert "Redmi K80 12GB+256GB" in page
    assert "¥2,499.00" in page
    assert "未全额还款时的年化利率" in page
    assert "18.25%" in page
    assert "您的账单日为每月 5 日" in page
    assert "支付 ¥2,499.00" in page


def test_the_right_password_captures_the_order_once(user: User, account, client_en: Client):
    order = make_order(account)

    response = client_en.post(url(order), {"password": PASSWORD}, follow=True)
    again = client_en.post(url(order), {"password": PASSWORD}, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.CAPTURED
    assert "Paid. The purchase is on your next bill." in response.content.decode()
    assert "Confirmed" in again.content.decode()
    line = CreditLine.objects.get(pk=account.credit_line_id)
    assert line.used_amount == Decimal("2499.00")


def test_a_wrong_password_captures_nothing_and_five_stop_the_order(account, client_en: Client):
    order = make_order(account)

    first = client_en.post(url(order), {"password": "guess"})
    for _ in range(4):
        client_en.post(url(order), {"password": "guess"})
    sixth = client_en.post(url(order), {"password": PASSWORD})

    assert "That is not your password." in first.content.decode()
    assert "Too many wrong passwords." in sixth.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert CreditLine.objects.get(pk=account.credit_line_id).used_amount == Decimal("0.00")


def test_an_order_over_what_is_left_says_how_much_is_left(account, client_en: Client):
    make_order(account, "19000.00", number=1)
    first = Order.objects.get()
    client_en.post(url(first), {"password": PASSWORD})
    second = make_order(account, "1000.01", number=2)

    response = client_en.post(url(second), {"password": PASSWORD})

    assert "Your credit line has only ¥1,000.00 left for this order." in response.content.decode()
    second.refresh_from_db()
    assert second.status == OrderStatus.CREATED


def test_an_expired_order_cannot_be_paid(account, client_en: Client):
    order = make_order(account)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client_en.get(url(order)).content.decode()
    posted = client_en.post(url(order), {"password": PASSWORD})

    assert "This order was not confirmed in time." in page
    assert 'type="password"' not in page
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert posted.status_code == 200


def test_another_borrower_and_a_forged_link_find_nothing(account, product):
    order = make_order(account)
    stranger = verified_user("han.meimei@example.com")
    borrower_for(stranger)

    theirs = signed_in(stranger).get(url(order))
    forged = signed_in(stranger).get(f"/app/orders/{order_confirm_token(order=order)[:-3]}abc/")

    assert (theirs.status_code, forged.status_code) == (404, 404)


def test_signed_out_the_link_offers_a_code_by_sms_not_the_password(account):
    order = make_order(account)

    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(url(order))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Send code" in page
    assert 'type="password"' not in page
