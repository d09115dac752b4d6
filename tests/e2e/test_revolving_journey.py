"""A purchase on revolving credit from a partner's checkout to the paid bill, in a real browser
on a 390 px phone, in Chinese and English (issue #18, PRODUCT §10, docs/api.md "orders").

1. A partner's borrower with an approved ¥20,000 line; the partner, signed in by OAuth2 client
   credentials (``/o/token/``), opens the revolving account (statement day 20) over HTTP.
2. On 15 January 2027 at noon (Beijing) the partner creates a ¥2,499.00 order
   (``POST /api/v1/orders`` with an Idempotency-Key; sent twice, the second is the replay).
3. The borrower, who has no portal account, opens the ``confirm_url`` on the phone: the amount,
   the shop, the item and the APR, the mobile on file masked (never the name); asks for a code,
   gets it by SMS and types it; the order is captured (the page and ``GET /api/v1/orders/{id}``),
   ¥17,501.00 is left.
4. Wanting to see the bill, the borrower opens the portal: signs up with the same mobile and an
   SMS code; the welcome page says the shop opened an account for this number, and the identity
   number the shop registered opens it (nothing of the account shows before). The clock moves to
   the morning of 21 January and ``close_business_day`` catches up the nights of 15 to
   20 January: the bill of 20 January shows ¥2,499.00, minimum ¥249.90, pay by 29 January (the
   API's statement says the same).
5. On 21 January the borrower pays the bill in full in the portal ("Pay in full ¥2,499.00", the
   check page, the payment page, the receipt): the bill reads ¥0.00 still to pay, paid in full,
   and ¥20,000.00 is available again; the clock moves to 30 January and the nights through the
   pay-by date are closed: the borrower signs in again by SMS code; no interest is charged, and
   the bill still reads paid.

``LENDPORTAL_SCREENSHOTS=1`` saves each step's screenshot to tests/e2e/screenshots/.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Sum
from playwright.sync_api import Locator, Page, expect

from accounts.models import Borrower
from accounts.services import partner_create
from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun
from loans.ledger.models import EntryType, JournalLine
from loans.revolving.models import Order, OrderStatus, RevolvingProduct, Statement
from loans.servicing.notifications import LocmemSmsBackend
from tests.e2e.test_portal_axe import AXE, RUN_AXE
from tests.factories.accounts import borrower_create, make_id_number
from tests.factories.loans import ProductFactory, credit_line_for

BEIJING = ZoneInfo("Asia/Shanghai")
PHONE = {"width": 390, "height": 844}
# The mobile the shop registered for its borrower, and as the confirmation page shows it.
MOBILE = "13812345678"
MOBILE_MASKED = "1********78"
# The identity number the shop registered, which opens the account in the portal.
ID_NUMBER = make_id_number(birth_date=date(1994, 6, 12), sequence="426")
SMS_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
SHOOT = os.environ.get("LENDPORTAL_SCREENSHOTS") == "1"
# The page is wider than the screen (it scrolls sideways): the elements that reach past it.
WIDER_THAN_THE_SCREEN = """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
  Array.from(document.querySelectorAll("main *"))
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
    .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || "").trim().slice(0, 40)}"`)"""

ORDER_DAY = date(2027, 1, 15)
STATEMENT_DATE = date(2027, 1, 20)
PAY_BY_DATE = date(2027, 1, 29)
NOON_ON_ORDER_DAY = datetime(2027, 1, 15, 12, tzinfo=BEIJING)
MORNING_AFTER_STATEMENT = datetime(2027, 1, 21, 9, tzinfo=BEIJING)
MORNING_AFTER_PAY_BY = datetime(2027, 1, 30, 9, tzinfo=BEIJING)


@dataclass(frozen=True)
class Words:
    """What the pages say, in one language (the .po's Chinese; the templates' English)."""

    locale: str
    confirm_title: str
    shop: str
    item: str
    paid_with: str
    on_next_bill: str
    apr: str
    bill_day: str
    send_code: str
    code_sent: str
    pay_button: str
    captured: str
    purchase_paid: str
    confirmed: re.Pattern[str]
    back_to_the_shop: str
    no_bill_yet: str
    pay_by: str
    minimum: str
    bill_date: str
    on_this_bill: str
    nothing_unbilled: str
    available_no_bill: str
    available: str
    interest_since: str
    pay_in_full: str
    go_to_payment: str
    back_to_bills: str
    paid_in_full: str
    sign_up: str
    shop_offer: str
    open_account: str
    dates: dict[date, str] = field(default_factory=dict)


CHINESE = Words(
    locale="zh-CN",
    confirm_title="确认付款",
    shop="商户",
    item="商品",
    paid_with="支付方式",
    on_next_bill="授信额度，计入下一期月账单",  # noqa: RUF001
    apr="未全额还款时的年化利率（APR）",  # noqa: RUF001
    bill_day="您的账单日为每月 20 日。",
    send_code="发送验证码",
    code_sent=f"验证码已通过短信发送至{MOBILE_MASKED}，5分钟内有效。",  # noqa: RUF001
    pay_button="支付 ¥2,499.00",
    captured="已支付。这笔消费将计入您的下一期账单。",
    purchase_paid="已支付",
    confirmed=re.compile(r"已于 2027年1月15日 12:\d\d 确认，商户已收到通知。"),  # noqa: RUF001
    back_to_the_shop="您可以关闭本页面，返回商户。",  # noqa: RUF001
    no_bill_yet="还没有账单。您的账单在每月 20 日生成",
    pay_by="全额还款截止日",
    minimum="剩余最低还款额",
    bill_date="账单日",
    on_this_bill="本期账单消费",
    nothing_unbilled="自上期账单以来没有消费。",
    available_no_bill="可用",
    available="可用额度",
    interest_since="本期账单后产生的利息",
    pay_in_full="全额还款 ¥2,499.00",
    go_to_payment="去支付",
    back_to_bills="返回账单",
    paid_in_full="已还清",
    sign_up="注册",
    shop_offer="Mi Store 小米商城 已为这个手机号码开通信用账户。",
    open_account="开通我的账户",
    dates={
        ORDER_DAY: "2027年1月15日",
        STATEMENT_DATE: "2027年1月20日",
        PAY_BY_DATE: "2027年1月29日",
    },
)
ENGLISH = Words(
    locale="en-US",
    confirm_title="Confirm your purchase",
    shop="Shop",
    item="For",
    paid_with="Paid with",
    on_next_bill="Your credit line, on your next monthly bill",
    apr="Rate if the bill is not paid in full (APR)",
    bill_day="Your bill is made on day 20 of each month.",
    send_code="Send code",
    code_sent=f"We sent a code by SMS to {MOBILE_MASKED}. It is good for 5 minutes.",
    pay_button="Pay ¥2,499.00",
    captured="Paid. The purchase is on your next bill.",
    purchase_paid="Purchase paid",
    confirmed=re.compile(r"Confirmed 15 January 2027 12:\d\d\. The shop has been told\."),
    back_to_the_shop="You can close this page and go back to the shop.",
    no_bill_yet="No bill yet. Your bill is made on day 20 of each month",
    pay_by="Pay in full by",
    minimum="Minimum still to pay",
    bill_date="Bill date",
    on_this_bill="On this bill",
    nothing_unbilled="Nothing bought since the last bill.",
    available_no_bill="Available",
    available="Available to spend",
    interest_since="Interest since this bill",
    pay_in_full="Pay in full ¥2,499.00",
    go_to_payment="Go to payment",
    back_to_bills="Back to your bills",
    paid_in_full="Paid in full",
    sign_up="Sign up",
    shop_offer="Mi Store 小米商城 opened a credit account for this mobile number.",
    open_account="Open my account",
    dates={
        ORDER_DAY: "15 January 2027",
        STATEMENT_DATE: "20 January 2027",
        PAY_BY_DATE: "29 January 2027",
    },
)


@dataclass
class Shop:
    """The partner, calling the API over HTTP as its own server would."""

    base_url: str
    client_id: str
    client_secret: str
    session: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, scope: str = "orders:read orders:write") -> None:
        """Ask for a token by client credentials (tokens last an hour: once per step)."""
        answer = self.session.post(
            f"{self.base_url}/o/token/",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=(self.client_id, self.client_secret),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["scope"] == scope
        self.session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base_url}/api/v1{path}", timeout=30, **kwargs)


class Phone:
    """The borrower's phone: one browser page, screenshots when asked, never wider than 390 px."""

    def __init__(self, page: Page, base_url: str, shots: Path, words: Words) -> None:
        self.page, self.base_url, self.shots, self.words = page, base_url, shots, words

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def look(self, name: str) -> None:
        wide = self.page.evaluate(WIDER_THAN_THE_SCREEN)
        assert not wide, f"{name}: the page scrolls sideways at 390 px, because of {wide}"
        if SHOOT:
            path = self.shots / f"revolving-{self.words.locale}-{name}.png"
            self.page.screenshot(path=str(path), full_page=True)

    def submit(self) -> None:
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").first.click()

    def sign_in(self) -> None:
        """On the sign-in page: the mobile, then the code the SMS brings."""
        LocmemSmsBackend.outbox.clear()
        self.page.fill("#id_sms_phone", MOBILE)
        self.submit()
        self.page.fill("#id_code", _sms_code(MOBILE))
        self.submit()

    def fact(self, label: str, within: Locator | None = None) -> Locator:
        """The row of a fact list (``dl.facts``) whose label (``dt``) is exactly ``label``."""
        scope = within if within is not None else self.page.locator("main")
        exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
        return scope.locator("dl.facts > div").filter(has=self.page.locator("dt", has_text=exact))


@pytest.fixture
def shop_and_borrower(live_server) -> tuple[Shop, Borrower]:
    cache.clear()  # allauth's per-number limit on codes (1 a minute): each language signs up anew
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": ORDER_DAY})
    ProductFactory.create()
    RevolvingProduct.objects.create(code="huabei", name="花呗")
    credentials = partner_create(
        name="Mi Store 小米商城", scopes=["orders:read", "orders:write", "repayments"]
    )
    borrower = borrower_create(
        partner=credentials.partner,
        external_id="MI-U-20270115",
        full_name="王芳",
        mobile=MOBILE,
        id_number=ID_NUMBER,
    )
    credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    shop = Shop(live_server.url, credentials.client_id, credentials.client_secret)
    return shop, borrower


@pytest.mark.parametrize("words", [CHINESE, ENGLISH], ids=["chinese", "english"])
def test_partner_order_confirmed_on_a_phone_billed_and_paid_in_full(
    live_server, browser, screenshots, shop_and_borrower, words
):
    shop, borrower = shop_and_borrower
    with time_machine.travel(NOON_ON_ORDER_DAY, tick=True) as clock:
        context = browser.new_context(viewport=PHONE, locale=words.locale)
        phone = Phone(context.new_page(), live_server.url, screenshots, words)
        try:
            _journey(shop, borrower, phone, clock)
        finally:
            context.close()


def _journey(shop: Shop, borrower: Borrower, phone: Phone, clock: time_machine.Traveller) -> None:
    order = _partner_orders(shop, borrower)
    _borrower_confirms(phone, order)
    _order_is_captured(shop, order["id"])
    _account_opened_in_the_portal(phone, borrower)
    _bill_on_the_statement_day(shop, borrower, phone, clock)
    _paid_in_full(phone)
    _no_interest_after_the_pay_by_date(shop, borrower, phone, clock)


def _account_opened_in_the_portal(phone: Phone, borrower: Borrower) -> None:
    """The borrower signs up with the shop's mobile by SMS code; the identity number the shop
    registered opens the shop's account, and the bills are there."""
    page, words = phone.page, phone.words
    phone.go("/app/bills/")
    assert "/accounts/login/" in page.url
    phone.go("/accounts/signup/")
    expect(page.locator("h1")).to_have_text(words.sign_up)
    LocmemSmsBackend.outbox.clear()
    page.fill("#id_phone", MOBILE)
    phone.submit()
    assert page.url.endswith("/accounts/phone/verify/"), page.url
    page.fill("#id_code", _sms_code(MOBILE))
    phone.submit()

    assert page.url.endswith("/app/"), page.url
    expect(page.locator("main")).to_contain_text(words.shop_offer)
    expect(page.locator("main")).not_to_contain_text("王芳")
    phone.look("03-shop-account-offered")
    with page.expect_navigation():
        page.get_by_role("link", name=words.open_account).click()
    expect(page.locator("main")).to_contain_text(MOBILE_MASKED)
    page.fill("#id_id_number", ID_NUMBER)
    page.add_script_tag(url=phone.base_url + AXE)
    assert page.evaluate(RUN_AXE) == []
    phone.look("03-identity-number")
    with page.expect_navigation():
        page.get_by_role("button", name=words.open_account).click()
    assert page.url.endswith("/app/bills/"), page.url
    borrower.refresh_from_db()
    assert borrower.user is not None
    assert borrower.partner is not None


def _partner_orders(shop: Shop, borrower: Borrower) -> dict[str, Any]:
    shop.sign_in()
    opened = shop.call(
        "POST",
        f"/borrowers/{borrower.pk}/revolving-account",
        json={"product": "huabei", "statement_day": 20},
    )
    assert opened.status_code == 201, opened.text
    assert (opened.json()["available"], opened.json()["opened_date"]) == ("20000.00", "2027-01-15")
    body = {
        "borrower": borrower.pk,
        "merchant_order_id": "MI-20270115-0001",
        "amount": "2499.00",
        "description": "Redmi K80 12GB+256GB",
    }
    headers = {"Idempotency-Key": "mi-order-20270115-0001"}
    created = shop.call("POST", "/orders", json=body, headers=headers)
    again = shop.call("POST", "/orders", json=body, headers=headers)
    assert created.status_code == 201, created.text
    order: dict[str, Any] = created.json()
    assert (order["status"], order["amount"], order["plan"]) == ("CREATED", "2499.00", None)
    assert order["expires_at"].startswith("2027-01-15T12:15:")
    assert order["confirm_url"].startswith(f"{shop.base_url}/app/orders/")
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert again.json() == order
    return order


def _borrower_confirms(phone: Phone, order: dict[str, Any]) -> None:
    """Signed out, as a partner's borrower is: the order, then a code by SMS to the mobile on
    file, typed in; the order is paid."""
    page, words = phone.page, phone.words
    LocmemSmsBackend.outbox.clear()
    page.goto(order["confirm_url"])
    assert page.url == order["confirm_url"]

    expect(page.locator("h1")).to_have_text(words.confirm_title)
    expect(page.locator(".order .big-number")).to_have_text("¥2,499.00")
    expect(phone.fact(words.shop).locator("dd")).to_have_text("Mi Store 小米商城")
    expect(phone.fact(words.item).locator("dd")).to_have_text("Redmi K80 12GB+256GB")
    expect(phone.fact(words.paid_with).locator("dd")).to_have_text(words.on_next_bill)
    expect(phone.fact(words.apr).locator("dd")).to_have_text("18.25%")
    expect(page.locator(".order")).to_contain_text(words.bill_day)
    expect(page.locator(".confirm-code")).to_contain_text(MOBILE_MASKED)
    expect(page.locator("body")).not_to_contain_text("王芳")
    expect(page.locator("#id_password")).to_have_count(0)
    send = page.locator("main form.send-code button[type=submit]")
    expect(send).to_have_text(words.send_code)
    phone.look("01-confirm")

    with page.expect_navigation():
        send.click()
    assert page.url == order["confirm_url"]
    expect(page.locator(".messages")).to_contain_text(words.code_sent)
    expect(page.locator("#resend-button")).to_be_disabled()
    pay = page.locator("main form.code-form button[type=submit]")
    expect(pay).to_have_text(words.pay_button)
    phone.look("02-code")
    page.add_script_tag(url=phone.base_url + AXE)
    assert page.evaluate(RUN_AXE) == []

    page.fill("#id_code", _sms_code(MOBILE))
    with page.expect_navigation():
        pay.click()
    assert page.url == order["confirm_url"]
    expect(page.locator("main")).to_contain_text(words.captured)
    expect(page.locator("main .badge")).to_have_text(words.purchase_paid)
    expect(page.locator("main")).to_contain_text(words.confirmed)
    expect(page.locator("main")).to_contain_text(words.back_to_the_shop)
    expect(page.locator("#id_code")).to_have_count(0)
    phone.look("03-confirmed")


def _sms_code(to: str) -> str:
    """The code of the one SMS sent to ``to`` (LocmemSmsBackend, settings/test.py)."""
    texts = [sms.text for sms in LocmemSmsBackend.outbox]
    assert [sms.to for sms in LocmemSmsBackend.outbox] == [to]
    found = SMS_CODE.search(texts[0])
    assert found is not None, "the SMS holds no 6-digit code"
    return found.group(1)


def _order_is_captured(shop: Shop, order_id: int) -> None:
    answer = shop.call("GET", f"/orders/{order_id}")
    assert answer.status_code == 200, answer.text
    order = answer.json()
    assert (order["status"], order["captured_date"], order["confirm_url"]) == (
        "CAPTURED",
        "2027-01-15",
        None,
    )
    assert Order.objects.get(pk=order_id).status == OrderStatus.CAPTURED


def _bill_on_the_statement_day(
    shop: Shop, borrower: Borrower, phone: Phone, clock: time_machine.Traveller
) -> None:
    page, words = phone.page, phone.words
    expect(page.locator("main")).to_contain_text(words.no_bill_yet)
    unbilled = page.locator("section[aria-labelledby=unbilled-title]")
    expect(unbilled.locator("li")).to_have_text(
        f"{words.dates[ORDER_DAY]} · Mi Store 小米商城 · Redmi K80 12GB+256GB ¥2,499.00"
    )
    expect(phone.fact(words.available_no_bill, unbilled).locator("dd")).to_have_text("¥17,501.00")
    phone.look("04-before-the-bill")

    # The beat closes each date after midnight in Beijing; the workers were idle since the
    # order, so the first close after the statement date catches up every night to it.
    clock.move_to(MORNING_AFTER_STATEMENT)
    call_command(
        "close_business_day", "--through", STATEMENT_DATE.isoformat(), "--inline", stdout=StringIO()
    )
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 1, 21)

    phone.go("/app/bills/")
    latest = page.locator("section[aria-labelledby=latest-title]")
    expect(latest.locator(".big-number")).to_have_text("¥2,499.00")
    expect(phone.fact(words.pay_by, latest).locator("dd")).to_have_text(words.dates[PAY_BY_DATE])
    expect(phone.fact(words.minimum, latest).locator("dd")).to_have_text("¥249.90")
    expect(phone.fact(words.bill_date, latest).locator("dd")).to_have_text(
        words.dates[STATEMENT_DATE]
    )
    expect(latest).to_contain_text(words.on_this_bill)
    expect(latest.locator("li")).to_have_text(
        f"{words.dates[ORDER_DAY]} · Mi Store 小米商城 · Redmi K80 12GB+256GB ¥2,499.00"
    )
    expect(page.locator("section[aria-labelledby=unbilled-title]")).to_contain_text(
        words.nothing_unbilled
    )
    phone.look("05-bill")

    shop.sign_in()
    bills = shop.call("GET", f"/borrowers/{borrower.pk}/revolving-account/statements")
    assert bills.status_code == 200, bills.text
    rows = bills.json()["results"] if isinstance(bills.json(), dict) else bills.json()
    assert [
        (b["statement_date"], b["pay_by_date"], b["balance"], b["minimum_payment"]) for b in rows
    ] == [("2027-01-20", "2027-01-29", "2499.00", "249.90")]


def _paid_in_full(phone: Phone) -> None:
    """Pay the bill in full on 21 January in the portal: the check page, the payment page, the
    receipt, and the bill shown paid with the limit restored."""
    page, words = phone.page, phone.words
    latest = page.locator("section[aria-labelledby=latest-title]")
    latest.get_by_role("link", name=words.pay_in_full).click()
    expect(page.locator("main")).to_contain_text("¥2,499.00")
    phone.look("06-pay-check")
    page.get_by_role("button", name=words.go_to_payment).click()
    page.get_by_role("button", name=words.pay_button).click()
    phone.look("07-receipt")
    page.get_by_role("link", name=words.back_to_bills).click()

    assert page.url.endswith("/app/bills/")
    _shows_paid(phone)
    phone.look("08-paid")


def _shows_paid(phone: Phone) -> None:
    """The latest bill reads ¥0.00 still to pay, paid in full, and the ¥20,000 line is free."""
    page, words = phone.page, phone.words
    latest = page.locator("section[aria-labelledby=latest-title]")
    expect(latest.locator(".owed-amount")).to_have_text(f"¥0.00 {words.paid_in_full}")
    expect(phone.fact(words.minimum, latest).locator("dd")).to_have_text("¥0.00")
    expect(phone.fact(words.available, latest).locator("dd")).to_have_text("¥20,000.00")
    expect(latest.get_by_role("link", name=words.pay_in_full)).to_have_count(0)


def _no_interest_after_the_pay_by_date(
    shop: Shop, borrower: Borrower, phone: Phone, clock: time_machine.Traveller
) -> None:
    page, words = phone.page, phone.words
    clock.move_to(MORNING_AFTER_PAY_BY)
    call_command(
        "close_business_day", "--through", PAY_BY_DATE.isoformat(), "--inline", stdout=StringIO()
    )
    assert CobRun.objects.filter(business_date=PAY_BY_DATE).exists()

    # Two weeks on, the session has ended: the borrower signs in again.
    phone.go("/app/bills/")
    assert "/accounts/login/" in phone.page.url
    phone.sign_in()
    assert page.url.endswith("/app/bills/")
    latest = page.locator("section[aria-labelledby=latest-title]")
    _shows_paid(phone)
    expect(latest).not_to_contain_text(words.interest_since)
    phone.look("09-after-the-pay-by-date")

    interest = JournalLine.objects.filter(
        revolving_account__credit_line__borrower=borrower,
        entry__entry_type=EntryType.INTEREST_ACCRUAL,
    ).aggregate(total=Sum("amount"))["total"]
    assert interest is None
    bill = Statement.objects.get(account__credit_line__borrower=borrower)
    assert (bill.unpaid_amount, bill.minimum_unpaid_amount, bill.bears_interest) == (
        Decimal("0.00"),
        Decimal("0.00"),
        False,
    )
    shop.sign_in()
    account = shop.call("GET", f"/borrowers/{borrower.pk}/revolving-account").json()
    assert (account["principal"], account["available"]) == ("0.00", "20000.00")
