"""The portal header's links that depend on the borrower: "Bills" for one with a revolving
account (issue #18)."""

from __future__ import annotations

from typing import Any

from django import template

from loans.revolving.selectors import revolving_account_exists

register = template.Library()


@register.simple_tag(takes_context=True)
def bills_link_shown(context: dict[str, Any]) -> bool:
    """Whether the signed-in user has bills to see (one EXISTS query)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return revolving_account_exists(user_id=user.pk)
