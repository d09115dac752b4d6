"""A partner's borrower confirms a checkout order with a code by SMS (issue #18, PRODUCT §10),
with no portal account: the signed link names the order, the code goes to the mobile on file.

The visitor sees the order and the mobile masked, never the name; codes are six digits, good for
five minutes, one a minute and five an order; five wrong codes stop the order whatever the
session; the right one captures it. Codes are read from LocmemSmsBackend (settings/test.py).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import Borrower, Partner, User
from loans.origination.models import LoanProduct
from loans.portal.order_codes import order_code_status
from loans.revolving.models import Order, OrderStatus, RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.confirmation import order_confirm_token
from loans.revolving.services.orders import order_create
from loans.servicing.models import CreditLine
from loans.servicing.notifications import LocmemSmsBackend
from tests.factories.accounts import PartnerFactory, borrower_create
from tests.factories.loans import credit_line_for
from tests.functional.portal.conftest import TODAY, signed_in
from tests.personal_data_in_logs import personal_data_in

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
MASKED = "1********78"
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@pytest.fixture(autouse=True)
def sms_outbox() -> list:
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


@pytest.fixture
def shop(db) -> Partner:
    return PartnerFactory.create(name="Mi Store 小米商城")


@pytest.fixture
def partner_borrower(product: LoanProduct, shop: Partner) -> Borrower:
    """王芳, a borrower of the shop's own (no portal user), with a ¥20,000 line."""
    borrower = borrower_create(partner=shop, external_id="MI-U-1", full_name="王芳", mobile=MOBILE)
    credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    return borrower


@pytest.fixture
def account(partner_borrower: Borrower) -> RevolvingAccount:
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    return revolving_account_open(
        borrower=partner_borrower, product_code=product.code, statement_day=5, as_of=TODAY
    )


@pytest.fixture
def order(account: RevolvingAccount, shop: Partner) -> Order:
    created, _ = order_create(
        partner=shop,
        account=account,
        merchant_order_id="MI-1",
        amount=Decimal("2499.00"),
        description="Redmi K80 12GB+256GB",
        now=timezone.now(),
    )
    return created


def url(order: Order) -> str:
    return f"/app/orders/{order_confirm_token(order=order)}/"


def visitor(language: str = "en") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def codes_sent() -> list[str]:
    found = [CODE.search(sms.text) for sms in LocmemSmsBackend.outbox]
    assert all(found), [sms.text for sms in LocmemSmsBackend.outbox]
    return [match.group(1) for match in found if match]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def used_amount(account: RevolvingAccount) -> Decimal:
    return CreditLine.objects.get(pk=account.credit_line_id).used_amount


def test_a_visitor_sees_the_order_and_the_masked_mobile_but_not_the_name(order):
    response = visitor().get(url(order))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirm your purchase" in page
    assert "¥2,499.00" in page
    assert "Mi Store 小米商城" in page
    assert "Redmi K80 12GB+256GB" in page
    assert "18.25%" in page
    assert f"we have for you: {MASKED}." in page
    assert "Send code" in page
    assert "王芳" not in page
    assert MOBILE not in page
    assert 'type="password"' not in page
    assert "no-store" in response["Cache-Control"]


def test_the_page_and_the_sms_in_chinese(order, sms_outbox):
    client = visitor("zh-hans")

    before = client.get(url(order)).content.decode()
    after = client.post(url(order), {"action": "send"}, follow=True).content.decode()

    assert "确认付款" in before
    assert f"我们将向您预留的手机号{MASKED}发送6位短信验证码" in before
    assert "发送验证码" in before
    assert f"验证码已通过短信发送至{MASKED}，5分钟内有效。" in after  # noqa: RUF001
    assert "支付 ¥2,499.00" in after
    assert sms_outbox[0].text.startswith(
        f"{settings.LENDPORTAL_SMS_SIGNATURE}您向Mi Store 小米商城支付¥2,499.00的LendPortal验证码是"
    )


def test_send_code_sends_one_sms_with_six_digits_to_the_mobile_on_file(order, sms_outbox):
    response = visitor().post(url(order), {"action": "send"}, follow=True)

    page = response.content.decode()
    assert [sms.to for sms in sms_outbox] == [MOBILE]
    text = sms_outbox[0].text
    assert text.startswith(settings.LENDPORTAL_SMS_SIGNATURE)
    assert re.fullmatch(
        r"【LendPortal】Your LendPortal code to pay ¥2,499\.00 to Mi Store 小米商城 is \d{6}, "
        r"valid for 5 minutes\. Do not give it to anyone\.",
        text,
    ), text
    assert f"We sent a code by SMS to {MASKED}. It is good for 5 minutes." in page
    assert f"Type the 6-digit code we sent by SMS to {MASKED}." in page
    assert 'autocomplete="one-time-code"' in page
    assert "Send a new code (60 s)" in page
    Order.objects.get(pk=order.pk, status=OrderStatus.CREATED)


def test_the_right_code_captures_the_order_and_lowers_the_available_limit(order, account):
    client = visitor()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()

    response = client.post(url(order), {"action": "code", "code": code}, follow=True)

    page = response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CAPTURED
    assert used_amount(account) == Decimal("2499.00")
    line = CreditLine.objects.get(pk=account.credit_line_id)
    assert line.available_amount == Decimal("17501.00")
    assert "Paid. The purchase is on your next bill." in page
    assert "Purchase paid" in page
    assert "You can close this page and go back to the shop." in page
    assert "Back to my account" not in page


def test_the_right_code_over_what_is_left_says_how_much_is_left(order, account):
    CreditLine.objects.filter(pk=account.credit_line_id).update(used_amount=Decimal("18000.00"))
    client = visitor()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()

    response = client.post(url(order), {"action": "code", "code": code})

    page = response.content.decode()
    assert "Your credit line has only ¥2,000.00 left for this order." in page
    assert "Send a new code" in page
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert used_amount(account) == Decimal("18000.00")


def test_a_wrong_code_is_refused_and_counted(order, account):
    client = visitor()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()

    response = client.post(url(order), {"action": "code", "code": wrong(code)})

    assert "That code is not right. Check the SMS and type it again." in response.content.decode()
    assert order_code_status(order=order, now=timezone.now()).tries_left == 4
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert used_amount(account) == Decimal("0.00")


def test_five_wrong_codes_stop_the_order_even_for_a_new_session(order, account, sms_outbox):
    visitor().post(url(order), {"action": "send"})
    (code,) = codes_sent()

    answers = [
        visitor().post(url(order), {"action": "code", "code": wrong(code)}).content.decode()
        for _ in range(5)
    ]
    sixth = visitor().post(url(order), {"action": "code", "code": code}).content.decode()
    send = visitor().post(url(order), {"action": "send"}, follow=True).content.decode()

    assert all("That code is not right." in page for page in answers[:4])
    locked = "Too many wrong codes. Ask the shop to make the order again."
    assert locked in answers[4]
    assert locked in sixth
    assert locked in send
    assert "Send code" not in send
    assert len(sms_outbox) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert used_amount(account) == Decimal("0.00")


def test_an_expired_order_is_refused_and_nothing_is_captured(order, account, sms_outbox):
    client = visitor()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    posted = client.post(url(order), {"action": "code", "code": code})
    send = client.post(url(order), {"action": "send"})

    assert "This order was not confirmed in time." in posted.content.decode()
    assert 'name="code"' not in posted.content.decode()
    assert send.status_code == 200
    assert len(sms_outbox) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert used_amount(account) == Decimal("0.00")


def test_a_tampered_token_is_not_found(order):
    token = order_confirm_token(order=order)

    response = visitor().get(f"/app/orders/{token[:-3]}abc/")
    posted = visitor().post(f"/app/orders/{token[:-3]}abc/", {"action": "send"})

    assert (response.status_code, posted.status_code) == (404, 404)
    assert LocmemSmsBackend.outbox == []


def test_a_new_code_before_a_minute_is_refused_then_replaces_the_first(
    order, account, sms_outbox, monkeypatch
):
    drawn = iter([123456, 654321])
    monkeypatch.setattr("loans.portal.order_codes.secrets.randbelow", lambda _: next(drawn))
    client = visitor()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(url(order), {"action": "send"})
        clock.shift(timedelta(seconds=59))
        early = client.post(url(order), {"action": "send"}, follow=True).content.decode()
        clock.shift(timedelta(seconds=2))
        client.post(url(order), {"action": "send"})
        stale = client.post(url(order), {"action": "code", "code": "123456"}).content.decode()

    assert "A code was sent a moment ago: wait 1 s to ask for a new one." in early
    assert codes_sent() == ["123456", "654321"]
    assert "That code is not right." in stale
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_five_codes_at_most_for_an_order(order, sms_outbox):
    client = visitor()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            client.post(url(order), {"action": "send"})
            clock.shift(timedelta(seconds=61))
        sixth = client.post(url(order), {"action": "send"}, follow=True).content.decode()

    assert len(sms_outbox) == 5
    assert "No more codes can be sent for this order." in sixth


def test_a_code_is_good_for_five_minutes(order, account):
    client = visitor()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(url(order), {"action": "send"})
        (code,) = codes_sent()
        clock.shift(timedelta(minutes=5))
        late = client.post(url(order), {"action": "code", "code": code}).content.decode()

    assert "This code is no longer good: ask for a new one." in late
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert used_amount(account) == Decimal("0.00")


def test_the_code_and_the_mobile_never_reach_a_log(order, caplog):
    caplog.set_level(logging.DEBUG)
    client = visitor()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()
    client.post(url(order), {"action": "code", "code": wrong(code)})
    client.post(url(order), {"action": "code", "code": code})

    order.refresh_from_db()
    assert order.status == OrderStatus.CAPTURED
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"order {order.pk}: confirmation code sent" in logged
    assert code not in logged
    assert personal_data_in(logged) == []


def test_posts_need_the_csrf_token(order, sms_outbox):
    response = Client(enforce_csrf_checks=True).post(url(order), {"action": "send"})

    assert response.status_code == 403
    assert sms_outbox == []


def test_a_borrower_signed_in_without_a_password_confirms_by_code(product):
    user = User.objects.create_user(username="sms.only", email="sms.only@example.com")
    user.phone_verified = True
    user.save(update_fields=["phone_verified"])
    borrower = borrower_create(user=user, email=user.email, mobile="13912345601")
    credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    RevolvingProduct.objects.create(code="huabei", name="花呗")
    account = revolving_account_open(
        borrower=borrower, product_code="huabei", statement_day=5, as_of=TODAY
    )
    order, _ = order_create(
        partner=PartnerFactory.create(name="小米商城"),
        account=account,
        merchant_order_id="MI-2",
        amount=Decimal("99.00"),
        description="Redmi Buds",
        now=timezone.now(),
    )
    client = signed_in(user)

    page = client.get(url(order)).content.decode()
    client.post(url(order), {"action": "send"})
    (code,) = codes_sent()
    done = client.post(url(order), {"action": "code", "code": code}, follow=True)

    assert 'type="password"' not in page
    assert "Send code" in page
    assert [sms.to for sms in LocmemSmsBackend.outbox] == ["13912345601"]
    assert "Back to my account" in done.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CAPTURED
