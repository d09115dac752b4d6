from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The borrower's PDFs and the public check of a settlement certificate (PRODUCT §14)."""

    name = "loans.documents"
    label = "documents"
    verbose_name = _("Documents")
