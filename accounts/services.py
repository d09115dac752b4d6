"""Writes on accounts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application, generate_client_secret

from accounts import crypto
from accounts.models import Borrower, Language, Partner, User
from accounts.validators import (
    IdentityNumber,
    validate_age,
    validate_amount,
    validate_bank_card,
    validate_employment_months,
    validate_full_name,
    validate_id_number,
    validate_mobile,
)

logger = logging.getLogger(__name__)

EMAIL_MAX_LENGTH = 254
EXTERNAL_ID_MAX_LENGTH = 64
NOTICE_VERSION_MAX_LENGTH = 16


@transaction.atomic
def demo_admin_create(*, username: str, password: str, email: str) -> User:
    """Create the demo superuser (development data only)."""
    return User.objects.create_superuser(username=username, password=password, email=email)


@transaction.atomic
def demo_portal_user_create(*, email: str, password: str) -> User:
    """Create a borrower's portal sign-in with a verified address (development data only)."""
    user = User.objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


class _FieldErrors:
    """Collects errors by field, so that a form or serializer can show them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    @contextmanager
    def field(self, name: str) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            self.by_field.setdefault(name, []).append(error)

    def add(self, name: str, error: ValidationError) -> None:
        self.by_field.setdefault(name, []).append(error)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


@dataclass(frozen=True)
class _Identity:
    full_name: str
    id_number: IdentityNumber


@transaction.atomic
def borrower_register(
    *,
    full_name: str,
    id_number: str,
    mobile: str,
    bank_card: str,
    monthly_income_amount: Decimal,
    employment_months: int,
    monthly_debt_payments_amount: Decimal,
    as_of: date,
    email: str = "",
    language: str = Language.ZH_HANS,
    user: User | None = None,
    partner: Partner | None = None,
    external_id: str = "",
    credit_check_consent_at: datetime | None = None,
    privacy_notice_version: str = "",
    privacy_consent_at: datetime | None = None,
) -> Borrower:
    """Register a borrower with the real-name data of PRODUCT §6.

    Every field is checked before anything is written: amounts in yuan, ≥ 0, at most 2 decimals;
    age 18-60 on as_of; the identity number unique in its channel (the portal, or one partner).
    The identity, card and mobile numbers are stored encrypted, as a lookup digest and masked;
    the birth date is not stored (it is in the identity number).
    Raises ValidationError with a dict of field → messages; nothing is written then.
    """
    errors = _FieldErrors()
    identity = _clean_identity(errors, full_name=full_name, id_number=id_number, as_of=as_of)
    _check_channel(errors, user=user, partner=partner, external_id=external_id)
    profile = _clean_profile(
        errors,
        {
            "mobile": mobile,
            "email": email,
            "bank_card": bank_card,
            "monthly_income_amount": monthly_income_amount,
            "employment_months": employment_months,
            "monthly_debt_payments_amount": monthly_debt_payments_amount,
            "language": language,
            "credit_check_consent_at": credit_check_consent_at,
            "privacy_notice_version": privacy_notice_version,
            "privacy_consent_at": privacy_consent_at,
        },
    )
    if identity is not None:
        _check_identity_free(errors, identity=identity.id_number, partner=partner)
    errors.raise_if_any()
    if identity is None:  # pragma: no cover - an invalid identity has left a field error
        raise RuntimeError("identity missing without a field error")
    borrower = _borrower_create(
        user=user,
        partner=partner,
        external_id=external_id.strip(),
        full_name=identity.full_name,
        **_id_number_columns(identity.id_number.number),
        **profile,
    )
    logger.info("borrower registered: borrower_id=%s", borrower.pk)
    return borrower


@transaction.atomic
def borrower_update_profile(
    *,
    borrower: Borrower,
    mobile: str | None = None,
    email: str | None = None,
    bank_card: str | None = None,
    monthly_income_amount: Decimal | None = None,
    employment_months: int | None = None,
    monthly_debt_payments_amount: Decimal | None = None,
    language: str | None = None,
    credit_check_consent_at: datetime | None = None,
    privacy_notice_version: str | None = None,
    privacy_consent_at: datetime | None = None,
) -> Borrower:
    """Change a borrower's profile; an argument left at None keeps its value.

    The same rules as borrower_register apply to each given value. A privacy notice version is
    given together with the time it was accepted. The row is locked while it changes.
    Raises ValidationError with a dict of field → messages; nothing is written then.
    Returns the updated borrower (a fresh instance; the one passed in is not changed).
    """
    changes = {
        name: value
        for name, value in {
            "mobile": mobile,
            "email": email,
            "bank_card": bank_card,
            "monthly_income_amount": monthly_income_amount,
            "employment_months": employment_months,
            "monthly_debt_payments_amount": monthly_debt_payments_amount,
            "language": language,
            "credit_check_consent_at": credit_check_consent_at,
            "privacy_notice_version": privacy_notice_version,
            "privacy_consent_at": privacy_consent_at,
        }.items()
        if value is not None
    }
    errors = _FieldErrors()
    fields = _clean_profile(errors, changes)
    errors.raise_if_any()
    locked = Borrower.objects.select_for_update().get(pk=borrower.pk)
    if not fields:
        return locked
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    logger.info("borrower profile updated: borrower_id=%s fields=%s", locked.pk, sorted(changes))
    return locked


def _clean_identity(
    errors: _FieldErrors, *, full_name: str, id_number: str, as_of: date
) -> _Identity | None:
    name: str | None = None
    identity: IdentityNumber | None = None
    with errors.field("full_name"):
        name = validate_full_name(full_name)
    with errors.field("id_number"):
        identity = validate_id_number(id_number)
        validate_age(birth_date=identity.birth_date, as_of=as_of)
    if name is None or identity is None:
        return None
    return _Identity(full_name=name, id_number=identity)


def _check_channel(
    errors: _FieldErrors, *, user: User | None, partner: Partner | None, external_id: str
) -> None:
    if user is not None and partner is not None:
        errors.add(
            NON_FIELD_ERRORS,
            ValidationError(
                _("A borrower comes through the portal (a user) or a partner, not both."),
                "channel_ambiguous",
            ),
        )
    if user is not None and Borrower.objects.filter(user=user).exists():
        errors.add("user", duplicate_user_error())
    if partner is not None and not partner.is_active:
        errors.add(
            "partner",
            ValidationError(
                _("Partner %(code)s is not active."), "partner_inactive", {"code": partner.code}
            ),
        )
    with errors.field("external_id"):
        _check_external_id(external_id.strip(), partner=partner)


def _check_external_id(external_id: str, *, partner: Partner | None) -> None:
    if not external_id:
        return
    if partner is None:
        raise ValidationError(
            _("Only a borrower from a partner has an external id."), "external_id_without_partner"
        )
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise ValidationError(
            _("An external id has at most 64 characters."), "external_id_too_long"
        )
    if Borrower.objects.filter(partner=partner, external_id=external_id).exists():
        raise _duplicate_external_id_error()


def _check_identity_free(
    errors: _FieldErrors, *, identity: IdentityNumber, partner: Partner | None
) -> None:
    # One borrower per identity per channel; the same person may come through several partners.
    digest = crypto.lookup_digest(identity.number)
    if Borrower.objects.filter(partner=partner, id_number_digest=digest).exists():
        errors.add("id_number", _duplicate_identity_error())


def _clean_email(value: str) -> str:
    email = value.strip()
    if not email:
        return ""
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(_("An email address has at most 254 characters."), "email_too_long")
    validate_email(email)
    return email


def _clean_language(value: str) -> str:
    if value not in Language.values:
        raise ValidationError(
            _("Language %(value)s is not offered."), "language_invalid", {"value": value}
        )
    return value


def _clean_moment(value: datetime | None) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError(_("A consent time must carry its time zone."), "datetime_naive")
    return value


def _clean_notice_version(value: str) -> str:
    version = value.strip()
    if len(version) > NOTICE_VERSION_MAX_LENGTH:
        raise ValidationError(
            _("A privacy notice version has at most 16 characters."), "notice_version_too_long"
        )
    return version


_PROFILE_CLEANERS: dict[str, Callable[[Any], object]] = {
    "mobile": validate_mobile,
    "email": _clean_email,
    "bank_card": validate_bank_card,
    "monthly_income_amount": validate_amount,
    "employment_months": validate_employment_months,
    "monthly_debt_payments_amount": validate_amount,
    "language": _clean_language,
    "credit_check_consent_at": _clean_moment,
    "privacy_notice_version": _clean_notice_version,
    "privacy_consent_at": _clean_moment,
}


def _clean_profile(errors: _FieldErrors, values: dict[str, Any]) -> dict[str, Any]:
    """Return the model columns for the given profile values; record each field's error."""
    columns: dict[str, Any] = {}
    for name, value in values.items():
        with errors.field(name):
            columns[name] = _PROFILE_CLEANERS[name](value)
    _check_privacy_consent(errors, values)
    if "bank_card" in columns:
        columns.update(_bank_card_columns(columns.pop("bank_card")))
    if "mobile" in columns:
        columns.update(_mobile_columns(columns.pop("mobile")))
    return columns


def _check_privacy_consent(errors: _FieldErrors, values: dict[str, Any]) -> None:
    # A consent is to one version of the notice (PIPL art. 14): both are given, or neither.
    has_version = bool((values.get("privacy_notice_version") or "").strip())
    has_moment = values.get("privacy_consent_at") is not None
    if has_version and not has_moment:
        errors.add(
            "privacy_consent_at",
            ValidationError(
                _("Give the time the privacy notice was accepted."), "privacy_consent_missing"
            ),
        )
    if has_moment and not has_version:
        errors.add(
            "privacy_notice_version",
            ValidationError(
                _("Give the version of the privacy notice that was accepted."),
                "privacy_notice_version_missing",
            ),
        )


def _id_number_columns(number: str) -> dict[str, str]:
    return {
        "id_number_ciphertext": crypto.encrypt(number),
        "id_number_digest": crypto.lookup_digest(number),
        "id_number_masked": crypto.mask_id_number(number),
    }


def _bank_card_columns(number: str) -> dict[str, str]:
    return {
        "bank_card_ciphertext": crypto.encrypt(number),
        "bank_card_digest": crypto.lookup_digest(number),
        "bank_card_masked": crypto.mask_bank_card(number),
    }


def _mobile_columns(number: str) -> dict[str, str]:
    return {
        "mobile_ciphertext": crypto.encrypt(number),
        "mobile_digest": crypto.lookup_digest(number),
        "mobile_masked": crypto.mask_mobile(number),
    }


def _borrower_create(**columns: Any) -> Borrower:
    # The checks above can lose a race with a concurrent registration; the unique constraints
    # then decide, and the loser gets the same field error as if it had come second.
    try:
        with transaction.atomic():
            return Borrower.objects.create(**columns)
    except IntegrityError as error:
        raise _unique_violation_error(error) from error


def _unique_violation_error(error: IntegrityError) -> Exception:
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""
    if constraint == "borrower_identity_unique_per_channel":
        return ValidationError({"id_number": [_duplicate_identity_error()]})
    if constraint == "borrower_external_id_unique_per_partner":
        return ValidationError({"external_id": [_duplicate_external_id_error()]})
    if constraint == "accounts_borrower_user_id_key":
        return ValidationError({"user": [duplicate_user_error()]})
    return error


def _duplicate_identity_error() -> ValidationError:
    return ValidationError(
        _("A borrower with this identity number is already registered here."),
        "id_number_registered",
    )


def _duplicate_external_id_error() -> ValidationError:
    return ValidationError(
        _("A borrower with this external id is already registered by this partner."),
        "external_id_registered",
    )


def duplicate_user_error() -> ValidationError:
    return ValidationError(_("This user already has a borrower profile."), "user_already_borrower")


@dataclass(frozen=True)
class PartnerCredentials:
    partner: Partner
    client_id: str
    client_secret: str


@transaction.atomic
def partner_create(*, name: str, scopes: list[str] | None = None) -> PartnerCredentials:
    """Create a partner and its OAuth2 client (client credentials grant, PRODUCT §7, §8).

    The client may ask for every API scope, or only ``scopes``. The secret is returned once:
    only its hash is stored. Raises ValidationError (name taken or empty, unknown scope).
    """
    all_scopes = list(settings.API_SCOPES)
    chosen = all_scopes if scopes is None else [s for s in all_scopes if s in scopes]
    errors = _FieldErrors()
    clean_name = name.strip()
    code = slugify(clean_name)[:40]
    if not clean_name or not code or len(clean_name) > 100:
        errors.add("name", ValidationError(_("Give a name of 1 to 100 characters."), "name"))
    elif Partner.objects.filter(name=clean_name).exists() or Partner.objects.filter(code=code):
        errors.add("name", ValidationError(_("A partner of this name exists."), "name_taken"))
    unknown = sorted(set(scopes or ()) - set(all_scopes))
    if unknown:
        errors.add("scopes", ValidationError(_("Unknown scopes: %(s)s."), "scope", {"s": unknown}))
    if scopes is not None and not scopes:
        errors.add("scopes", ValidationError(_("Give at least one scope."), "scopes_empty"))
    errors.raise_if_any()
    secret: str = generate_client_secret()
    application = Application.objects.create(
        name=f"Partner {clean_name}",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    partner = Partner.objects.create(
        code=code, name=clean_name, oauth_application=application, api_scopes=chosen
    )
    logger.info("partner created: partner_id=%s scopes=%s", partner.pk, chosen)
    return PartnerCredentials(
        partner=partner, client_id=str(application.client_id), client_secret=secret
    )
