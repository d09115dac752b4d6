"""Binding a bank card for automatic repayment, and switching it off (代扣, PRODUCT §11).

The portal's page and the partner API call these two services; the collection run reads the
active binding (``loans.payments.selectors.card_binding_active``). Rules: docs/rails.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.audit import audit_record
from accounts.models import Borrower, User
from accounts.validators import normalise_id_number, validate_bank_card
from loans.errors import LendingError
from loans.payments.gateway import CardDetails, GatewayBindRefused, gateway
from loans.payments.models import (
    CardBinding,
    CardBindingChannel,
    CardBindingStatus,
)

logger = logging.getLogger(__name__)

AGREEMENT_VERSION_MAX_LENGTH = 32
USER_AGENT_MAX_LENGTH = 500
ALREADY_ACTIVE = _("Auto-debit is already on with another card; switch it off first.")


class CardBindingActive(LendingError):
    """The borrower already has an active card: switch it off before binding another."""

    code = "card_binding_active"


@dataclass(frozen=True, slots=True)
class CardConsent:
    """The evidence of the borrower's agreement to be debited (PRODUCT §11)."""

    at: datetime
    ip: str | None
    user_agent: str
    agreement_version: str


@transaction.atomic
def card_binding_create(
    *,
    borrower: Borrower,
    card_number: str,
    holder_name: str,
    holder_id_number: str,
    consent: CardConsent,
    channel: CardBindingChannel,
    actor: User | None = None,
) -> CardBinding:
    """Bind a card of the borrower's for auto-debit through the gateway; audited.

    The card passes Luhn (16-19 digits); the holder's name and identity number are the
    borrower's. Raises ValidationError (fields ``card_number``, ``holder_name``,
    ``holder_id_number``, ``agreement_version``), CardBindingActive, or GatewayBindRefused;
    nothing is written then, and no agreement is left open at the gateway.
    """
    borrower = Borrower.objects.select_for_update().get(pk=borrower.pk)
    number = _check_card(borrower, card_number, holder_name, holder_id_number, consent)
    if CardBinding.objects.filter(borrower=borrower, status=CardBindingStatus.ACTIVE).exists():
        raise CardBindingActive(
            _("Auto-debit is already on with another card; switch it off first.")
        )
    backend = gateway()
    card = CardDetails(
        number=number, holder_name=borrower.full_name, holder_id_number=holder_id_number
    )
    agreement = backend.bind(card=card)  # GatewayBindRefused: nothing written
    try:
        with transaction.atomic():
            binding = CardBinding.objects.create(
                borrower=borrower,
                card_number_ciphertext=crypto.encrypt(number),
                card_number_digest=crypto.lookup_digest(number),
                card_number_masked=crypto.mask_bank_card(number),
                gateway=backend.name,
                agreement_reference=agreement,
                channel=channel,
                consent_at=consent.at,
                consent_ip=consent.ip or None,
                consent_user_agent=consent.user_agent[:USER_AGENT_MAX_LENGTH],
                agreement_version=consent.agreement_version,
            )
    except IntegrityError:
        backend.unbind(agreement_reference=agreement)  # lost a race with another binding
        raise CardBindingActive(ALREADY_ACTIVE) from None
    _audit(actor, "card_binding.create", binding)
    logger.info("card binding %s created for borrower %s", binding.pk, borrower.pk)
    return binding


def _check_card(
    borrower: Borrower,
    card_number: str,
    holder_name: str,
    holder_id_number: str,
    consent: CardConsent,
) -> str:
    errors: dict[str, list[ValidationError]] = {}
    number = ""
    try:
        number = validate_bank_card(card_number)
    except ValidationError as error:
        errors["card_number"] = error.error_list
    if "".join(holder_name.split()).casefold() != "".join(borrower.full_name.split()).casefold():
        errors["holder_name"] = [
            ValidationError(
                _("The card holder's name must be the borrower's own."), "holder_name_mismatch"
            )
        ]
    id_digest = crypto.lookup_digest(normalise_id_number(holder_id_number))
    if id_digest != borrower.id_number_digest:
        errors["holder_id_number"] = [
            ValidationError(
                _("The card holder's identity number must be the borrower's own."),
                "holder_id_number_mismatch",
            )
        ]
    version = consent.agreement_version.strip()
    if not version or len(version) > AGREEMENT_VERSION_MAX_LENGTH:
        errors["agreement_version"] = [
            ValidationError(
                _("Give the version of the auto-debit agreement that was accepted."),
                "agreement_version_missing",
            )
        ]
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def card_binding_revoke(
    *,
    binding: CardBinding,
    channel: CardBindingChannel,
    actor: User | None = None,
) -> CardBinding:
    """Switch auto-debit off: the binding is kept, REVOKED; the gateway ends the agreement.

    Switching off a binding that is already off changes nothing. The switch-off holds even when
    the gateway cannot be reached: the collection run charges only ACTIVE bindings.
    """
    binding = CardBinding.objects.select_for_update().get(pk=binding.pk)
    if binding.status == CardBindingStatus.REVOKED:
        return binding
    binding.status = CardBindingStatus.REVOKED
    binding.revoked_at = timezone.now()
    binding.revoked_channel = channel
    binding.save(update_fields=["status", "revoked_at", "revoked_channel"])
    _audit(actor, "card_binding.revoke", binding)
    try:
        gateway().unbind(agreement_reference=binding.agreement_reference)
    except Exception:  # the gateway's failure must not keep a borrower's card switched on
        logger.warning("gateway unbind failed for card binding %s", binding.pk, exc_info=True)
    logger.info("card binding %s revoked", binding.pk)
    return binding


def _audit(actor: User | None, action: str, binding: CardBinding) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=binding,
        details={
            "borrower_id": binding.borrower_id,
            "channel": binding.revoked_channel or binding.channel,
            "gateway": binding.gateway,
            "agreement_version": binding.agreement_version,
        },
    )


__all__ = [
    "CardBindingActive",
    "CardConsent",
    "GatewayBindRefused",
    "card_binding_create",
    "card_binding_revoke",
]
