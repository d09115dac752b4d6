from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The borrower portal door: forms and pages, phone first (issue #5)."""

    name = "loans.portal"
    label = "portal"
    verbose_name = _("Borrower portal")
