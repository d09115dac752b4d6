"""The back office's own sign-in and work home in a real browser at 1280 x 800 (issue #23): a new
officer without TOTP gives the password once, enrols on the admin's page, and lands on the home;
the home and the pending-disbursement queue fit the width in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import LOAN_OFFICER
from loans.calendar.models import BusinessDate
from tests.factories.accounts import totp_code
from tests.factories.loans import ProductFactory, draw
from tests.functional.backoffice.conftest import staff_member

TODAY = date(2027, 1, 15)
DESKTOP = {"width": 1280, "height": 800}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize(("locale", "suffix"), [("en-US", "en"), ("zh-CN", "zh")])
def test_a_new_officer_enrols_and_lands_on_a_home_that_fits(
    live_server, browser, screenshots, locale: str, suffix: str
):
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    draw(principal="25000.00", product=ProductFactory.create())  # one loan pending disbursement
    staff_member("newcomer", LOAN_OFFICER)
    base = live_server.url
    page = browser.new_context(viewport=DESKTOP, locale=locale).new_page()

    page.goto(base + reverse("admin:backoffice_pendingdisbursement_changelist"))
    page.screenshot(path=str(screenshots / f"backoffice-signin-{suffix}.png"))
    page.fill("input[name=login]", "newcomer")
    page.fill("input[name=password]", "staff-pass-1")
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    assert "/admin/security/totp/" in page.url  # enrolment, no second password prompt
    page.screenshot(path=str(screenshots / f"backoffice-enrol-{suffix}.png"), full_page=True)
    secret = page.inner_text("#content-main code")
    page.fill("input[name=code]", totp_code(secret))
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")

    assert page.url == base + reverse("admin:backoffice_pendingdisbursement_changelist")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("td.field-borrower_name").count() == 1
    assert page.locator("td.field-request_button a").is_visible()
    page.screenshot(path=str(screenshots / f"backoffice-pending-{suffix}.png"), full_page=True)

    page.goto(base + reverse("admin:index"))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("#work-queues td.queue-count").first.inner_text() == "0"
    page.screenshot(path=str(screenshots / f"backoffice-home-{suffix}.png"), full_page=True)
