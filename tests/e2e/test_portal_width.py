"""No portal page scrolls sideways on a small phone (issue #22): every page a signed-in borrower
with a loan can reach, and the public ones, at 360 x 780 and 390 x 844, in Chinese and English, has
``document.documentElement.scrollWidth <= clientWidth``. The loan is seen before its first due
date and again when that installment is late (the overdue boxes, the refused borrow page)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.servicing.models import (
    Loan,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from tests.factories.accounts import borrower_create
from tests.factories.loans import ProductFactory, credit_line_for, draw

TODAY = date(2027, 1, 15)
LATE = date(2027, 2, 20)  # five days after the first due date
PASSWORD = "correct-horse-battery-9"
SMALL = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}
TERMS = "?product=CASH&amount=5000&term=12&method=EQUAL_INSTALLMENT"
PUBLIC = ["/", "/privacy/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN = [
    "/app/",
    "/app/profile/",
    "/app/credit/",
    "/app/borrow/",
    f"/app/borrow/{TERMS}",
    f"/app/borrow/contract/{TERMS}",
    "/app/notifications/",
    "/app/auto-debit/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]
WIDTH = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
CASES = [
    pytest.param("zh-CN", SMALL, id="chinese-360"),
    pytest.param("en-US", SMALL, id="english-360"),
    pytest.param("zh-CN", PHONE, id="chinese-390"),
    pytest.param("en-US", PHONE, id="english-390"),
]


class Visit:
    """Opens pages and records each one that scrolls sideways, with its widths."""

    def __init__(self, page, base_url: str, shots: Path, prefix: str) -> None:
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.prefix = prefix
        self.too_wide: list[str] = []
        self.seen = 0

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check(path)

    def check(self, name: str) -> None:
        self.seen += 1
        if not self.page.evaluate(WIDTH):
            widths = self.page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            self.too_wide.append(f"{name} ({widths[0]} > {widths[1]} px)")
        slug = "".join(c if c.isalnum() else "-" for c in name.split("?")[0]).strip("-")
        self.page.screenshot(
            path=str(self.shots / f"width-{self.prefix}-{self.seen:02d}-{slug or 'home'}.png"),
            full_page=True,
        )

    def submit(self, name: str) -> None:
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").last.click()
        self.check(name)


def borrower_with_a_loan() -> tuple[User, Borrower, Loan]:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    ProductFactory.create()
    email = "width@example.com"
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    consented = datetime(2027, 1, 14, 2, 30, tzinfo=UTC)
    borrower = borrower_create(
        user=user,
        email=email,
        full_name="欧阳娜娜",
        credit_check_consent_at=consented,
        privacy_consent_at=consented,
        privacy_notice_version=settings.LENDPORTAL_PRIVACY_NOTICE_VERSION,
    )
    credit_line_for(borrower, limit=Decimal("20000.00"), grade="B", rate=Decimal("0.108000"))
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    Reminder.objects.create(
        installment=loan.installments.get(number=1),
        loan=loan,
        kind=ReminderKind.DUE_SOON,
        channel=ReminderChannel.SMS,
        business_date=date(2027, 2, 12),
        language="zh-hans",
        send_after="2027-02-12T09:00:00+08:00",
        status=ReminderStatus.SENT,
        sent_at="2027-02-12T09:00:00+08:00",
    )
    return user, borrower, loan


def session_cookie(user: User, base_url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


@pytest.mark.parametrize(("locale", "viewport"), CASES)
def test_no_portal_page_scrolls_sideways(live_server, browser, screenshots, locale, viewport):
    user, _, loan = borrower_with_a_loan()
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    visit = Visit(page, live_server.url, screenshots, f"{locale}-{viewport['width']}")
    try:
        for path in PUBLIC:
            visit.go(path)
        context.add_cookies([session_cookie(user, live_server.url)])
        _before_the_due_date(visit, loan)
        BusinessDate.objects.filter(id=1).update(current_date=LATE)
        Loan.objects.filter(pk=loan.pk).update(
            days_past_due=5, penalty_receivable_amount=Decimal("1.23")
        )
        _when_late(visit, loan)
    finally:
        context.close()

    assert visit.seen == len(PUBLIC) + len(SIGNED_IN) + 12
    assert visit.too_wide == [], "these pages scroll sideways: " + "; ".join(visit.too_wide)


def _before_the_due_date(visit: Visit, loan: Loan) -> None:
    for path in SIGNED_IN:
        visit.go(path)
    # The live quote's refusal with the last quote kept below it.
    visit.go("/app/borrow/")
    visit.page.fill("#id_amount", "25,000")
    visit.page.locator("#quote-reason").wait_for()
    visit.page.locator("#quote .quote-stale").wait_for()
    visit.check("/app/borrow/ (over the limit)")
    visit.go(f"/app/loans/{loan.pk}/")
    visit.go(f"/app/loans/{loan.pk}/repay/")
    visit.page.check("input[name=purpose][value=AMOUNT]")
    visit.page.fill("#id_amount", "3,000")
    visit.submit("repay review with the prepayment choices")


def _when_late(visit: Visit, loan: Loan) -> None:
    visit.go("/app/")
    visit.go(f"/app/loans/{loan.pk}/")
    visit.go("/app/borrow/")  # refused while late
    visit.go(f"/app/loans/{loan.pk}/repay/")
    visit.submit("repay review of what is late")
    visit.submit("test gateway")
    with visit.page.expect_navigation():
        visit.page.locator("button[value=pay]").click()
    visit.check("receipt")
