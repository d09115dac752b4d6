from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """Maker-checker: requests of one officer decided by another (PRODUCT §2.4, §6)."""

    name = "loans.approvals"
    label = "approvals"
    verbose_name = _("Approvals")
