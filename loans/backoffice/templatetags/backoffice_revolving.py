"""Tags of the officers' revolving account page (issue #18).

``{% revolving_summary page as_of as s %}`` gives the summary header's figures;
``{{ code|revolving_label }}`` reads an order's status, a plan's kind or fee payer, a payment's
channel as its translated label; ``{{ page.sources|source_of:entry.pk }}`` what posted an entry.
"""

from __future__ import annotations

from datetime import date

from django import template

from loans.backoffice import revolving_account
from loans.backoffice.revolving_account import RevolvingAccountPage, RevolvingAccountSummary

register = template.Library()


@register.simple_tag
def revolving_summary(page: RevolvingAccountPage, as_of: date) -> RevolvingAccountSummary:
    return revolving_account.revolving_account_summary(page=page, as_of=as_of)


@register.filter
def revolving_label(code: str | None) -> str:
    return revolving_account.revolving_label(code)


@register.filter
def source_of(sources: dict[int, str], entry_id: int) -> str:
    """What posted journal entry ``entry_id`` (``RevolvingAccountPage.sources``), or "-"."""
    return sources.get(entry_id, "-")
