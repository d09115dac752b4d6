"""The portfolio dashboard under /admin/portfolio/ (staff only, through the admin's login)."""

from django.contrib import admin
from django.urls import path

from loans.backoffice.views import portfolio_csv_view, portfolio_view

app_name = "backoffice"

urlpatterns = [
    path("", admin.site.admin_view(portfolio_view), name="portfolio"),
    path("portfolio.csv", admin.site.admin_view(portfolio_csv_view), name="portfolio_csv"),
]
