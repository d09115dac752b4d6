from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """The business calendar: the open business date (PRODUCT §2, §12)."""

    name = "loans.calendar"
    label = "calendar"
    verbose_name = _("Business calendar")
