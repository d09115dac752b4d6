"""Accessibility of the portal (issue #22): axe-core (vendored, static/vendor/axe/) on every portal
page, for a borrower in every state (tests/functional/portal/tour.py), in Chinese and English, at
360 and 390 px: no serious or critical violation (WCAG 2.1 A and AA, contrast AA included, and
axe's best practices). Every form of a page can be reached by keyboard: Tab from the top of the
page reaches its submit button (Enter opens a folded section holding a form on the way).

With ``LENDPORTAL_SCREENSHOTS=1`` the 390 px runs save a screenshot of every page to
docs/screenshots/portal/ (linked from docs/portal.md); otherwise nothing is written there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.functional.portal.tour import Stop, portal_tour

SMALL = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}
CASES = [
    pytest.param("zh-CN", SMALL, id="chinese-360"),
    pytest.param("en-US", SMALL, id="english-360"),
    pytest.param("zh-CN", PHONE, id="chinese-390"),
    pytest.param("en-US", PHONE, id="english-390"),
]
AXE = "/static/vendor/axe/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): `
      + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""
FOCUSED_SUBMIT = """(form) => {
  const active = document.activeElement;
  return !!active && form.contains(active) && active.matches("[type=submit], button:not([type])");
}"""
# On a folded section's summary that holds the form, a keyboard user presses Enter to open it.
ON_FOLDED_SUMMARY = """(form) => {
  const active = document.activeElement;
  return !!active && active.tagName === "SUMMARY" && !active.parentElement.open
    && active.parentElement.contains(form);
}"""
TABS_AT_MOST = 120
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots" / "portal"


def session_cookie(user: User, base_url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


class Audit:
    """Opens the tour's pages in one browser context and records what fails on each."""

    def __init__(self, context, base_url: str, prefix: str, shots: bool) -> None:
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.prefix = prefix
        self.shots = shots
        self.signed_in: int | None = None
        self.violations: list[str] = []
        self.unreachable: list[str] = []
        self.seen = 0

    def open(self, stop: Stop) -> None:
        if stop.user.pk != self.signed_in:
            self.context.clear_cookies()
            if stop.user.pk:
                self.context.add_cookies([session_cookie(stop.user, self.base_url)])
            self.signed_in = stop.user.pk
        self.page.goto(self.base_url + stop.url)
        if stop.post:
            self._answer(stop)
        self.seen += 1
        where = f"{stop.state} / {stop.name}"
        self.page.add_script_tag(url=self.base_url + AXE)
        self.violations += [f"{where}: {v}" for v in self.page.evaluate(RUN_AXE)]
        if not stop.post:
            self._keyboard(where)
        if self.shots:
            slug = "".join(c if c.isalnum() else "-" for c in f"{stop.state}-{stop.name}")
            self.page.screenshot(
                path=str(SHOTS / f"{self.prefix}-{self.seen:02d}-{slug}.png"), full_page=True
            )

    def _answer(self, stop: Stop) -> None:
        """Fill the page's form as the stop posts it and submit it."""
        for name, value in stop.post.items():
            field = self.page.locator(f"main [name={name}]")
            if field.first.get_attribute("type") == "radio":
                self.page.check(f"main input[name={name}][value={value}]")
            else:
                field.first.fill(value)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").last.click()

    def _keyboard(self, where: str) -> None:
        """Tab from the top of the page to each form's submit button in the page's content
        (opening a folded section on the way with Enter, as a keyboard user does)."""
        forms = self.page.locator("main form:has([type=submit])")
        for index in range(forms.count()):
            form = forms.nth(index).element_handle()
            self.page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
            for _ in range(TABS_AT_MOST):
                self.page.keyboard.press("Tab")
                if self.page.evaluate(ON_FOLDED_SUMMARY, form):
                    self.page.keyboard.press("Enter")
                if self.page.evaluate(FOCUSED_SUBMIT, form):
                    break
            else:
                self.unreachable.append(f"{where}: form {index + 1}")


@pytest.mark.parametrize(("locale", "viewport"), CASES)
def test_no_serious_accessibility_violation_on_any_portal_page(
    live_server, browser, locale, viewport
):
    shots = os.environ.get("LENDPORTAL_SCREENSHOTS") == "1" and viewport is PHONE
    if shots:
        SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, locale=locale)
    audit = Audit(context, live_server.url, f"{locale[:2]}-{viewport['width']}", shots)
    try:
        for stop in portal_tour():
            if not stop.fragment:  # the live quote is checked inside the borrow page
                audit.open(stop)
    finally:
        context.close()

    assert audit.seen >= 38
    assert audit.violations == [], "axe found:\n" + "\n".join(audit.violations)
    assert audit.unreachable == [], "not reachable by Tab:\n" + "\n".join(audit.unreachable)
