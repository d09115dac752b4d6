"""Reads of revolving credit for the doors: accounts as a borrower or a partner sees them."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Borrower
from loans.revolving.models import RevolvingAccount


def revolving_account_of(*, borrower: Borrower) -> RevolvingAccount | None:
    """The borrower's revolving account, with its credit line and product, or None."""
    return (
        RevolvingAccount.objects.select_related("credit_line", "product")
        .filter(credit_line__borrower=borrower)
        .first()
    )


def revolving_available_amount(*, account: RevolvingAccount) -> Decimal:
    """What the line has left for purchases and loans: limit minus every unpaid principal (§10)."""
    line = account.credit_line
    return line.limit_amount - line.used_amount
