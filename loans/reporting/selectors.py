"""The figures of the back office's report pages (issue #19, PRODUCT §13).

Each reads a summary table, never the loans themselves: originations from the daily portfolio
summary (``PortfolioDay``), balances and provisions from the month-end classification rows
(``LoanClassification``, one aggregate over the month's index; loans' and revolving accounts'
rows apart, by which of ``loan`` and ``revolving_account`` is set), bureau runs from their own
rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from loans.domain.money import ZERO
from loans.reporting.models import (
    BureauRecord,
    BureauRun,
    LoanClassification,
    LoanRiskClass,
    PortfolioDay,
)

REPORT_MONTHS = 12


@dataclass(frozen=True)
class OriginationMonth:
    month: date
    loans: int
    principal: Decimal


# Whose month-end rows: a loan's (``loan`` set) or a revolving account's; ALL is both.
LOAN, REVOLVING, ALL = "LOAN", "REVOLVING", "ALL"
KINDS = (LOAN, REVOLVING)


@dataclass(frozen=True)
class ClassStageRow:
    kind: str  # LOAN or REVOLVING; ALL on a total
    risk_class: str  # empty on a total
    stage: int  # 0 on a total
    count: int  # loans or accounts
    principal: Decimal
    provision: Decimal
    share: Decimal | None  # of the month's principal, loans and accounts together


@dataclass(frozen=True)
class Balances:
    rows: list[ClassStageRow]  # by kind (loans first), then class order, then stage
    totals: list[ClassStageRow]  # each kind with rows, then ALL (when there is any row)


@dataclass(frozen=True)
class ProvisionRow:
    kind: str  # LOAN, REVOLVING or ALL
    principal: Decimal
    stages: tuple[Decimal, Decimal, Decimal]
    total: Decimal
    coverage: Decimal | None  # allowance / principal


@dataclass(frozen=True)
class ProvisionMonth:
    month_end: date
    kinds: tuple[ProvisionRow, ProvisionRow]  # LOAN, REVOLVING (zeros when none)
    total: ProvisionRow  # ALL: the allowance the month's provision entry brings the books to


def _kind() -> Case:
    """LOAN on a loan's row, REVOLVING on a revolving account's (exactly one is set)."""
    return Case(When(loan__isnull=False, then=Value(LOAN)), default=Value(REVOLVING))


def originations_by_month(*, months: int = REPORT_MONTHS) -> list[OriginationMonth]:
    """Loans and principal disbursed per calendar month, the latest ``months`` with any."""
    rows = (
        PortfolioDay.objects.annotate(month=TruncMonth("value_date"))
        .values("month")
        .annotate(loans=Sum("disbursed_count"), principal=Sum("disbursed_amount"))
        .order_by("-month")[:months]
    )
    return [
        OriginationMonth(row["month"], row["loans"] or 0, row["principal"] or ZERO)
        for row in reversed(list(rows))
    ]


def classified_month_ends(*, limit: int = REPORT_MONTHS) -> list[date]:
    """The month ends with classification rows, latest first."""
    return list(
        LoanClassification.objects.order_by("-month_end")
        .values_list("month_end", flat=True)
        .distinct()[:limit]
    )


def balances_by_class_and_stage(*, month_end: date) -> Balances:
    """Loans' and revolving accounts' count, principal and provision per (class, stage) at
    ``month_end``, apart, with each kind's total and the month's (equal to the allowance of
    the month's provision entry: both kinds are in it)."""
    rows = list(
        LoanClassification.objects.filter(month_end=month_end)
        .annotate(kind=_kind())
        .values("kind", "risk_class", "provision_stage")
        .annotate(
            count=Count("id"),
            principal=Sum("principal_outstanding_amount"),
            provision=Sum("provision_amount"),
        )
    )
    whole = sum((row["principal"] for row in rows), ZERO)
    order = {code: index for index, code in enumerate(LoanRiskClass.values)}
    rows.sort(
        key=lambda row: (
            KINDS.index(row["kind"]),
            order.get(row["risk_class"], 99),
            row["provision_stage"],
        )
    )
    found = [
        ClassStageRow(
            kind=row["kind"],
            risk_class=row["risk_class"],
            stage=row["provision_stage"],
            count=row["count"],
            principal=row["principal"],
            provision=row["provision"],
            share=_ratio(row["principal"], whole),
        )
        for row in rows
    ]
    totals = [_total(kind, [r for r in found if r.kind == kind], whole) for kind in KINDS]
    totals = [total for total in totals if total.count]
    if found:
        totals.append(_total(ALL, found, whole))
    return Balances(rows=found, totals=totals)


def _total(kind: str, rows: list[ClassStageRow], whole: Decimal) -> ClassStageRow:
    principal = sum((row.principal for row in rows), ZERO)
    return ClassStageRow(
        kind=kind,
        risk_class="",
        stage=0,
        count=sum(row.count for row in rows),
        principal=principal,
        provision=sum((row.provision for row in rows), ZERO),
        share=_ratio(principal, whole),
    )


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole else None


def provisions_by_month(*, months: int = REPORT_MONTHS) -> list[ProvisionMonth]:
    """The latest ``months`` classified month ends (oldest first): each kind's principal and
    allowance per stage, and both together (what the month's provision entry holds)."""
    ends = classified_month_ends(limit=months)
    sums = {
        f"stage_{stage}": Sum("provision_amount", filter=Q(provision_stage=stage))
        for stage in (1, 2, 3)
    }
    found = {
        (row["month_end"], row["kind"]): row
        for row in LoanClassification.objects.filter(month_end__in=ends)
        .annotate(kind=_kind())
        .values("month_end", "kind")
        .annotate(principal=Sum("principal_outstanding_amount"), **sums)
    }
    result = []
    for month_end in reversed(ends):
        loans, accounts = (_provision_row(kind, found.get((month_end, kind))) for kind in KINDS)
        result.append(
            ProvisionMonth(
                month_end=month_end,
                kinds=(loans, accounts),
                total=_provision_total(loans, accounts),
            )
        )
    return result


def _provision_row(kind: str, row: dict[str, Any] | None) -> ProvisionRow:
    row = row or {}
    stages = tuple(row.get(f"stage_{stage}") or ZERO for stage in (1, 2, 3))
    return _provision(kind, row.get("principal") or ZERO, (stages[0], stages[1], stages[2]))


def _provision_total(*rows: ProvisionRow) -> ProvisionRow:
    stages = tuple(sum((row.stages[index] for row in rows), ZERO) for index in range(3))
    principal = sum((row.principal for row in rows), ZERO)
    return _provision(ALL, principal, (stages[0], stages[1], stages[2]))


def _provision(
    kind: str, principal: Decimal, stages: tuple[Decimal, Decimal, Decimal]
) -> ProvisionRow:
    total = sum(stages, ZERO)
    return ProvisionRow(
        kind=kind,
        principal=principal,
        stages=stages,
        total=total,
        coverage=_ratio(total, principal),
    )


def bureau_runs(*, limit: int = 50) -> list[BureauRun]:
    return list(BureauRun.objects.order_by("-id")[:limit])


def bureau_run_rejects(*, run: BureauRun) -> list[BureauRecord]:
    """The run's rejects: loans' by loan, then revolving accounts' by account; by month."""
    return list(
        run.records.exclude(reject_reason="").order_by("loan_id", "revolving_account_id", "month")
    )
