"""The month-end pages: originations per month, balances by class and stage, provisions.

Loans and revolving accounts apart where they are counted: a row group per kind with its total
and the month's total (equal to the month's provision entry) on the page; an ``account_type``
column in the CSV, whose rows carry no totals.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from loans.backoffice import readable
from loans.backoffice.charts import bar_chart
from loans.backoffice.reports.table import Report, class_label, kind_label, stage_label
from loans.reporting import selectors


def originations_report(request: HttpRequest) -> Report:
    months = selectors.originations_by_month()
    return Report(
        title=_("Originations per month"),
        slug="originations",
        columns=[_("Month"), _("Loans"), _("Principal disbursed")],
        rows=[
            [m.month.strftime("%Y-%m"), f"{m.loans:,}", readable.money(m.principal)] for m in months
        ],
        csv_rows=[["month", "loans", "principal"]]
        + [[m.month.strftime("%Y-%m"), str(m.loans), str(m.principal)] for m in months],
        charts=[
            bar_chart(
                title=_("Principal disbursed per month"),
                points=[(m.month.strftime("%Y-%m"), m.principal) for m in months],
            ),
            bar_chart(
                title=_("Loans disbursed per month"),
                points=[(m.month.strftime("%Y-%m"), m.loans) for m in months],
            ),
        ],
    )


def _month_end(request: HttpRequest) -> date | None:
    ends = selectors.classified_month_ends()
    asked = parse_date(request.GET.get("month_end", "") or "")
    if asked is not None and asked in ends:
        return asked
    return ends[0] if ends else None


def balances_report(request: HttpRequest) -> Report:
    month_end = _month_end(request)
    balances = (
        selectors.Balances(rows=[], totals=[])
        if month_end is None
        else selectors.balances_by_class_and_stage(month_end=month_end)
    )
    shown: list[list[str]] = []
    totals: set[int] = set()
    for total in balances.totals:
        if total.kind != selectors.ALL:
            shown += [_balance_cells(r) for r in balances.rows if r.kind == total.kind]
        totals.add(len(shown))
        shown.append(_balance_cells(total))
    report = Report(
        title=_("Balances by class and stage"),
        slug="balances",
        columns=[
            _("Account type"),
            _("Risk class"),
            _("Provision stage"),
            _("Count"),
            _("Principal"),
            _("Share"),
            _("Provision"),
        ],
        rows=shown,
        totals=totals,
        text_columns=3,
        csv_rows=_balances_csv(month_end, balances.rows),
        charts=[
            bar_chart(
                title=_("Principal by class: %(kind)s") % {"kind": kind_label(kind)},
                points=[
                    (f"{class_label(r.risk_class)} / {r.stage}", r.principal)
                    for r in balances.rows
                    if r.kind == kind
                ],
            )
            for kind in selectors.KINDS
        ],
    )
    report.note = (
        _("Month end %(date)s.") % {"date": month_end}
        if month_end
        else _("No month end has been classified yet.")
    )
    return report


def _balances_csv(month_end: date | None, rows: list[selectors.ClassStageRow]) -> list[list[str]]:
    header = ["month_end", "account_type", "risk_class", "stage", "count", "principal"]
    return [[*header, "share", "provision"]] + [
        [
            str(month_end),
            r.kind,
            r.risk_class,
            str(r.stage),
            str(r.count),
            str(r.principal),
            "" if r.share is None else f"{r.share:.6f}",
            str(r.provision),
        ]
        for r in rows
    ]


def _balance_cells(row: selectors.ClassStageRow) -> list[str]:
    """A (kind, class, stage) row, or a total (a kind's, or ALL's: the month's)."""
    is_total = row.kind == selectors.ALL or not row.risk_class
    return [
        kind_label(row.kind),
        _("Total") if is_total and row.kind != selectors.ALL else class_label(row.risk_class),
        "" if is_total else stage_label(row.stage),
        f"{row.count:,}",
        readable.money(row.principal),
        readable.percent(row.share),
        readable.money(row.provision),
    ]


def provisions_report(request: HttpRequest) -> Report:
    months = selectors.provisions_by_month()
    shown: list[list[str]] = []
    totals: set[int] = set()
    for m in months:
        shown += [_provision_cells(m.month_end, row) for row in m.kinds]
        totals.add(len(shown))
        shown.append(_provision_cells(m.month_end, m.total))
    return Report(
        title=_("Provisions"),
        slug="provisions",
        columns=[
            _("Month end"),
            _("Account type"),
            _("Principal"),
            stage_label(1),
            stage_label(2),
            stage_label(3),
            _("Allowance"),
            _("Coverage"),
        ],
        rows=shown,
        totals=totals,
        text_columns=2,
        csv_rows=_provisions_csv(months),
        charts=[
            bar_chart(
                title=_("Allowance per month end"),
                points=[(m.month_end.strftime("%Y-%m"), m.total.total) for m in months],
            )
        ],
    )


def _provisions_csv(months: list[selectors.ProvisionMonth]) -> list[list[str]]:
    header = ["month_end", "account_type", "principal", "stage_1", "stage_2", "stage_3"]
    return [[*header, "total", "coverage"]] + [
        [
            str(m.month_end),
            row.kind,
            str(row.principal),
            *(str(s) for s in row.stages),
            str(row.total),
            "" if row.coverage is None else f"{row.coverage:.6f}",
        ]
        for m in months
        for row in m.kinds
    ]


def _provision_cells(month_end: date, row: selectors.ProvisionRow) -> list[str]:
    return [
        str(month_end),
        kind_label(row.kind),
        readable.money(row.principal),
        *(readable.money(s) for s in row.stages),
        readable.money(row.total),
        readable.percent(row.coverage),
    ]
