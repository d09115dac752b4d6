from django.contrib import admin
from django.urls import include, path

from lendportal.api_urls import page_not_found
from lendportal.health import healthz, system_view
from lendportal.metrics import metrics_view

# Unmatched /api/ URLs answer with the API's error body (PRODUCT §7), others with the page.
handler404 = page_not_found

# The admin has its own sign-in, password then TOTP, through allauth's forms (issue #23,
# loans/backoffice/signin.py); staff without TOTP are sent to set it up
# (accounts.middleware.StaffTotpRequiredMiddleware).

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),  # allowed addresses only (#21)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/portfolio/", include("loans.backoffice.urls")),
    path("admin/system/", admin.site.admin_view(system_view), name="admin_system"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("lendportal.api_urls")),
    path("", include("loans.portal.site_urls")),
]
