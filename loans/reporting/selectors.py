"""The figures of the back office's report pages (issue #19, PRODUCT §13).

Each reads a summary table, never the loans themselves: originations from the daily portfolio
summary (``PortfolioDay``), balances and provisions from the month-end classification rows
(``LoanClassification``, one aggregate over the month's index), bureau runs from their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
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


@dataclass(frozen=True)
class ClassStageRow:
    risk_class: str
    stage: int
    loans: int
    principal: Decimal
    provision: Decimal
    share: Decimal | None  # of the month's principal


@dataclass(frozen=True)
class ProvisionMonth:
    month_end: date
    principal: Decimal
    stages: tuple[Decimal, Decimal, Decimal]
    total: Decimal
    coverage: Decimal | None  # allowance / principal


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


def balances_by_class_and_stage(*, month_end: date) -> list[ClassStageRow]:
    """Loans, principal and provision per (class, stage) at ``month_end``, in class order."""
    rows = list(
        LoanClassification.objects.filter(month_end=month_end)
        .values("risk_class", "provision_stage")
        .annotate(
            loans=Count("id"),
            principal=Sum("principal_outstanding_amount"),
            provision=Sum("provision_amount"),
        )
    )
    total = sum((row["principal"] for row in rows), ZERO)
    order = {code: index for index, code in enumerate(LoanRiskClass.values)}
    rows.sort(key=lambda row: (order.get(row["risk_class"], 99), row["provision_stage"]))
    return [
        ClassStageRow(
            risk_class=row["risk_class"],
            stage=row["provision_stage"],
            loans=row["loans"],
            principal=row["principal"],
            provision=row["provision"],
            share=row["principal"] / total if total else None,
        )
        for row in rows
    ]


def provisions_by_month(*, months: int = REPORT_MONTHS) -> list[ProvisionMonth]:
    """Each classified month end's allowance per stage (oldest first)."""
    sums = {
        f"stage_{stage}": Sum("provision_amount", filter=Q(provision_stage=stage))
        for stage in (1, 2, 3)
    }
    rows = (
        LoanClassification.objects.values("month_end")
        .annotate(principal=Sum("principal_outstanding_amount"), **sums)
        .order_by("-month_end")[:months]
    )
    result = []
    for row in reversed(list(rows)):
        stages = (row["stage_1"] or ZERO, row["stage_2"] or ZERO, row["stage_3"] or ZERO)
        total = sum(stages, ZERO)
        principal = row["principal"] or ZERO
        result.append(
            ProvisionMonth(
                month_end=row["month_end"],
                principal=principal,
                stages=stages,
                total=total,
                coverage=total / principal if principal else None,
            )
        )
    return result


def bureau_runs(*, limit: int = 50) -> list[BureauRun]:
    return list(BureauRun.objects.order_by("-id")[:limit])


def bureau_run_rejects(*, run: BureauRun) -> list[BureauRecord]:
    return list(run.records.exclude(reject_reason="").order_by("loan_id", "month"))
