"""The partner API's routes: OAuth2 token endpoint, v1, the OpenAPI schema and its docs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import views as oauth2_views

from loans.api.token import ThrottledTokenView

urlpatterns = [
    # Only the token endpoints: partners use client credentials, there is no consent page.
    path("o/token/", ThrottledTokenView.as_view(), name="oauth2_provider_token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2_provider_revoke"),
    path("api/v1/", include("loans.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="loans.api.urls_schema"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches no route: the API's error body under /api/ and /o/."""
    if request.path.startswith(("/api/", "/o/")):
        body = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
