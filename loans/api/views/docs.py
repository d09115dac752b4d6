"""The partner API's documentation pages: the guide, Swagger UI and Redoc.

Both reference pages load drf-spectacular-sidecar's copies of Swagger UI and Redoc (no CDN) and
start them from a static script (static/api/*-init.js) that reads the schema's URL from the
page: the site's Content-Security-Policy allows no inline script. drf-spectacular's own views
start them with one, which the policy blocked, leaving /api/docs/ blank.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from loans.api.guide import guide_html


class _DocsPage(TemplateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["schema_url"] = reverse("schema")
        return context


class SwaggerDocsView(_DocsPage):
    template_name = "api/swagger.html"
    extra_context = {"page": "swagger"}


class RedocDocsView(_DocsPage):
    template_name = "api/redoc.html"
    extra_context = {"page": "redoc"}


class GuideView(_DocsPage):
    template_name = "api/guide.html"
    extra_context = {"page": "guide"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Rendered from our own docs/api.md with raw HTML escaped (loans.api.guide).
        context["guide"] = mark_safe(guide_html())  # noqa: S308
        return context
