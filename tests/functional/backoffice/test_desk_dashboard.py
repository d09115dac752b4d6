"""The portfolio dashboard (#6): figures equal to the hand-computed ones on a small portfolio,
the CSV export, and the summary rows it reads."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import FINANCE
from loans.backoffice.selectors import portfolio_dashboard
from loans.reporting.models import PortfolioDay, RollRateSummary
from loans.reporting.services.portfolio_days import portfolio_days_refresh
from loans.reporting.services.roll_rates import roll_rates_refresh
from loans.servicing.models import Loan, LoanEvent, LoanEventType, RepaymentChannel
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import DRAW_DATE, draw
from tests.functional.backoffice.conftest import AS_OF, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(as_of):
    """¥10,000 current, ¥5,000 at 45 DPD (M2), ¥3,000 at 100 DPD (M4+), ¥2,000 paid off."""
    current = draw(principal="10000.00", term=12)
    m2 = draw(principal="5000.00", term=6)
    m4 = draw(principal="3000.00", term=6)
    paid = draw(principal="2000.00", term=3)
    Loan.objects.filter(pk=m2.pk).update(days_past_due=45, bucket="M2")
    Loan.objects.filter(pk=m4.pk).update(days_past_due=100, bucket="M4_PLUS")
    accrued = loan_interest_accrue(loan=current, as_of=DRAW_DATE)  # 4.84 (test_collections)
    payoff = repayment_post(
        loan=paid,
        amount=Decimal("2100.00"),
        value_date=AS_OF,
        as_of=AS_OF,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    interest_paid = sum(
        Decimal(p["amount"]) for p in payoff.allocation["parts"] if p["component"] == "INTEREST"
    )
    for day, origin, target in [(date(2027, 1, 5), "CURRENT", "M1"), (AS_OF, "M1", "M2")]:
        LoanEvent.objects.create(
            loan=m2,
            event_type=LoanEventType.BUCKET_CHANGED,
            business_date=day,
            data={"from": origin, "to": target, "days_past_due": 45},
        )
    portfolio_days_refresh(first=DRAW_DATE, last=AS_OF)
    return {"accrued": accrued, "interest_paid": interest_paid, "payoff": payoff}


def test_the_dashboard_shows_the_hand_computed_figures(staff, portfolio):
    response = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio"))

    assert response.status_code == 200
    d = response.context["d"]
    assert (d.active_loans, d.principal_outstanding) == (3, Decimal("18000.00"))
    assert (d.par30_principal, d.par30) == (Decimal("8000.00"), Decimal("0.4444"))
    assert (d.par90_principal, d.par90) == (Decimal("3000.00"), Decimal("0.1667"))
    assert [(b.bucket, b.loans, b.principal) for b in d.buckets] == [
        ("CURRENT", 1, Decimal("10000.00")),
        ("M1", 0, Decimal("0.00")),
        ("M2", 1, Decimal("5000.00")),
        ("M3", 0, Decimal("0.00")),
        ("M4_PLUS", 1, Decimal("3000.00")),
    ]
    assert (d.month.disbursed, d.month.disbursed_loans) == (Decimal("20000.00"), 4)
    assert d.year.disbursed == Decimal("20000.00")
    assert d.plan_year_amount == Decimal("2000000000.00")
    assert d.plan_share == Decimal("0.0000")
    assert portfolio["accrued"] == Decimal("4.84")
    assert portfolio["interest_paid"] > 0
    # The payoff trued up its own interest (earned) and paid it (collected).
    assert d.month.interest_accrued == Decimal("4.84") + portfolio["interest_paid"]
    assert d.month.interest_collected == portfolio["interest_paid"]
    assert d.month.principal_collected == Decimal("2000.00")
    assert d.months[-1].disbursed == Decimal("20000.00")
    # No close of business has worked out roll rates yet: the page says so.
    assert (d.roll_start, d.roll_rows) == (None, [])
    assert 'id="roll-rates-none"' in response.content.decode()
    assert "<svg" in response.content.decode()

    roll_rates_refresh(as_of=AS_OF)  # every loan was drawn inside the window: none counted
    d = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio")).context["d"]
    assert (d.roll_start, d.roll_end) == (date(2026, 12, 21), AS_OF)
    assert [row.start_loans for row in d.roll_rows] == [0, 0, 0, 0, 0]


def test_the_csv_export_carries_the_same_figures(staff, portfolio):
    response = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio_csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2027-01-20.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    figures = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert figures["summary", "principal_outstanding"] == ["18000.00", ""]
    assert figures["summary", "par30_principal"] == ["8000.00", "0.4444"]
    assert figures["summary", "disbursed_month"] == ["20000.00", "4"]
    assert figures["bucket", "M4_PLUS"] == ["3000.00", "1"]
    assert not any(section == "roll" for section, _ in figures)


def test_refreshing_a_date_twice_changes_nothing(portfolio):
    from loans.reporting.models import PortfolioDay

    first = list(PortfolioDay.objects.order_by("value_date").values_list())
    portfolio_days_refresh(first=DRAW_DATE, last=AS_OF)

    again = list(PortfolioDay.objects.order_by("value_date").values_list())
    assert [row[:-1] for row in again] == [row[:-1] for row in first]  # all but refreshed_at
    assert len(again) == (AS_OF - DRAW_DATE).days + 1


def test_roll_rates_follow_the_loans_open_at_the_window_start(staff, as_of):
    """Window (2026-12-21, 2027-01-20]; each loan's bucket at its start and at its end."""
    before = date(2026, 11, 1)

    def loan(bucket: str = "CURRENT", **changes: object) -> Loan:
        drawn = draw(principal="1000.00", term=6)
        Loan.objects.filter(pk=drawn.pk).update(bucket=bucket, **changes)
        return drawn

    def moved(on: date, loan: Loan, origin: str, target: str) -> None:
        LoanEvent.objects.create(
            loan=loan,
            event_type=LoanEventType.BUCKET_CHANGED,
            business_date=on,
            data={"from": origin, "to": target, "days_past_due": 0},
        )

    loan(disbursed_date=before)  # current throughout
    worse = loan("M2", disbursed_date=before)
    moved(date(2027, 1, 5), worse, "CURRENT", "M1")
    moved(AS_OF, worse, "M1", "M2")
    cured = loan(disbursed_date=before)
    moved(date(2027, 1, 10), cured, "M1", "CURRENT")
    loan(disbursed_date=before, status="PAID_OFF", closed_date=date(2027, 1, 12))
    gone = loan("M1", disbursed_date=before, status="WRITTEN_OFF", closed_date=date(2027, 1, 15))
    moved(date(2027, 1, 2), gone, "CURRENT", "M1")
    stayed = loan("M1", disbursed_date=before)  # M1 since before the window
    moved(date(2026, 12, 10), stayed, "CURRENT", "M1")
    loan()  # drawn inside the window: not counted
    loan(disbursed_date=before, status="PAID_OFF", closed_date=date(2026, 12, 1))  # closed before

    roll_rates_refresh(as_of=AS_OF)  # after close of business
    response = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio"))

    roll = {row.bucket: row for row in response.context["d"].roll_rows}
    assert (roll["CURRENT"].start_loans, roll["CURRENT"].to) == (
        4,
        {"CURRENT": 1, "M2": 1, "CLOSED": 2},
    )
    assert (roll["CURRENT"].rate("M2"), roll["CURRENT"].rate("CLOSED")) == (
        Decimal("0.2500"),
        Decimal("0.5000"),
    )
    assert (roll["M1"].start_loans, roll["M1"].to) == (2, {"CURRENT": 1, "M1": 1})
    assert roll["M1"].rate("CURRENT") == Decimal("0.5000")
    assert [roll[b].start_loans for b in ("M2", "M3", "M4_PLUS")] == [0, 0, 0]
    assert "Paid off or written off" in response.content.decode()
    exported = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio_csv"))
    rows = csv.reader(io.StringIO(exported.content.decode()))
    rolls = {r[1]: r[2:] for r in rows if r[0] == "roll"}
    assert rolls == {
        "CURRENT>CLOSED": ["2", "0.5000"],
        "CURRENT>CURRENT": ["1", "0.2500"],
        "CURRENT>M2": ["1", "0.2500"],
        "M1>CURRENT": ["1", "0.5000"],
        "M1>M1": ["1", "0.5000"],
    }


def test_this_month_and_this_year_are_sums_of_the_monthly_series():
    """Flows of three months, one of them last year: the month is the last month, the year its
    months of this year, and the twelve-month series has every month (empty ones as zero)."""
    as_of = date(2027, 3, 10)
    for day, disbursed, count, accrued in [
        (date(2026, 12, 31), "700.00", 7, "7.00"),  # last year: in the series, not in the year
        (date(2027, 2, 1), "200.00", 2, "2.00"),
        (date(2027, 2, 28), "20.00", 1, "0.20"),
        (date(2027, 3, 1), "30.00", 3, "0.30"),
        (date(2027, 3, 10), "3.00", 1, "0.03"),
        (date(2027, 3, 11), "9999.00", 99, "99.00"),  # after the business date: not counted
    ]:
        PortfolioDay.objects.create(
            value_date=day,
            disbursed_amount=Decimal(disbursed),
            disbursed_count=count,
            interest_accrued_amount=Decimal(accrued),
        )

    d = portfolio_dashboard(as_of=as_of)

    assert (d.month.disbursed, d.month.disbursed_loans) == (Decimal("33.00"), 4)
    assert d.month.interest_accrued == Decimal("0.33")
    assert (d.year.disbursed, d.year.disbursed_loans) == (Decimal("253.00"), 7)
    assert d.year.interest_accrued == Decimal("2.53")
    assert [row.month for row in d.months] == [date(2026, month, 1) for month in range(4, 13)] + [
        date(2027, month, 1) for month in (1, 2, 3)
    ]
    assert [row.disbursed for row in d.months[-4:]] == [
        Decimal("700.00"),
        Decimal("0.00"),
        Decimal("220.00"),
        Decimal("33.00"),
    ]


def test_the_roll_rates_are_the_latest_through_the_business_date_and_refresh_idempotently(
    staff, as_of
):
    """The dashboard shows the newest summary dated on or before the business date."""
    opened = date(2026, 11, 1)
    for _ in range(3):
        drawn = draw(principal="1000.00", term=6)
        Loan.objects.filter(pk=drawn.pk).update(disbursed_date=opened)
    roll_rates_refresh(as_of=date(2027, 1, 10))
    first = roll_rates_refresh(as_of=date(2027, 1, 19))
    again = roll_rates_refresh(as_of=date(2027, 1, 19))
    assert (
        again.cells
        == first.cells
        == {
            "CURRENT": {"CURRENT": 3},
            "M1": {},
            "M2": {},
            "M3": {},
            "M4_PLUS": {},
        }
    )
    assert RollRateSummary.objects.count() == 2
    RollRateSummary.objects.create(  # dated after the business date (AS_OF): not shown
        as_of=date(2027, 1, 25), window_start=date(2026, 12, 26), cells={"CURRENT": {"M1": 9}}
    )

    response = client_for(staff[FINANCE]).get(reverse("backoffice:portfolio"))

    d = response.context["d"]
    assert (d.roll_start, d.roll_end) == (date(2026, 12, 20), date(2027, 1, 19))
    assert [(row.bucket, row.start_loans, row.to) for row in d.roll_rows[:2]] == [
        ("CURRENT", 3, {"CURRENT": 3}),
        ("M1", 0, {}),
    ]
    assert "Roll rates from" in response.content.decode()
