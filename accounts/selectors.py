"""Reads on accounts."""

from __future__ import annotations

from accounts import crypto
from accounts.models import Borrower, Partner
from accounts.validators import normalise_id_number

# Reason codes of borrower_identity_conflicts; the credit scorecard refers any of them to an
# officer (PRODUCT §6).
ID_NAME_MISMATCH = "ID_NAME_MISMATCH"
MOBILE_SHARED = "MOBILE_SHARED"
BANK_CARD_SHARED = "BANK_CARD_SHARED"


def borrower_find_by_id_number(
    *, id_number: str, partner: Partner | None = None
) -> Borrower | None:
    """Return the borrower with this identity number in a channel (None: the portal), or None.

    Found by the keyed digest; the number is normalised first (spaces, full-width, "x").
    """
    digest = crypto.lookup_digest(normalise_id_number(id_number))
    return (
        Borrower.objects.select_related("partner", "user")
        .filter(partner=partner, id_number_digest=digest)
        .first()
    )


def borrower_identity_conflicts(*, borrower: Borrower) -> list[str]:
    """Return the reason codes of other borrowers' identity details that contradict this one's.

    Any channel counts. ID_NAME_MISMATCH: same identity number, another name (Latin names
    compared without case). MOBILE_SHARED / BANK_CARD_SHARED: the same mobile / bank card on
    another identity number. Codes come in that order; an empty list means no conflict.
    """
    others = Borrower.objects.exclude(pk=borrower.pk)
    other_people = others.exclude(id_number_digest=borrower.id_number_digest)
    checks = [
        (
            ID_NAME_MISMATCH,
            others.filter(id_number_digest=borrower.id_number_digest).exclude(
                full_name__iexact=borrower.full_name
            ),
        ),
        (MOBILE_SHARED, other_people.filter(mobile=borrower.mobile)),
        (BANK_CARD_SHARED, other_people.filter(bank_card_digest=borrower.bank_card_digest)),
    ]
    return [code for code, queryset in checks if queryset.exists()]
