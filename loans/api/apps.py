from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The partner API door: REST endpoints, OAuth scopes, idempotency (PRODUCT §7)."""

    name = "loans.api"
    label = "api"
    verbose_name = _("Partner API")
