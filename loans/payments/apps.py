from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Money coming in through payment backends: the portal's repayments (issue #5; PRODUCT §11)."""

    name = "loans.payments"
    label = "payments"
    verbose_name = _("Payments")
