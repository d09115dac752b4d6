"""Every back-office page in a real browser at 1280 x 800, in Chinese and English (issue #23):
the home, each model's list and one change page, the dashboard, the queues, the collections
worklist and the reports. On each page nothing scrolls sideways (``scrollWidth <=
clientWidth``), and no table and no read-only field of a change page shows a raw code
(``EQUAL_INSTALLMENT``, ``M4_PLUS``), an unformatted amount (``21000.00``, ``21,000.00``
without ¥) or a rate as a bare fraction (``0.108000``); in Chinese the heading names the
model in Chinese (no English word in the ``<h1>``).

Every page must pass; a failure lists each page with what it found.
``LENDPORTAL_SCREENSHOTS=1`` also saves the main pages' screenshots to
``docs/screenshots/backoffice/`` (kept in the repository; a plain run does not rewrite them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from loans.backoffice.reports import REPORTS
from loans.calendar.models import BusinessDate
from loans.reporting.services.portfolio_days import portfolio_days_refresh
from tests.factories.accounts import totp_enable

DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = [("en-US", "en"), ("zh-CN", "zh")]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "backoffice"
SHOOT = os.environ.get("LENDPORTAL_SCREENSHOTS") == "1"

RAW_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # UPPER_SNAKE: M4_PLUS, PAID_OFF
# A number with two decimals; it is money written right only as ¥1,234.50 (or -¥1,234.50).
# Not inside a word or number; a Chinese character may come right before (已用¥4,606.15).
AMOUNT = re.compile(r"(?<![A-Za-z0-9_.,/:-])(-?)(¥?)(\d[\d,]*\.\d{2})(?![\d%])")
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})*")
# A rate stored as a fraction (0.108000) shows as a percentage (10.80%).
FRACTION = re.compile(r"(?<![A-Za-z0-9_.,/:-])-?\d+\.\d{3,}(?![\d%])")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Third-party apps (OAuth applications, MFA authenticators): their model names are theirs, in
# English; every app of ours names its models in both languages (verbose_name in their Meta).
HEADINGS_NOT_TRANSLATED = {
    "oauth2_provider",
    "mfa",
}


SCAN = """() => {
  const root = document.documentElement;
  const cells = Array.from(document.querySelectorAll(
    '#content table td, #content table th, #content fieldset .readonly, #content fieldset p'));
  const h1 = document.querySelector('#content h1');
  // A list's table scrolls inside its box (#changelist .results) while the page does not.
  const clipped = Array.from(document.querySelectorAll('#content .results'))
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => [e.scrollWidth, e.clientWidth]);
  return {
    wide: root.scrollWidth > root.clientWidth ? [root.scrollWidth, root.clientWidth] : null,
    clipped: clipped,
    cells: cells.map(c => c.innerText),
    h1: h1 ? h1.innerText : '',
  };
}"""


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    shot: bool = False  # a screenshot kept in docs/screenshots/backoffice/
    app: str = ""  # the model's app, for a model's list or change page


def pages() -> list[Page]:
    """The home, the dashboard, the reports, and every registered model's list and a change
    page of its first row (the queues and the worklist are models of the admin)."""
    found = [
        Page("home", reverse("admin:index"), shot=True),
        Page("dashboard", reverse("backoffice:portfolio"), shot=True),
        Page("reports", reverse("backoffice:reports"), shot=True),
    ]
    found += [Page(f"report-{slug}", reverse("backoffice:report", args=[slug])) for slug in REPORTS]
    shots = {
        "backoffice.overdueloan",
        "backoffice.pendingdisbursement",
        "backoffice.pendingapproval",
        "backoffice.referredapplication",
        "revolving.revolvingaccount",
        "servicing.loan",
    }
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        info = (model._meta.app_label, model._meta.model_name)
        name = "worklist" if label == "backoffice.overdueloan" else label
        url = reverse("admin:{}_{}_changelist".format(*info))
        found.append(Page(name, url, label in shots, info[0]))
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is None:
            continue
        try:
            change = reverse("admin:{}_{}_change".format(*info), args=[first])
        except NoReverseMatch:
            continue
        # The loan's "All fields" page and a revolving account's page are kept as screenshots.
        shot = label in {"servicing.loan", "revolving.revolvingaccount"}
        found.append(Page(f"{name}-change", change, shot, info[0]))
    return found


def problems(scan: dict, *, chinese_heading: bool = False) -> list[str]:
    """What is wrong on a page from its scan: sideways scroll, raw codes, unformatted amounts
    and rates, and (``chinese_heading``) an English word in the heading."""
    found = []
    if chinese_heading and (english := ENGLISH_WORD.findall(scan.get("h1", ""))):
        found.append(f"English in the heading {scan['h1']!r}: {english}")
    if scan["wide"]:
        wide, client = scan["wide"]
        found.append(f"scrolls sideways: scrollWidth {wide} > clientWidth {client}")
    for wide, client in scan.get("clipped", []):
        found.append(f"the list is wider than its box ({wide} > {client} px): it scrolls inside")
    for text in scan["cells"]:
        for code in RAW_CODE.findall(text):
            found.append(f"raw code {code!r} in {text[:60]!r}")
        for minus, yuan, digits in AMOUNT.findall(text):
            if not yuan or not GROUPED.fullmatch(digits.split(".")[0]):
                found.append(f"unformatted amount {minus}{yuan}{digits!r} in {text[:60]!r}")
        for fraction in FRACTION.findall(text):
            found.append(f"rate as a fraction {fraction!r} in {text[:60]!r}")
    return found


@pytest.fixture
def demo(transactional_db) -> User:
    """The demo data (``seed_demo``) with its summary rows, and the administrator signed in."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 1, 20)})
    call_command("seed_demo", verbosity=0)
    portfolio_days_refresh(first=date(2026, 2, 1), last=date(2027, 1, 19))
    user = User.objects.get(username="admin")
    totp_enable(user)
    return user


def _signed_in(browser, base: str, user: User, locale: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=DESKTOP, locale=locale)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    return context.new_page()


def test_every_back_office_page_fits_and_reads_in_both_languages(live_server, browser, demo):
    base = live_server.url
    failures: dict[str, list[str]] = {}
    for locale, suffix in LANGUAGES:
        page = _signed_in(browser, base, demo, locale)
        for target in pages():
            response = page.goto(base + target.url)
            key = f"{target.name} [{suffix}]"
            assert "/admin/login/" not in page.url, key
            if response is None or not response.ok:
                failures[key] = [f"HTTP {response.status if response else 'no response'}"]
                continue
            chinese = suffix == "zh" and target.app not in HEADINGS_NOT_TRANSLATED
            found = problems(page.evaluate(SCAN), chinese_heading=chinese)
            if found:
                failures[key] = found
            if SHOOT and target.shot:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                slug = target.name.replace(".", "-")
                page.screenshot(path=str(SCREENSHOTS / f"{slug}-{suffix}.png"), full_page=True)
        page.context.close()

    assert not failures, "\n".join(
        f"{key}: {' | '.join(found[:3])}" for key, found in sorted(failures.items())
    )
