"""Reads of payments: a borrower's card bindings for auto-debit (PRODUCT §11)."""

from __future__ import annotations

from accounts.models import Borrower
from loans.payments.models import CardBinding, CardBindingStatus


def card_binding_active(*, borrower: Borrower | int) -> CardBinding | None:
    """Return the borrower's active binding (at most one, by constraint), or None."""
    borrower_id = borrower if isinstance(borrower, int) else borrower.pk
    return CardBinding.objects.filter(
        borrower_id=borrower_id, status=CardBindingStatus.ACTIVE
    ).first()


def card_binding_latest(*, borrower: Borrower | int) -> CardBinding | None:
    """Return the borrower's latest binding, active or switched off, or None."""
    borrower_id = borrower if isinstance(borrower, int) else borrower.pk
    return CardBinding.objects.filter(borrower_id=borrower_id).order_by("-id").first()
