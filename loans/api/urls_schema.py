"""The URLconf the OpenAPI schema is generated from: the v1 API under /api/v1/ only."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("loans.api.urls"))]
