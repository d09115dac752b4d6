from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobConfig(AppConfig):
    """Close of business: runs, chunks and the night's set-based steps (PRODUCT §4)."""

    name = "loans.cob"
    label = "cob"
    verbose_name = _("Close of business")
