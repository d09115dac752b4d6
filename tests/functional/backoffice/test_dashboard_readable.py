"""The portfolio dashboard as people read it (#23): amounts as ¥42,121.95, shares as
percentages, charts in the unit of the book, today's flows "so far today" until close of business
books them, and a negative figure explained next to it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import FINANCE
from loans.reporting.models import PortfolioDay
from loans.reporting.services.portfolio_days import portfolio_days_refresh
from loans.servicing.models import Loan
from tests.factories.loans import DRAW_DATE, draw
from tests.functional.backoffice.conftest import AS_OF, client_for

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("backoffice:portfolio")
# Digits with two decimals not written as money (¥ and separators) nor as a percentage.
UNFORMATTED = re.compile(r"(?<![¥\d,.])\d+\.\d{2}(?![\d%])")


@pytest.fixture
def book(as_of):
    """¥12,121.95 drawn on 2027-01-15 and booked; ¥31,000 drawn today, not yet booked."""
    earlier = draw(principal="12121.95", term=6)
    Loan.objects.filter(pk=earlier.pk).update(days_past_due=45, bucket="M2")
    portfolio_days_refresh(first=DRAW_DATE, last=AS_OF - timedelta(days=1))
    today = [draw(principal=p, term=6, as_of=AS_OF) for p in ("15000.00", "16000.00")]
    return earlier, today


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(.*?)</td>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_todays_disbursements_show_as_so_far_today_until_close_of_business(staff, book):
    response = client_for(staff[FINANCE]).get(DASHBOARD)
    html = response.content.decode()

    d = response.context["d"]
    assert d.today.disbursed == Decimal("31000.00")
    assert d.today.disbursed_loans == 2
    assert d.month.disbursed == Decimal("43121.95")
    assert _text(html, "disbursed-month") == (
        "¥43,121.95 (loans: 3) including ¥31,000.00 so far today"
    )
    assert _text(html, "today-disbursed") == "¥31,000.00 (loans: 2)"
    exported = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio_csv")).content
    assert "today,disbursed,31000.00,2" in exported.decode()

    portfolio_days_refresh(first=AS_OF, last=AS_OF)  # close of business books the day
    booked = client_for(staff[FINANCE]).get(DASHBOARD)

    assert booked.context["d"].today is None
    assert booked.context["d"].month.disbursed == Decimal("43121.95")  # counted once
    assert 'id="so-far-today"' not in booked.content.decode()


def test_amounts_and_shares_are_formatted_and_charts_fit_the_book(staff, book):
    html = client_for(staff[FINANCE]).get(DASHBOARD).content.decode()
    tables = "".join(re.findall(r"<table.*?</table>", html, re.S))

    assert _text(html, "principal-outstanding") == "¥43,121.95"
    assert _text(html, "par30") == "¥12,121.95 (28.11%)"
    assert UNFORMATTED.findall(tables) == []
    assert re.search(r'<tr class="bucket-M2"><th>M2 \(31-60 days\)</th><td>1</td>'
                     r"<td>¥12,121.95</td><td>28.11%</td></tr>", html)  # fmt: skip
    assert "M4_PLUS" not in re.sub(r'class="[^"]*"', "", tables)
    assert "Principal outstanding by bucket (¥ thousand)" in html
    assert "Disbursed per month (¥ thousand)" in html


def test_a_negative_figure_is_explained_next_to_it(staff, as_of):
    PortfolioDay.objects.create(
        value_date=AS_OF - timedelta(days=3), interest_accrued_amount=Decimal("-12.34")
    )

    html = client_for(staff[FINANCE]).get(DASHBOARD).content.decode()

    cell = _text(html, "interest-accrued")
    assert cell.startswith("-¥12.34 / -¥12.34 Negative: more accrued interest was taken back")
    assert "prepayment or payoff" in cell
    assert "Negative" not in _text(html, "interest-collected")


def test_the_dashboard_reads_in_chinese(staff, book):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(staff[FINANCE])

    html = client.get(DASHBOARD).content.decode()

    assert "今日截至目前" in html
    assert "¥31,000.00" in html
    assert "千元" in html
