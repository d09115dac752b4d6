from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The portfolio's summaries and reports (issue #6; PRODUCT §13)."""

    name = "loans.reporting"
    label = "reporting"
    verbose_name = _("Reporting")
