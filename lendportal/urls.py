from django.contrib import admin
from django.urls import include, path

from lendportal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("lendportal.api_urls")),
    path("", include("loans.urls")),
]
