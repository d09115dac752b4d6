from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The general ledger: chart of accounts, journal, posting, reconciliation (PRODUCT §3)."""

    name = "loans.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
