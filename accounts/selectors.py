"""Reads on accounts."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from accounts import crypto
from accounts.models import Borrower, Partner, User
from accounts.validators import normalise_id_number, validate_id_number, validate_mobile

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
    another identity number (both compared by their lookup digests). Codes come in that order;
    an empty list means no conflict.
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
        (MOBILE_SHARED, other_people.filter(mobile_digest=borrower.mobile_digest)),
        (BANK_CARD_SHARED, other_people.filter(bank_card_digest=borrower.bank_card_digest)),
    ]
    return [code for code, queryset in checks if queryset.exists()]


def borrower_birth_date_decrypt(*, borrower: Borrower) -> date:
    """Return the birth date in the borrower's identity number, decrypted for a decision.

    The birth date is stored nowhere else (docs/identity.md): never show or log it. Raises
    crypto.FieldNotDecryptable when the configured keys do not open the ciphertext.
    """
    return validate_id_number(crypto.decrypt(borrower.id_number_ciphertext)).birth_date


def borrower_mobile_decrypt(*, borrower: Borrower) -> str:
    """Return the borrower's mobile number in clear, to send an SMS or to reveal it (audited).

    Never show it elsewhere or log it. Raises crypto.FieldNotDecryptable.
    """
    return crypto.decrypt(borrower.mobile_ciphertext)


def mobile_lookup_digest(*, text: str) -> str | None:
    """Return the lookup digest of a typed mobile number (+86, spaces and dashes allowed).

    None when the text is not a mobile number, so that a search can try other fields.
    """
    try:
        return crypto.lookup_digest(validate_mobile(text))
    except ValidationError:
        return None


def user_sign_in_mobile(*, user: User) -> str:
    """Return the mobile a user signs in with, decrypted, once an SMS code confirmed it; else "".

    The profile's mobile must be this number (issue #22): the portal fills it in and locks it.
    """
    if not user.phone_verified or not user.phone_ciphertext:
        return ""
    return crypto.decrypt(user.phone_ciphertext)


def partner_borrowers_for_phone(*, user: User) -> list[Borrower]:
    """The partners' borrowers whose mobile on file is the one this user confirmed by SMS code,
    not yet seen in the portal by anyone: whom ``borrower_portal_link`` may open to the user.

    Empty unless the user's phone is verified and the user has no borrower profile of their own
    (a user is one borrower: ``Borrower.user`` is one-to-one). Ordered by partner name.
    """
    if not user.phone_verified or not user.phone_digest:
        return []
    if Borrower.objects.filter(user=user).exists():
        return []
    found = Borrower.objects.filter(
        user=None, partner__isnull=False, mobile_digest=user.phone_digest
    ).select_related("partner")
    return list(found.order_by("partner__name", "id"))
