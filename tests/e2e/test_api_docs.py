"""The partner API's docs pages in a real browser, under the site's Content-Security-Policy
(issue #16, hole 5b: /api/docs/ rendered nothing, its inline start-up script blocked).

Swagger UI and Redoc must list every operation of the schema, with no CSP violation and no
error in the console; Swagger's Authorize gets a token by client credentials and a call made
from the page succeeds with it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import ProductFactory

DESKTOP = {"width": 1280, "height": 900}
REPAYMENTS = "/api/v1/loans/{loan_id}/repayments"
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    found = [(method.upper(), path) for path, item in schema["paths"].items() for method in item]
    assert ("POST", REPAYMENTS) in found
    return found


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # A fetch cut short by leaving the page is no problem; a blocked or failed one is.
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"request failed: {request.url} {request.failure}")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    yield page, problems
    context.close()


def _assert_clean(page, problems: list[str]) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []


def test_swagger_ui_lists_every_operation_and_authorize_gets_a_token(
    live_server, watched_page, operations, screenshots
):
    business_date_set()
    ProductFactory.create()
    partner = api_partner()
    partner_loan(partner.partner)
    page, problems = watched_page

    page.goto(live_server.url + "/api/docs/")

    blocks = page.locator(".opblock")
    expect(blocks).to_have_count(len(operations), timeout=20_000)
    for method, path in operations:
        block = page.locator(f".opblock-{method.lower()}").filter(
            has=page.locator(f'.opblock-summary-path[data-path="{path}"]')
        )
        expect(block).to_have_count(1)
    expect(page.get_by_role("link", name="partner guide")).to_have_attribute("href", "/api/guide/")

    page.locator(".auth-wrapper button.authorize").click()
    page.locator("input[data-name=clientId]").fill(partner.client_id)
    page.locator("input[data-name=clientSecret]").fill(partner.client_secret)
    page.locator(".auth-btn-wrapper button.authorize").click()
    expect(page.locator(".auth-btn-wrapper button", has_text="Logout")).to_be_visible()
    page.locator(".auth-btn-wrapper button.btn-done").click()

    listing = page.locator(".opblock-get").filter(
        has=page.locator('.opblock-summary-path[data-path="/api/v1/loans"]')
    )
    listing.locator(".opblock-summary-control").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()
    status = listing.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text(re.compile(r"^\s*200"), timeout=20_000)
    page.screenshot(path=str(screenshots / "api-docs-swagger.png"), full_page=False)
    _assert_clean(page, problems)


def test_redoc_lists_every_operation(live_server, watched_page, operations, screenshots):
    page, problems = watched_page

    page.goto(live_server.url + "/api/redoc/")

    sections = page.locator('[data-section-id^="operation/"]')
    expect(sections).to_have_count(len(operations), timeout=20_000)
    repayment = page.locator('[data-section-id="operation/repayment_create"]')
    expect(repayment).to_contain_text("Post a repayment")
    expect(repayment).to_contain_text(REPAYMENTS)
    page.screenshot(path=str(screenshots / "api-docs-redoc.png"), full_page=False)
    _assert_clean(page, problems)


def test_the_guide_page_is_linked_from_both_references(live_server, watched_page):
    page, problems = watched_page

    page.goto(live_server.url + "/api/redoc/")
    expect(page.locator('[data-section-id^="operation/"]').first).to_be_attached(timeout=20_000)
    page.locator(".api-docs-nav").get_by_role("link", name="Guide").click()

    expect(page).to_have_url(live_server.url + "/api/guide/")
    expect(page.locator("h1")).to_have_text("Partner API v1")
    expect(page.get_by_role("heading", name="Idempotency")).to_be_visible()
    _assert_clean(page, problems)
