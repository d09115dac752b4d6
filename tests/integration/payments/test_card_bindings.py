"""Binding a card for auto-debit and switching it off (PRODUCT §11): the services' rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import crypto
from accounts.models import AuditEvent, Borrower
from loans.payments.card_bindings import (
    CardBindingActive,
    CardConsent,
    card_binding_create,
    card_binding_revoke,
)
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome, GatewayBindRefused
from loans.payments.models import CardBinding, CardBindingChannel, CardBindingStatus
from loans.payments.selectors import card_binding_active
from tests.factories.accounts import borrower_create, make_bank_card

pytestmark = pytest.mark.django_db

CARD = make_bank_card(number=777)  # Luhn-valid, 16 digits
CONSENT = CardConsent(
    at=datetime(2027, 1, 15, 2, 30, tzinfo=UTC),
    ip="203.0.113.7",
    user_agent="Mozilla/5.0 (iPhone)",
    agreement_version="LP-AUTODEBIT-2026-12",
)


@pytest.fixture
def borrower() -> Borrower:
    return borrower_create(full_name="王小明")


def id_number_of(borrower: Borrower) -> str:
    return crypto.decrypt(borrower.id_number_ciphertext)


def bind(borrower: Borrower, **overrides: object) -> CardBinding:
    arguments: dict[str, object] = {
        "borrower": borrower,
        "card_number": CARD,
        "holder_name": borrower.full_name,
        "holder_id_number": id_number_of(borrower),
        "consent": CONSENT,
        "channel": CardBindingChannel.PORTAL,
    }
    return card_binding_create(**(arguments | overrides))  # type: ignore[arg-type]


def assert_nothing_written(fake: FakeGateway) -> None:
    assert CardBinding.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="card_binding").exists()
    assert fake.agreements == {}


def test_binding_stores_the_card_encrypted_with_its_consent_and_the_agreement(borrower, fake):
    binding = bind(borrower, holder_id_number=id_number_of(borrower).lower())

    binding.refresh_from_db()
    assert binding.status == CardBindingStatus.ACTIVE
    assert crypto.decrypt(binding.card_number_ciphertext) == CARD
    assert binding.card_number_digest == crypto.lookup_digest(CARD)
    assert binding.card_number_masked == crypto.mask_bank_card(CARD)
    assert CARD not in binding.card_number_masked
    assert binding.gateway == "fake"
    assert fake.agreements == {binding.agreement_reference: CARD}
    assert binding.consent_at == CONSENT.at
    assert binding.consent_ip == "203.0.113.7"
    assert binding.consent_user_agent == "Mozilla/5.0 (iPhone)"
    assert binding.agreement_version == "LP-AUTODEBIT-2026-12"
    assert binding.channel == CardBindingChannel.PORTAL
    assert binding.revoked_at is None
    event = AuditEvent.objects.get(action="card_binding.create")
    assert event.target_id == str(binding.pk)
    assert event.details == {
        "borrower_id": borrower.pk,
        "channel": "PORTAL",
        "gateway": "fake",
        "agreement_version": "LP-AUTODEBIT-2026-12",
    }
    # The card can be charged through the agreement the binding holds.
    charged = fake.charge(
        key="t-1", agreement_reference=binding.agreement_reference, amount=Decimal("10.00")
    )
    assert charged.outcome == ChargeOutcome.SUCCEEDED


def test_a_card_number_failing_luhn_is_refused_and_nothing_is_written(borrower, fake):
    wrong = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)

    with pytest.raises(ValidationError) as refusal:
        bind(borrower, card_number=wrong)

    assert refusal.value.error_dict["card_number"][0].code == "bank_card_checksum"
    assert_nothing_written(fake)


def test_a_holder_name_other_than_the_borrowers_is_refused(borrower, fake):
    with pytest.raises(ValidationError) as refusal:
        bind(borrower, holder_name="李四")

    assert list(refusal.value.error_dict) == ["holder_name"]
    assert refusal.value.error_dict["holder_name"][0].code == "holder_name_mismatch"
    assert_nothing_written(fake)


def test_an_identity_number_other_than_the_borrowers_is_refused(borrower, fake):
    someone_else = borrower_create()

    with pytest.raises(ValidationError) as refusal:
        bind(borrower, holder_id_number=id_number_of(someone_else))

    assert list(refusal.value.error_dict) == ["holder_id_number"]
    assert refusal.value.error_dict["holder_id_number"][0].code == "holder_id_number_mismatch"
    assert_nothing_written(fake)


def test_a_missing_agreement_version_is_refused(borrower, fake):
    consent = CardConsent(at=CONSENT.at, ip=None, user_agent="", agreement_version=" ")

    with pytest.raises(ValidationError) as refusal:
        bind(borrower, consent=consent)

    assert list(refusal.value.error_dict) == ["agreement_version"]
    assert_nothing_written(fake)


@pytest.mark.parametrize(
    ("behaviour", "reason"), [("frozen", "CARD_FROZEN"), ("closed", "CARD_INVALID")]
)
def test_a_gateway_refusal_writes_nothing(borrower, fake, behaviour, reason):
    FakeGateway.script(CARD, **{behaviour: True})

    with pytest.raises(GatewayBindRefused) as refusal:
        bind(borrower)

    assert refusal.value.code == "card_binding_refused"
    assert refusal.value.reason == reason
    assert_nothing_written(fake)


def test_a_second_active_card_is_refused_until_the_first_is_switched_off(borrower, fake):
    first = bind(borrower)
    other_card = make_bank_card(number=778)

    with pytest.raises(CardBindingActive):
        bind(borrower, card_number=other_card)

    assert list(CardBinding.objects.values_list("pk", flat=True)) == [first.pk]
    assert len(fake.agreements) == 1
    card_binding_revoke(binding=first, channel=CardBindingChannel.PORTAL)
    second = bind(borrower, card_number=other_card)
    assert card_binding_active(borrower=borrower) == second
    assert CardBinding.objects.count() == 2


def test_the_database_allows_one_active_binding_per_borrower(borrower):
    first = bind(borrower)
    columns = {
        f.attname: getattr(first, f.attname)
        for f in CardBinding._meta.concrete_fields
        if not f.primary_key
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        CardBinding.objects.create(**(columns | {"agreement_reference": "FAKE-AGR-other"}))


def test_the_database_refuses_a_revoked_binding_without_its_time(borrower):
    binding = bind(borrower)

    with pytest.raises(IntegrityError), transaction.atomic():
        CardBinding.objects.filter(pk=binding.pk).update(status=CardBindingStatus.REVOKED)


def test_switching_off_keeps_the_binding_and_ends_the_agreement(borrower, fake):
    binding = bind(borrower)

    revoked = card_binding_revoke(binding=binding, channel=CardBindingChannel.PARTNER)

    revoked.refresh_from_db()
    assert revoked.status == CardBindingStatus.REVOKED
    assert revoked.revoked_at is not None
    assert revoked.revoked_channel == CardBindingChannel.PARTNER
    assert card_binding_active(borrower=borrower) is None
    charged = fake.charge(
        key="after-off", agreement_reference=binding.agreement_reference, amount=Decimal("1.00")
    )
    assert charged.outcome == ChargeOutcome.AGREEMENT_REVOKED
    event = AuditEvent.objects.get(action="card_binding.revoke")
    assert event.target_id == str(binding.pk)
    assert event.details["channel"] == "PARTNER"


def test_switching_off_twice_changes_nothing(borrower):
    binding = card_binding_revoke(binding=bind(borrower), channel=CardBindingChannel.PORTAL)
    revoked_at = binding.revoked_at

    again = card_binding_revoke(binding=binding, channel=CardBindingChannel.PARTNER)

    assert again.revoked_at == revoked_at
    assert again.revoked_channel == CardBindingChannel.PORTAL
    assert AuditEvent.objects.filter(action="card_binding.revoke").count() == 1


def test_switching_off_holds_when_the_gateway_cannot_be_reached(borrower, monkeypatch):
    binding = bind(borrower)

    def unreachable(self: FakeGateway, *, agreement_reference: str) -> None:
        raise ConnectionError("gateway down")

    monkeypatch.setattr(FakeGateway, "unbind", unreachable)
    card_binding_revoke(binding=binding, channel=CardBindingChannel.PORTAL)

    binding.refresh_from_db()
    assert binding.status == CardBindingStatus.REVOKED
