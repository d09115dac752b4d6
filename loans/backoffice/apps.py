from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The back-office door: every admin registration, queue, page and chart (issue #6)."""

    name = "loans.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
