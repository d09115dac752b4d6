"""List columns shared by the back office's admin lists (issue #23)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@admin.display(description=_("loan"), ordering="loan_id")
def loan_column(obj: Any) -> str:
    """Show ``Loan 42`` linking to the officers' loan page (``str(loan)`` has the raw status)."""
    loan_id = getattr(obj, "loan_id", None)
    if loan_id is None:
        return "-"
    url = reverse("admin:servicing_loan_desk", args=[loan_id])
    return format_html('<a href="{}">{}</a>', url, gettext("Loan %(id)s") % {"id": loan_id})
