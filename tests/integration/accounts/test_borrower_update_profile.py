from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts import crypto
from accounts.models import Borrower
from accounts.services import borrower_update_profile
from tests.factories.accounts import borrower_create, make_bank_card

pytestmark = pytest.mark.django_db

CONSENT_AT = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def snapshot(borrower: Borrower) -> dict[str, Any]:
    return dict(Borrower.objects.values().get(pk=borrower.pk))


def test_update_changes_only_what_is_given():
    borrower = borrower_create(email="old@example.com")
    before = snapshot(borrower)
    updated = borrower_update_profile(
        borrower=borrower,
        monthly_income_amount=Decimal("18000.5"),
        employment_months=60,
        monthly_debt_payments_amount=Decimal("1200"),
        mobile="+86 139-0013-9000",
        language="en",
    )
    after = snapshot(borrower)
    assert updated.monthly_income_amount == Decimal("18000.50")
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {
        "monthly_income_amount",
        "employment_months",
        "monthly_debt_payments_amount",
        "mobile_ciphertext",
        "mobile_digest",
        "mobile_masked",
        "language",
        "updated_at",
    }
    assert crypto.decrypt(after["mobile_ciphertext"]) == "13900139000"
    assert after["mobile_digest"] == crypto.lookup_digest("13900139000")
    assert after["mobile_masked"] == "1********00"
    assert after["email"] == "old@example.com"


def test_update_bank_card():
    borrower = borrower_create()
    card = make_bank_card(number=99, length=19)
    updated = borrower_update_profile(borrower=borrower, bank_card=card)
    updated.refresh_from_db()
    assert crypto.decrypt(updated.bank_card_ciphertext) == card
    assert updated.bank_card_digest == crypto.lookup_digest(card)
    assert updated.bank_card_masked == f"622**************{card[-2:]}"


def test_update_email_cleared_and_consents():
    borrower = borrower_create(email="old@example.com")
    updated = borrower_update_profile(
        borrower=borrower,
        email="",
        credit_check_consent_at=CONSENT_AT,
        privacy_notice_version="2026-12",
        privacy_consent_at=CONSENT_AT,
    )
    updated.refresh_from_db()
    assert updated.email == ""
    assert updated.credit_check_consent_at == CONSENT_AT
    assert (updated.privacy_notice_version, updated.privacy_consent_at) == ("2026-12", CONSENT_AT)


def test_nothing_given_changes_nothing():
    borrower = borrower_create()
    before = snapshot(borrower)
    borrower_update_profile(borrower=borrower)
    assert snapshot(borrower) == before


def test_refused_update_changes_nothing():
    borrower = borrower_create()
    before = snapshot(borrower)
    with pytest.raises(ValidationError) as caught:
        borrower_update_profile(
            borrower=borrower,
            monthly_income_amount=Decimal("20000"),  # valid, but not written either
            mobile="1234",
            bank_card="4111111111111112",
            monthly_debt_payments_amount=Decimal("-5"),
            email="nope",
            privacy_notice_version="2026-12",
        )
    assert {
        field: [e.code for e in errors] for field, errors in caught.value.error_dict.items()
    } == {
        "mobile": ["mobile_length"],
        "bank_card": ["bank_card_checksum"],
        "monthly_debt_payments_amount": ["amount_negative"],
        "email": ["invalid"],
        "privacy_consent_at": ["privacy_consent_missing"],
    }
    assert snapshot(borrower) == before
