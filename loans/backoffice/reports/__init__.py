"""The report pages of PRODUCT §13 under /admin/portfolio/reports/ (issue #19).

Originations per month, balances by class and stage, provisions, and the credit-bureau runs
with their rejects; each page has a chart (``charts.bar_chart``) and a CSV of the same rows.
Pages show ``¥21,000.00``, percentages and translated labels; the CSV carries plain values
(two-decimal amounts, fractions, codes) for a spreadsheet. Loans and revolving accounts are
apart where the pages count them (balances, provisions, rejects): a row group per kind with
its total on the page, an ``account_type`` column (``LOAN``, ``REVOLVING``) in the CSV, whose
rows are the groups' rows without the totals. Staff with the dashboard's permission
(``reporting.view_portfolio``) see them.

Here the views; the pages in ``portfolio`` (month-end figures) and ``bureau``, both made of
``table.Report``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.backoffice.reports.bureau import bureau_runs_report, rejects_report
from loans.backoffice.reports.portfolio import (
    balances_report,
    originations_report,
    provisions_report,
)
from loans.backoffice.reports.table import Report
from loans.reporting.models import BureauRun

__all__ = ["REPORTS", "Report"]

PERMISSION = "reporting.view_portfolio"

REPORTS: dict[str, Callable[[HttpRequest], Report]] = {
    "originations": originations_report,
    "balances": balances_report,
    "provisions": provisions_report,
    "bureau": bureau_runs_report,
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
    return TemplateResponse(
        request,
        "admin/backoffice/reports/report.html",
        _context(request, title=report.title, report=report, table_rows=report.table_rows()),
    )


def report_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    _allowed(request)
    if slug not in REPORTS:
        raise Http404
    return _csv(f"report-{slug}", REPORTS[slug](request).csv_rows)


def bureau_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(BureauRun, pk=run_id)
    report = rejects_report(run)
    report.csv_url = reverse("backoffice:bureau_run_csv", args=[run.pk])
    return TemplateResponse(
        request,
        "admin/backoffice/reports/report.html",
        _context(request, title=report.title, report=report, table_rows=report.table_rows()),
    )


def bureau_run_csv_view(request: HttpRequest, run_id: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(BureauRun, pk=run_id)
    return _csv(f"bureau-run-{run.pk}-rejects", rejects_report(run).csv_rows)
