"""The partner API's routes: OAuth2 token endpoint, v1, the OpenAPI schema and its docs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth2_views

from loans.api.token import ThrottledTokenView
from loans.api.views.docs import GuideView, RedocDocsView, SwaggerDocsView

urlpatterns = [
    # Only the token endpoints: partners use client credentials, there is no consent page.
    path("o/token/", ThrottledTokenView.as_view(), name="oauth2_provider_token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2_provider_revoke"),
    path("api/v1/", include("loans.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="loans.api.urls_schema"), name="schema"),
    # The docs pages start Swagger UI and Redoc from static files (the CSP allows no inline
    # script); the guide is docs/api.md.
    path("api/docs/", SwaggerDocsView.as_view(), name="api-docs"),
    path("api/redoc/", RedocDocsView.as_view(), name="api-redoc"),
    path("api/guide/", GuideView.as_view(), name="api-guide"),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches no route: the API's error body under /api/ and /o/."""
    if request.path.startswith(("/api/", "/o/")):
        body = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
