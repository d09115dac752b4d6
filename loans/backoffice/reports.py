"""The report pages of PRODUCT §13 under /admin/portfolio/reports/ (issue #19).

Originations per month, balances by class and stage, provisions, and the credit-bureau runs
with their rejects; each page has a chart (``charts.bar_chart``) and a CSV of the same rows.
Pages show ``¥21,000.00``, percentages and translated labels; the CSV carries plain values
(two-decimal amounts, fractions, codes) for a spreadsheet. Staff with the dashboard's
permission (``reporting.view_portfolio``) see them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.backoffice import readable
from loans.backoffice.charts import BarChart, bar_chart
from loans.reporting import selectors
from loans.reporting.models import BureauRecordKind, BureauRun, BureauRunKind, LoanRiskClass

PERMISSION = "reporting.view_portfolio"

REJECT_LABELS = {
    "NAME_MISSING": gettext_lazy("Name missing"),
    "IDENTITY_MISSING": gettext_lazy("Identity number missing"),
    "IDENTITY_UNREADABLE": gettext_lazy("Identity number cannot be decrypted"),
    "IDENTITY_INVALID": gettext_lazy("Identity number not valid"),
    "OPEN_DATE_MISSING": gettext_lazy("Open date missing"),
    "AMOUNT_NEGATIVE": gettext_lazy("Negative amount"),
}


@dataclass
class Report:
    title: str
    slug: str
    columns: list[str]
    rows: list[list[str]]  # shown
    csv_rows: list[list[str]]  # plain, with a header row
    charts: list[BarChart] = field(default_factory=list)
    note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) per row
    csv_url: str = ""


def _stage(stage: int) -> str:
    return _("Stage %(stage)s") % {"stage": stage}


def _class(code: str) -> str:
    return str(LoanRiskClass(code).label) if code in LoanRiskClass.values else code


def _originations(request: HttpRequest) -> Report:
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


def _balances(request: HttpRequest) -> Report:
    month_end = _month_end(request)
    rows = [] if month_end is None else selectors.balances_by_class_and_stage(month_end=month_end)
    report = Report(
        title=_("Balances by class and stage"),
        slug="balances",
        columns=[
            _("Risk class"),
            _("Provision stage"),
            _("Loans"),
            _("Principal"),
            _("Share"),
            _("Provision"),
        ],
        rows=[
            [
                _class(r.risk_class),
                _stage(r.stage),
                f"{r.loans:,}",
                readable.money(r.principal),
                readable.percent(r.share),
                readable.money(r.provision),
            ]
            for r in rows
        ],
        csv_rows=[["month_end", "risk_class", "stage", "loans", "principal", "share", "provision"]]
        + [
            [
                str(month_end),
                r.risk_class,
                str(r.stage),
                str(r.loans),
                str(r.principal),
                "" if r.share is None else f"{r.share:.6f}",
                str(r.provision),
            ]
            for r in rows
        ],
        charts=[
            bar_chart(
                title=_("Principal by class"),
                points=[(f"{_class(r.risk_class)} / {r.stage}", r.principal) for r in rows],
            )
        ],
    )
    report.note = (
        _("Month end %(date)s.") % {"date": month_end}
        if month_end
        else _("No month end has been classified yet.")
    )
    return report


def _provisions(request: HttpRequest) -> Report:
    months = selectors.provisions_by_month()
    return Report(
        title=_("Provisions"),
        slug="provisions",
        columns=[
            _("Month end"),
            _("Principal"),
            _stage(1),
            _stage(2),
            _stage(3),
            _("Allowance"),
            _("Coverage"),
        ],
        rows=[
            [
                str(m.month_end),
                readable.money(m.principal),
                *(readable.money(s) for s in m.stages),
                readable.money(m.total),
                readable.percent(m.coverage),
            ]
            for m in months
        ],
        csv_rows=[["month_end", "principal", "stage_1", "stage_2", "stage_3", "total", "coverage"]]
        + [
            [
                str(m.month_end),
                str(m.principal),
                *(str(s) for s in m.stages),
                str(m.total),
                "" if m.coverage is None else f"{m.coverage:.6f}",
            ]
            for m in months
        ],
        charts=[
            bar_chart(
                title=_("Allowance per month end"),
                points=[(m.month_end.strftime("%Y-%m"), m.total) for m in months],
            )
        ],
    )


def _run_kind(kind: str) -> str:
    return str(BureauRunKind(kind).label) if kind in BureauRunKind.values else kind


def _bureau(request: HttpRequest) -> Report:
    runs = selectors.bureau_runs()
    return Report(
        title=_("Credit-bureau runs"),
        slug="bureau",
        columns=[
            _("Run"),
            _("Month"),
            _("Kind"),
            _("Records"),
            _("Corrections"),
            _("Rejects"),
            _("File"),
            _("Finished at"),
        ],
        rows=[
            [
                str(r.pk),
                r.month.strftime("%Y-%m"),
                _run_kind(r.kind),
                f"{r.records_count:,}",
                f"{r.corrections_count:,}",
                f"{r.rejects_count:,}",
                r.file_name,
                r.finished_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for r in runs
        ],
        csv_rows=[["run", "month", "kind", "records", "corrections", "rejects", "file", "sha256"]]
        + [
            [
                str(r.pk),
                r.month.strftime("%Y-%m"),
                r.kind,
                str(r.records_count),
                str(r.corrections_count),
                str(r.rejects_count),
                r.file_name,
                r.file_sha256,
            ]
            for r in runs
        ],
        charts=[
            bar_chart(
                title=_("Rejects per run"),
                points=[(f"#{r.pk} {r.month:%Y-%m}", r.rejects_count) for r in reversed(runs)],
            )
        ],
        links=[(_("Rejects"), reverse("backoffice:bureau_run", args=[r.pk])) for r in runs],
    )


REPORTS: dict[str, Callable[[HttpRequest], Report]] = {
    "originations": _originations,
    "balances": _balances,
    "provisions": _provisions,
    "bureau": _bureau,
}
TITLES = {
    "originations": gettext_lazy("Originations per month"),
    "balances": gettext_lazy("Balances by class and stage"),
    "provisions": gettext_lazy("Provisions"),
    "bureau": gettext_lazy("Credit-bureau runs"),
}


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), **extra}


def _csv(name: str, rows: list[list[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    csv.writer(response).writerows(rows)
    return response


def reports_index_view(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    links = [
        (str(title), reverse("backoffice:report", args=[slug])) for slug, title in TITLES.items()
    ]
    return TemplateResponse(
        request,
        "admin/backoffice/reports/index.html",
        _context(request, title=_("Reports"), links=links),
    )


def report_view(request: HttpRequest, slug: str) -> HttpResponse:
    _allowed(request)
    if slug not in REPORTS:
        raise Http404
    report = REPORTS[slug](request)
    query = request.GET.urlencode()
    report.csv_url = reverse("backoffice:report_csv", args=[slug]) + (f"?{query}" if query else "")
    rows = [
        (row, report.links[index] if index < len(report.links) else None)
        for index, row in enumerate(report.rows)
    ]
    return TemplateResponse(
        request,
        "admin/backoffice/reports/report.html",
        _context(request, title=report.title, report=report, table_rows=rows),
    )


def report_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    _allowed(request)
    if slug not in REPORTS:
        raise Http404
    return _csv(f"report-{slug}", REPORTS[slug](request).csv_rows)


def _rejects_report(run: BureauRun) -> Report:
    rejects = selectors.bureau_run_rejects(run=run)
    kinds = dict(BureauRecordKind.choices)
    return Report(
        title=_("Rejects of bureau run %(run)s (%(month)s)")
        % {"run": run.pk, "month": f"{run.month:%Y-%m}"},
        slug="bureau",
        columns=[_("Loan"), _("Month"), _("Kind"), _("Reason"), _("Name")],
        rows=[
            [
                str(r.loan_id),
                r.month.strftime("%Y-%m"),
                str(kinds.get(r.kind, r.kind)),
                str(REJECT_LABELS.get(r.reject_reason, r.reject_reason)),
                str((r.data or {}).get("Name", "")),
            ]
            for r in rejects
        ],
        csv_rows=[["run", "loan", "month", "kind", "reason"]]
        + [
            [str(run.pk), str(r.loan_id), r.month.strftime("%Y-%m"), r.kind, r.reject_reason]
            for r in rejects
        ],
        note=_(
            "%(records)s records, %(corrections)s corrections, %(rejects)s rejects; "
            "file %(file)s (SHA-256 %(sha)s)."
        )
        % {
            "records": f"{run.records_count:,}",
            "corrections": f"{run.corrections_count:,}",
            "rejects": f"{run.rejects_count:,}",
            "file": run.file_name,
            "sha": run.file_sha256,
        },
        links=[
            (_("Loan"), reverse("admin:servicing_loan_change", args=[r.loan_id])) for r in rejects
        ],
    )


def bureau_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(BureauRun, pk=run_id)
    report = _rejects_report(run)
    report.csv_url = reverse("backoffice:bureau_run_csv", args=[run.pk])
    rows = [(row, link) for row, link in zip(report.rows, report.links, strict=True)]
    return TemplateResponse(
        request,
        "admin/backoffice/reports/report.html",
        _context(request, title=report.title, report=report, table_rows=rows),
    )


def bureau_run_csv_view(request: HttpRequest, run_id: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(BureauRun, pk=run_id)
    return _csv(f"bureau-run-{run.pk}-rejects", _rejects_report(run).csv_rows)
