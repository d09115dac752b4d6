"""Test data for accounts: valid sample numbers, partners and borrowers.

Borrowers are created through borrower_register, which derives the ciphertexts, digests and
masks. In typed code call ``borrower_create()`` / ``partner_create()``: factory_boy's calls are
untyped, which ``mypy .`` refuses there. ``BorrowerFactory`` / ``PartnerFactory`` are the same
thing for factory_boy (``SubFactory``, ``create_batch``).
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from factory.base import Factory
from factory.django import DjangoModelFactory
from stdnum import luhn

from accounts.models import Borrower, Partner, User
from accounts.services import borrower_register
from accounts.validators import id_number_check_character

# A fixed "today" for registrations; the generated birth dates make adults of 20 to 59 on it.
AS_OF = date(2026, 12, 1)

_serial = itertools.count(1)


def make_id_number(
    *, region: str = "110105", birth_date: date = date(1990, 5, 17), sequence: str = "123"
) -> str:
    """Return a valid identity number: 6-digit region, YYYYMMDD, 3-digit sequence, check."""
    first_17 = f"{region}{birth_date:%Y%m%d}{sequence}"
    return first_17 + id_number_check_character(first_17)


def make_bank_card(*, number: int = 1, prefix: str = "622202", length: int = 16) -> str:
    """Return a Luhn-valid card number: prefix, the number zero-padded, then the check digit."""
    body = f"{prefix}{number:0{length - len(prefix) - 1}d}"
    return body + luhn.calc_check_digit(body)


def make_mobile(*, number: int = 1) -> str:
    return f"138{number:08d}"


def partner_create(**overrides: Any) -> Partner:
    serial = next(_serial)
    fields: dict[str, Any] = {"code": f"partner-{serial}", "name": f"Partner {serial}"}
    return Partner.objects.create(**(fields | overrides))


def borrower_create(**overrides: Any) -> Borrower:
    """Register a borrower with unique, valid details; any borrower_register argument overrides."""
    serial = next(_serial)
    birth_date = date(1967 + serial % 40, 1 + serial % 12, 1 + serial % 28)
    arguments: dict[str, Any] = {
        "full_name": "张三",
        "id_number": make_id_number(birth_date=birth_date, sequence=f"{serial % 1000:03d}"),
        "mobile": make_mobile(number=serial),
        "bank_card": make_bank_card(number=serial),
        "monthly_income_amount": Decimal("15000.00"),
        "employment_months": 48,
        "monthly_debt_payments_amount": Decimal("0.00"),
        "as_of": AS_OF,
    }
    return borrower_register(**(arguments | overrides))


class PartnerFactory(DjangoModelFactory[Partner]):
    class Meta:
        model = Partner

    @classmethod
    def _create(cls, model_class: type[Partner], *args: Any, **kwargs: Any) -> Partner:
        return partner_create(**kwargs)


class BorrowerFactory(Factory[Borrower]):
    class Meta:
        model = Borrower

    @classmethod
    def _create(cls, model_class: type[Borrower], *args: Any, **kwargs: Any) -> Borrower:
        return borrower_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Borrower], *args: Any, **kwargs: Any) -> Borrower:
        raise NotImplementedError("a borrower is only created, through borrower_register")


def totp_enable(user: User) -> str:
    """Give ``user`` a TOTP authenticator (as setting it up in allauth would); return the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The current TOTP code for ``secret`` (allauth's own algorithm).

    Within the last two seconds of a period it waits for the next one: allauth accepts only the
    current period (``MFA_TOTP_TOLERANCE`` 0), and a code made at 29.9 s and checked by the
    server at 30.1 s failed a test once on a slow machine.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 2:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
