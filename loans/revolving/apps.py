from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevolvingConfig(AppConfig):
    """Revolving accounts on a credit line: purchases at a checkout, monthly bills (PRODUCT §10)."""

    name = "loans.revolving"
    label = "revolving"
    verbose_name = _("Revolving credit")
