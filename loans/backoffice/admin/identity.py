"""What the back office shows of a borrower's identity (PRODUCT §6, issue #16 hole 3).

Mobiles are stored encrypted, so a list finds a borrower by the full number through its lookup
digest, never by a partial one. A credit decision keeps the exact age among its inputs, but the
pages show only whether it was within policy: with the application date, an age narrows the
birth date to one year, and the masked identity number to a few thousand candidates
(docs/identity.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.selectors import mobile_lookup_digest
from loans.backoffice.readable import json_readable
from loans.domain.scorecard import MAX_AGE, MIN_AGE


class MobileSearchMixin[M: models.Model](admin.ModelAdmin[M]):
    """Adds the rows whose borrower has exactly the searched mobile (+86, spaces allowed)."""

    mobile_digest_field = "borrower__mobile_digest"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[M], search_term: str
    ) -> tuple[QuerySet[M], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digest = mobile_lookup_digest(text=search_term) if search_term else None
        if digest is None:
            return found, may_have_duplicates
        return found | queryset.filter(**{self.mobile_digest_field: digest}), may_have_duplicates


def inputs_shown(inputs: dict[str, Any]) -> str:
    """Return a decision's inputs in words for a page (money ¥, codes as labels, no JSON;
    issue #23), the age replaced by the policy check."""
    shown = dict(sorted(inputs.items()))
    if "age" in shown:
        within = isinstance(shown["age"], int) and MIN_AGE <= shown["age"] <= MAX_AGE
        policy = _("within %(min)s-%(max)s") if within else _("outside %(min)s-%(max)s")
        shown["age"] = policy % {"min": MIN_AGE, "max": MAX_AGE}
    return json_readable(shown)
