"""Revealing a borrower's identity, card and mobile numbers to a member of staff (PRODUCT §6, #6).

Shown masked everywhere; a user holding ``accounts.reveal_borrower_identity`` may see them in
clear once per request, and every reveal is an AuditEvent (which fields, never their values).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.audit import audit_record
from accounts.crypto import decrypt
from accounts.models import Borrower, User

REVEAL_PERMISSION = "accounts.reveal_borrower_identity"


@dataclass(frozen=True, slots=True)
class RevealedIdentity:
    id_number: str
    bank_card: str
    mobile: str


@transaction.atomic
def borrower_identity_reveal(*, borrower: Borrower, user: User) -> RevealedIdentity:
    """Decrypt the borrower's identity, card and mobile numbers for ``user``; record that it did.

    Raises PermissionDenied without the reveal permission (nothing is recorded then).
    """
    if not user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("You may not reveal identity numbers.")
    audit_record(
        actor=user,
        action="borrower.reveal",
        target=borrower,
        details={"fields": ["id_number", "bank_card", "mobile"]},
    )
    return RevealedIdentity(
        id_number=decrypt(borrower.id_number_ciphertext),
        bank_card=decrypt(borrower.bank_card_ciphertext),
        mobile=decrypt(borrower.mobile_ciphertext),
    )
