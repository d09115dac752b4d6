"""A partner's borrower opened to the portal user who holds the borrower's phone (issue #18)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.audit import audit_record
from accounts.models import Borrower, User
from accounts.services import duplicate_user_error
from accounts.validators import validate_id_number

logger = logging.getLogger(__name__)


def borrower_portal_link(*, user: User, id_number: str) -> Borrower:
    """Open a partner's borrower to the portal user who holds the borrower's phone (issue #18).

    A borrower a shop registered through the API has no portal user, yet PRODUCT §10 has them see
    their bills in the portal. Two proofs link them, as a bank app asks when it finds your cards:
    the user confirmed the mobile on file by SMS code (``phone_verified``), and types the identity
    number the shop registered (a mobile number is reassigned when its owner gives it up, an
    identity number is not). The borrower keeps its partner; the partner sees it as before.

    Raises ValidationError (field ``id_number``, or ``user``) and writes nothing when the phone
    is not verified, the user already has a profile, the number is not a valid identity number
    or not the one on file, or several shops' borrowers match (one user is one borrower).
    """
    try:
        number = validate_id_number(id_number).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from error
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.phone_verified or not locked.phone_digest:
            unverified = ValidationError(_("Confirm your mobile number first."), "phone_unverified")
            raise ValidationError({"user": unverified})
        if Borrower.objects.filter(user=locked).exists():
            raise ValidationError({"user": duplicate_user_error()})
        borrower = _partner_borrower_matching(locked, number)
        borrower.user = locked
        borrower.save(update_fields=["user", "updated_at"])
        audit_record(
            actor=locked,
            action="borrower.portal_linked",
            target=borrower,
            details={"partner": borrower.partner.code if borrower.partner else ""},
        )
    logger.info("borrower %s opened to portal user %s", borrower.pk, locked.pk)
    return borrower


def _partner_borrower_matching(user: User, number: str) -> Borrower:
    matches = list(
        Borrower.objects.select_for_update()
        .select_related("partner")
        .filter(
            user=None,
            partner__isnull=False,
            mobile_digest=user.phone_digest,
            id_number_digest=crypto.lookup_digest(number),
        )[:2]
    )
    if not matches:
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _("This is not the identity number the shop has for your mobile number."),
                    "link_no_match",
                )
            }
        )
    if len(matches) > 1:
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _(
                        "Several shops have accounts for you on this number; our service desk "
                        "can open them to you one at a time."
                    ),
                    "link_ambiguous",
                )
            }
        )
    return matches[0]
