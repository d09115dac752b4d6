"""A new borrower signs up with a mobile number and an SMS code, in Chinese on a 390 px phone,
and reaches the dashboard greeted by the real name; then signs out and back in by SMS code
(issue #22). The codes are read from LocmemSmsBackend (settings/test.py): the live server runs
in this process. The code page is checked with axe-core too."""

from __future__ import annotations

import re
import time
from datetime import date

from playwright.sync_api import expect

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.servicing.notifications import LocmemSmsBackend
from tests.factories.accounts import make_bank_card, make_id_number
from tests.factories.loans import ProductFactory

TODAY = date(2027, 1, 15)
PHONE = {"width": 390, "height": 844}
MOBILE = "13712345601"
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
# axe-core, vendored (tests/e2e/test_portal_axe.py runs it on every other portal page): the code
# page needs a sign-up under way, so it is checked here.
AXE = "/static/vendor/axe/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3).map((n) => n.target.join(" ")));
}"""


def sms_code(to: str, count: int) -> str:
    """The code of the count-th SMS to a number, once it has arrived."""
    for _ in range(50):
        texts = [sms.text for sms in LocmemSmsBackend.outbox if sms.to == to]
        if len(texts) >= count:
            found = CODE.search(texts[count - 1])
            assert found is not None, texts[count - 1]
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no SMS number {count} to {to}")


def test_phone_sign_up_in_chinese_to_the_dashboard(live_server, browser, screenshots):
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    ProductFactory.create()
    LocmemSmsBackend.outbox.clear()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()

    def snap(name: str) -> None:
        page.screenshot(path=str(screenshots / f"phone-zh-{name}.png"), full_page=True)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name}: the page scrolls sideways at 390 px"

    def submit() -> None:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()

    try:
        page.goto(live_server.url + "/accounts/signup/")
        expect(page.locator("h1")).to_have_text("注册")
        page.fill("#id_phone", "137 1234 5601")
        snap("01-signup")
        submit()

        assert page.url.endswith("/accounts/phone/verify/"), page.url
        expect(page.locator("main")).to_contain_text("1********01")
        expect(page.locator("#resend-button")).to_be_disabled()
        expect(page.locator("#resend-button")).to_contain_text("秒）")  # noqa: RUF001
        snap("02-sms-code")
        page.add_script_tag(url=live_server.url + AXE)
        assert page.evaluate(RUN_AXE) == []
        page.fill("#id_code", sms_code(MOBILE, 1))
        submit()

        assert page.url.endswith("/app/")
        expect(page.locator("h1")).to_have_text("欢迎，1********01")  # noqa: RUF001
        snap("03-welcome")

        page.goto(live_server.url + "/app/profile/")
        expect(page.locator("#id_mobile")).to_be_disabled()
        expect(page.locator("#id_mobile")).to_have_value("1********01")
        page.fill("#id_full_name", "王芳")
        page.fill("#id_id_number", make_id_number(birth_date=date(1995, 3, 8), sequence="547"))
        page.fill("#id_bank_card", make_bank_card(number=8870))
        page.fill("#id_monthly_income_amount", "15000")
        page.fill("#id_employment_months", "48")
        page.fill("#id_monthly_debt_payments_amount", "0")
        page.check("#id_credit_check_consent")
        page.check("#id_privacy_consent")
        snap("04-profile")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        assert page.url.endswith("/app/credit/")
        borrower = Borrower.objects.get()
        assert borrower.mobile_digest == User.objects.get().phone_digest

        page.goto(live_server.url + "/app/")
        expect(page.locator("h1")).to_contain_text("王芳")
        snap("05-dashboard")

        with page.expect_navigation():
            page.locator("header form[action$='/logout/'] button").click()
        page.goto(live_server.url + "/accounts/login/")
        snap("06-sign-in")
        page.fill("#id_sms_phone", MOBILE)
        submit()
        expect(page.locator("main")).to_contain_text("1********01")
        page.fill("#id_code", sms_code(MOBILE, 2))
        submit()
        assert page.url.endswith("/app/")
        expect(page.locator("main")).to_contain_text("王芳")
        snap("07-signed-in")
    finally:
        context.close()
