"""The portfolio dashboard under /admin/portfolio/ (staff only, through the admin's login)."""

from django.contrib import admin
from django.urls import path

from loans.backoffice import documents, reports
from loans.backoffice.admin.period_reopen import period_reopen_view
from loans.backoffice.views import portfolio_csv_view, portfolio_view

app_name = "backoffice"

urlpatterns = [
    path("", admin.site.admin_view(portfolio_view), name="portfolio"),
    path("portfolio.csv", admin.site.admin_view(portfolio_csv_view), name="portfolio_csv"),
    # The report pages of PRODUCT §13 (issue #19; the package loans/backoffice/reports/)
    path("reports/", admin.site.admin_view(reports.reports_index_view), name="reports"),
    path("reports/<slug:slug>/", admin.site.admin_view(reports.report_view), name="report"),
    path(
        "reports/<slug:slug>.csv",
        admin.site.admin_view(reports.report_csv_view),
        name="report_csv",
    ),
    path(
        "reports/bureau/<int:run_id>/",
        admin.site.admin_view(reports.bureau_run_view),
        name="bureau_run",
    ),
    path(
        "reports/bureau/<int:run_id>.csv",
        admin.site.admin_view(reports.bureau_run_csv_view),
        name="bureau_run_csv",
    ),
    path("periods/reopen/", admin.site.admin_view(period_reopen_view), name="period_reopen"),
    # A loan's PDFs (issue #19; templates/documents/_officer_links.html)
    path(
        "loans/<int:loan_id>/contract.pdf",
        admin.site.admin_view(documents.contract_pdf_view),
        name="contract_pdf",
    ),
    path(
        "loans/<int:loan_id>/receipts/<int:repayment_id>.pdf",
        admin.site.admin_view(documents.receipt_pdf_view),
        name="receipt_pdf",
    ),
    path(
        "loans/<int:loan_id>/settlement.pdf",
        admin.site.admin_view(documents.settlement_pdf_view),
        name="settlement_pdf",
    ),
    path(
        "bills/<int:statement_id>.pdf",
        admin.site.admin_view(documents.bill_pdf_view),
        name="bill_pdf",
    ),
]
