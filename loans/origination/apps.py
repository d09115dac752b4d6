from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OriginationConfig(AppConfig):
    """From product to paid-out loan: products, credit decisions, drawdown, payouts (PRODUCT §6)."""

    name = "loans.origination"
    label = "origination"
    verbose_name = _("Origination")
