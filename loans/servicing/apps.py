from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicingConfig(AppConfig):
    """Loans once drawn: schedules, repayments, collections, reminders (PRODUCT §2, §5)."""

    name = "loans.servicing"
    label = "servicing"
    verbose_name = _("Servicing")
