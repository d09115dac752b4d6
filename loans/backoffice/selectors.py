"""Reads of the back office (issue #6): the officers' loan page, the worklist, the dashboard.

Every figure of the dashboard comes from a few set-based queries: the stock by bucket that the
loans' triggers keep (outstanding, active, buckets, PAR; ``loan_stock``), one over
twelve months of the ``PortfolioDay`` summary rows (flows: disbursed, interest accrued and
collected, per month; this month's and this year's are their sums), and the latest roll rates
that close of business wrote (``RollRateSummary``, loans.reporting.services.roll_rates).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth

from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.backoffice.models import OverdueLoan
from loans.domain.delinquency import Bucket
from loans.ledger.models import JournalEntry, JournalLine
from loans.payments.models import CardBinding
from loans.payments.selectors import card_binding_latest
from loans.replica import replica_reads
from loans.reporting.models import PortfolioDay, RollRateSummary
from loans.reporting.services.loan_stock import Stock, loan_stock
from loans.reporting.services.portfolio_days import portfolio_day_live
from loans.reporting.services.roll_rates import BUCKETS, CLOSED
from loans.servicing.models import (
    CollectionAssignment,
    ContactNote,
    Installment,
    Loan,
    LoanEvent,
    LoanEventType,
    LoanStatus,
    PromiseToPay,
    Reminder,
    Repayment,
)

ZERO = Decimal("0.00")
PAR30_BUCKETS = frozenset({Bucket.M2.value, Bucket.M3.value, Bucket.M4_PLUS.value})  # > 30 DPD
PAR90_BUCKETS = frozenset({Bucket.M4_PLUS.value})  # > 90 DPD
LEDGER_PAGE_SIZE = 20


# --- the loan page -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoanDesk:
    loan: Loan
    installments: list[Installment]
    repayments: list[Repayment]
    bucket_history: list[LoanEvent]
    reminders: list[Reminder]
    ledger: Page[JournalEntry]
    approvals: list[ApprovalRequest]
    notes: list[ContactNote]
    promises: list[PromiseToPay]
    assignment: CollectionAssignment | None
    card_binding: CardBinding | None  # the borrower's auto-debit card: active, else the last


def loan_desk_get(*, loan_id: int, ledger_page: int = 1) -> LoanDesk:
    """Return everything the officers' loan page shows, in a fixed number of queries."""
    loan = Loan.objects.select_related("borrower", "product", "partner", "payout").get(pk=loan_id)
    entries = (
        JournalEntry.objects.filter(loan=loan)
        .order_by("-id")
        .prefetch_related(Prefetch("lines", queryset=JournalLine.objects.order_by("id")))
    )
    return LoanDesk(
        loan=loan,
        installments=list(loan.installments.order_by("number")),
        repayments=list(loan.repayments.order_by("-value_date", "-id")),
        bucket_history=list(
            loan.events.filter(event_type=LoanEventType.BUCKET_CHANGED).order_by(
                "-business_date", "-id"
            )[:50]
        ),
        reminders=list(loan.reminders.order_by("-business_date", "-id")[:50]),
        ledger=Paginator(entries, LEDGER_PAGE_SIZE).get_page(ledger_page),
        approvals=list(loan.approval_requests.select_related("requested_by", "decided_by")),
        notes=list(loan.contact_notes.select_related("author")[:50]),
        promises=list(loan.promises_to_pay.select_related("created_by")[:50]),
        assignment=CollectionAssignment.objects.filter(loan=loan).select_related("agent").first(),
        card_binding=card_binding_latest(borrower=loan.borrower_id),
    )


def loan_repayments_reversible(*, loan: Loan) -> QuerySet[Repayment]:
    return loan.repayments.filter(status="POSTED").order_by("-value_date", "-id")


def loan_pending_approvals(*, loan: Loan) -> QuerySet[ApprovalRequest]:
    return loan.approval_requests.filter(status=ApprovalStatus.PENDING)


# --- the worklist ------------------------------------------------------------------------------


def worklist_queryset() -> QuerySet[OverdueLoan]:
    """Overdue active loans, worst first (served by the ``loan_overdue_worklist`` index)."""
    return (
        OverdueLoan.objects.filter(status=LoanStatus.ACTIVE, days_past_due__gt=0)
        .select_related("borrower", "product", "collection_assignment__agent")
        .order_by("-days_past_due", "-id")
    )


# --- the dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BucketRow:
    bucket: str
    loans: int
    principal: Decimal
    share: Decimal  # of the principal outstanding, a fraction


@dataclass(frozen=True, slots=True)
class MonthRow:
    month: date
    disbursed: Decimal
    disbursed_loans: int
    interest_accrued: Decimal
    interest_collected: Decimal
    principal_collected: Decimal


@dataclass(frozen=True, slots=True)
class Flows:
    disbursed: Decimal = ZERO
    disbursed_loans: int = 0
    interest_accrued: Decimal = ZERO
    interest_collected: Decimal = ZERO
    principal_collected: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class RollRow:
    """Loans in ``bucket`` at the window's start and where they were at its end."""

    bucket: str
    start_loans: int
    to: dict[str, int] = field(default_factory=dict)

    def rate(self, bucket: str) -> Decimal | None:
        if not self.start_loans:
            return None
        return _ratio(Decimal(self.to.get(bucket, 0)), Decimal(self.start_loans))

    @property
    def cells(self) -> list[tuple[int, Decimal | None]]:
        """Loans and rate per bucket at the end, then closed in the window."""
        return [(self.to.get(b, 0), self.rate(b)) for b in (*BUCKETS, CLOSED)]


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    active_loans: int
    principal_outstanding: Decimal
    par30_principal: Decimal
    par90_principal: Decimal
    buckets: list[BucketRow]
    month: Flows
    year: Flows
    plan_year_amount: Decimal
    months: list[MonthRow]
    roll_start: date | None  # the window of the latest roll rates, (start, end]; None: none yet
    roll_end: date | None
    roll_rows: list[RollRow]
    # The open date's flows read live from the journal while close of business has not booked
    # them (#23; included in ``month``, ``year`` and ``months``); None once booked.
    today: Flows | None = None

    @property
    def par30(self) -> Decimal | None:
        return _ratio(self.par30_principal, self.principal_outstanding)

    @property
    def par90(self) -> Decimal | None:
        return _ratio(self.par90_principal, self.principal_outstanding)

    @property
    def plan_share(self) -> Decimal | None:
        return _ratio(self.year.disbursed, self.plan_year_amount)

    @property
    def par30_percent(self) -> str:
        return _percent(self.par30)

    @property
    def par90_percent(self) -> str:
        return _percent(self.par90)

    @property
    def plan_percent(self) -> str:
        return _percent(self.plan_share)


def _percent(fraction: Decimal | None) -> str:
    return "-" if fraction is None else f"{fraction * 100:.2f}%"


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


_NO_STOCK = Stock(0, ZERO)


@replica_reads()  # the dashboard and its CSV export read the replica when there is one (#20)
def portfolio_dashboard(*, as_of: date) -> Dashboard:
    """Return the portfolio's figures as of the business date ``as_of`` (CNY, fractions).

    The roll rates are the latest that close of business wrote through ``as_of``.
    """
    stock = loan_stock()  # kept by the loans' triggers: a few rows whatever the book's size
    outstanding = sum((row.principal for row in stock.values()), ZERO)
    buckets = [
        BucketRow(
            bucket=bucket,
            loans=stock.get(bucket, _NO_STOCK).loans,
            principal=stock.get(bucket, _NO_STOCK).principal,
            share=_ratio(stock.get(bucket, _NO_STOCK).principal, outstanding) or ZERO,
        )
        for bucket in BUCKETS
    ]
    months = _months(as_of)  # twelve months: this one and every earlier one of this year
    today = _today(as_of)
    if today is not None:
        months[-1] = replace(
            months[-1],
            disbursed=months[-1].disbursed + today.disbursed,
            disbursed_loans=months[-1].disbursed_loans + today.disbursed_loans,
            interest_accrued=months[-1].interest_accrued + today.interest_accrued,
            interest_collected=months[-1].interest_collected + today.interest_collected,
            principal_collected=months[-1].principal_collected + today.principal_collected,
        )
    rolls = RollRateSummary.objects.filter(as_of__lte=as_of).order_by("-as_of").first()
    return Dashboard(
        as_of=as_of,
        active_loans=sum(row.loans for row in buckets),
        principal_outstanding=outstanding,
        par30_principal=sum((r.principal for r in buckets if r.bucket in PAR30_BUCKETS), ZERO),
        par90_principal=sum((r.principal for r in buckets if r.bucket in PAR90_BUCKETS), ZERO),
        buckets=buckets,
        month=_flows(months[-1:]),
        year=_flows([row for row in months if row.month.year == as_of.year]),
        plan_year_amount=Decimal(settings.LENDPORTAL_PLAN_YEAR_ONE_DISBURSED),
        months=months,
        roll_start=rolls.window_start if rolls else None,
        roll_end=rolls.as_of if rolls else None,
        roll_rows=_roll_rows(rolls.cells) if rolls else [],
        today=today,
    )


def _today(as_of: date) -> Flows | None:
    """The open date's flows so far, from its journal entries, until close of business books
    them in a ``PortfolioDay`` row (then None: the row is already in the months)."""
    live = portfolio_day_live(day=as_of)
    return None if live is None else Flows(*live)


def _flows(months: list[MonthRow]) -> Flows:
    """The flows of ``months`` added up."""
    return Flows(
        disbursed=sum((row.disbursed for row in months), ZERO),
        disbursed_loans=sum(row.disbursed_loans for row in months),
        interest_accrued=sum((row.interest_accrued for row in months), ZERO),
        interest_collected=sum((row.interest_collected for row in months), ZERO),
        principal_collected=sum((row.principal_collected for row in months), ZERO),
    )


def _months(as_of: date) -> list[MonthRow]:
    """The last 12 calendar months through ``as_of``, oldest first, empty months included."""
    firsts = [_month_back(as_of.replace(day=1), back) for back in range(11, -1, -1)]
    rows = (
        PortfolioDay.objects.filter(value_date__gte=firsts[0], value_date__lte=as_of)
        .annotate(month=TruncMonth("value_date"))
        .values("month")
        .annotate(
            disbursed=Sum("disbursed_amount"),
            disbursed_loans=Sum("disbursed_count"),
            interest_accrued=Sum("interest_accrued_amount"),
            interest_collected=Sum("interest_collected_amount"),
            principal_collected=Sum("principal_collected_amount"),
        )
        .order_by()
    )
    found = {row["month"]: row for row in rows}
    return [
        MonthRow(
            month=first,
            disbursed=found.get(first, {}).get("disbursed", ZERO),
            disbursed_loans=found.get(first, {}).get("disbursed_loans", 0),
            interest_accrued=found.get(first, {}).get("interest_accrued", ZERO),
            interest_collected=found.get(first, {}).get("interest_collected", ZERO),
            principal_collected=found.get(first, {}).get("principal_collected", ZERO),
        )
        for first in firsts
    ]


def _month_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _roll_rows(cells: dict[str, dict[str, int]]) -> list[RollRow]:
    """One row per bucket at the window's start, from a RollRateSummary's cells."""
    rows = []
    for bucket in BUCKETS:
        to = {target: n for target, n in cells.get(bucket, {}).items() if n}
        rows.append(RollRow(bucket, sum(to.values()), to))
    return rows


def dashboard_csv_rows(dashboard: Dashboard) -> list[list[str]]:
    """The dashboard as CSV rows: section, name, value(s); money with two decimals."""
    d = dashboard
    rows: list[list[str]] = [["section", "name", "value", "extra"]]
    rows += [
        ["summary", "as_of", d.as_of.isoformat(), ""],
        ["summary", "active_loans", str(d.active_loans), ""],
        ["summary", "principal_outstanding", str(d.principal_outstanding), ""],
        ["summary", "par30_principal", str(d.par30_principal), str(d.par30 or "")],
        ["summary", "par90_principal", str(d.par90_principal), str(d.par90 or "")],
        ["summary", "disbursed_month", str(d.month.disbursed), str(d.month.disbursed_loans)],
        ["summary", "disbursed_year", str(d.year.disbursed), str(d.year.disbursed_loans)],
        ["summary", "plan_year_one", str(d.plan_year_amount), str(d.plan_share or "")],
        ["summary", "interest_accrued_month", str(d.month.interest_accrued), ""],
        ["summary", "interest_collected_month", str(d.month.interest_collected), ""],
        ["summary", "interest_accrued_year", str(d.year.interest_accrued), ""],
        ["summary", "interest_collected_year", str(d.year.interest_collected), ""],
    ]
    if d.today is not None:  # the open date's flows so far, already in month and year (#23)
        rows += [
            ["today", "disbursed", str(d.today.disbursed), str(d.today.disbursed_loans)],
            ["today", "interest_accrued", str(d.today.interest_accrued), ""],
            ["today", "interest_collected", str(d.today.interest_collected), ""],
            ["today", "principal_collected", str(d.today.principal_collected), ""],
        ]
    rows += [["bucket", b.bucket, str(b.principal), str(b.loans)] for b in d.buckets]
    rows += [
        ["month", m.month.strftime("%Y-%m"), str(m.disbursed), str(m.interest_collected)]
        for m in d.months
    ]
    rows += [
        ["roll", f"{r.bucket}>{to}", str(n), str(r.rate(to) or "")]
        for r in d.roll_rows
        for to, n in sorted(r.to.items())
    ]
    return rows
