"""Paying a bill on a phone (issue #18): at 390 x 844, in Chinese and English, a borrower with a
¥3,000.00 bill follows the header's "Bills" link, taps "Pay in full ¥3,000.00", "Go to payment"
and the test gateway's "Pay ¥3,000.00", reads the receipt and goes back to the bills, which say
¥0.00 is still to pay. The minimum's and another amount's check pages are seen on the way. On
every page nothing scrolls sideways and axe-core finds no serious or critical violation
(screenshots in tests/e2e/screenshots/bill-pay-*.png)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from accounts.models import User
from loans.calendar.models import BusinessDate
from loans.revolving.models import RevolvingProduct, Statement
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.statements import statements_cut
from loans.servicing.models import CreditLine
from tests.e2e.test_portal_axe import AXE, RUN_AXE, session_cookie
from tests.e2e.test_portal_width import PHONE, WIDTH
from tests.functional.portal.conftest import TODAY, borrower_for, verified_user
from tests.functional.portal.test_bills import buy

TEXTS = {
    "en-US": {
        "bills": "Bills",
        "in_full": "Pay in full ¥3,000.00",
        "minimum": "Pay the minimum ¥300.00",
        "another": "Pay another amount",
        "review": "Review",
        "go": "Go to payment",
        "pay": "Pay ¥3,000.00",
        "back": "Back to your bills",
        "paid": "Paid in full",
    },
    "zh-CN": {
        "bills": "账单",
        "in_full": "全额还款 ¥3,000.00",
        "minimum": "还最低还款额 ¥300.00",
        "another": "还其他金额",
        "review": "下一步",
        "go": "去支付",
        "pay": "支付 ¥3,000.00",
        "back": "返回账单",
        "paid": "已还清",
    },
}


def borrower_with_a_bill() -> User:
    """A ¥3,000.00 bill of 1 February 2027 (minimum ¥300.00), seen on 2 February."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    user = verified_user("phone.bill@example.com")
    borrower = borrower_for(user)
    product = RevolvingProduct.objects.create(code="huabei", name="花呗")
    account = revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=1, as_of=TODAY
    )
    buy(account, date(2027, 1, 20), "3000.00", 1, "Redmi Note 14")
    with transaction.atomic():
        statements_cut(statement_date=date(2027, 2, 1))
    buy(account, date(2027, 2, 2), "88.00", 2, "手机壳")
    assert Statement.objects.get().minimum_payment_amount == Decimal("300.00")
    return user


class Phone:
    """One page in a phone-sized browser; records each page that scrolls sideways or that axe
    faults."""

    def __init__(self, page, base_url: str, shots: Path, prefix: str) -> None:
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.prefix = prefix
        self.problems: list[str] = []
        self.seen: list[str] = []

    def check(self, name: str) -> None:
        self.seen.append(name)
        if not self.page.evaluate(WIDTH):
            self.problems.append(f"{name}: scrolls sideways")
        self.page.add_script_tag(url=self.base_url + AXE)
        self.problems += [f"{name}: {v}" for v in self.page.evaluate(RUN_AXE)]
        slug = "".join(c if c.isalnum() else "-" for c in name)
        shot = self.shots / f"bill-pay-{self.prefix}-{len(self.seen):02d}-{slug}.png"
        self.page.screenshot(path=str(shot), full_page=True)

    def tap(self, role: str, name: str, then: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=True).first.click()
        self.check(then)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_bill_is_paid_in_full_on_a_phone(
    live_server, browser, screenshots: Path, locale: str
) -> None:
    user = borrower_with_a_bill()
    text = TEXTS[locale]
    context = browser.new_context(viewport=PHONE, locale=locale)
    context.add_cookies([session_cookie(user, live_server.url)])
    phone = Phone(context.new_page(), live_server.url, screenshots, locale)
    try:
        phone.page.goto(live_server.url + "/app/")
        with phone.page.expect_navigation():
            phone.page.locator("nav.site-nav").get_by_role("link", name=text["bills"]).click()
        phone.check("bills")
        phone.tap("link", text["minimum"], "the minimum's check page")
        phone.page.go_back()
        phone.tap("link", text["another"], "another amount")
        phone.page.fill("#id_amount", "4,000")
        phone.tap("button", text["review"], "another amount's check page")
        phone.page.goto(live_server.url + "/app/bills/")
        phone.tap("link", text["in_full"], "check page")
        phone.tap("button", text["go"], "test gateway")
        phone.tap("button", text["pay"], "receipt")
        phone.tap("link", text["back"], "bills after paying")
        owed = phone.page.locator(".owed-amount").inner_text()
    finally:
        context.close()

    assert phone.problems == []
    assert len(phone.seen) == 8
    assert owed == f"¥0.00 {text['paid']}"
    line = CreditLine.objects.get(borrower__user=user)
    assert line.available_amount == Decimal("19912.00")  # only the ¥88 not billed is used
