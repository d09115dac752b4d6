"""Binding and switching off a borrower's auto-debit card through the partner API (§7, §11)."""

from __future__ import annotations

import pytest

from accounts import crypto
from accounts.models import Borrower
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import CardBinding, CardBindingChannel, CardBindingStatus
from tests.factories.accounts import make_bank_card
from tests.factories.api import api_partner, assert_error, partner_borrower

pytestmark = pytest.mark.django_db

CARD = make_bank_card(number=4242)


@pytest.fixture(autouse=True)
def fake(settings):
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=1)
    yield FakeGateway()
    FakeGateway.reset()


@pytest.fixture
def borrower(acme) -> Borrower:
    return partner_borrower(acme.partner, full_name="王小明")


def path(borrower: Borrower) -> str:
    return f"/api/v1/borrowers/{borrower.pk}/card-binding"


def body(borrower: Borrower, **overrides: object) -> dict[str, object]:
    return {
        "card_number": CARD,
        "holder_name": "王小明",
        "holder_id_number": crypto.decrypt(borrower.id_number_ciphertext),
        "consent_at": "2026-12-02T10:15:00+08:00",
        "consent_ip": "203.0.113.7",
        "consent_user_agent": "PartnerApp/5.2",
        "agreement_version": "LP-AUTODEBIT-2026-12",
    } | overrides


def test_binding_answers_the_masked_card_and_stores_the_consent(api, borrower, fake):
    response = api.post(path(borrower), body(borrower), format="json")

    assert response.status_code == 201, response.content
    binding = CardBinding.objects.get(borrower=borrower)
    assert response.json() == {
        "id": binding.pk,
        "borrower": borrower.pk,
        "status": "ACTIVE",
        "card_number_masked": crypto.mask_bank_card(CARD),
        "agreement_version": "LP-AUTODEBIT-2026-12",
        "consent_at": "2026-12-02T10:15:00+08:00",
        "created_at": response.json()["created_at"],
        "revoked_at": None,
    }
    assert CARD not in response.content.decode()
    assert binding.channel == CardBindingChannel.PARTNER
    assert binding.consent_ip == "203.0.113.7"
    assert binding.consent_user_agent == "PartnerApp/5.2"
    assert fake.agreements == {binding.agreement_reference: CARD}


def test_reading_the_binding(api, borrower):
    assert_error(api.get(path(borrower)), 404, "not_found")
    api.post(path(borrower), body(borrower), format="json")

    response = api.get(path(borrower))

    assert response.status_code == 200
    assert response.json()["status"] == "ACTIVE"
    assert response.json()["card_number_masked"] == crypto.mask_bank_card(CARD)


def test_switching_off_answers_the_revoked_binding(api, borrower, fake):
    api.post(path(borrower), body(borrower), format="json")

    response = api.delete(path(borrower))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "REVOKED"
    assert response.json()["revoked_at"] is not None
    binding = CardBinding.objects.get(borrower=borrower)
    assert binding.status == CardBindingStatus.REVOKED
    assert binding.revoked_channel == CardBindingChannel.PARTNER
    assert api.get(path(borrower)).json()["status"] == "REVOKED"
    assert_error(api.delete(path(borrower)), 404, "not_found")


def test_a_card_failing_luhn_is_a_field_error(api, borrower, fake):
    wrong = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)

    response = api.post(path(borrower), body(borrower, card_number=wrong), format="json")

    assert_error(response, 400, "invalid", ["card_number"])
    assert not CardBinding.objects.exists()
    assert fake.agreements == {}


def test_a_holder_other_than_the_borrower_is_refused(api, acme, borrower, fake):
    someone = partner_borrower(acme.partner)
    other_id = crypto.decrypt(someone.id_number_ciphertext)

    response = api.post(
        path(borrower), body(borrower, holder_name="李四", holder_id_number=other_id), format="json"
    )

    assert_error(response, 400, "invalid", ["holder_id_number", "holder_name"])
    assert not CardBinding.objects.exists()


def test_a_refusal_of_the_bank_is_422_and_nothing_is_stored(api, borrower, fake):
    FakeGateway.script(CARD, closed=True)

    response = api.post(path(borrower), body(borrower), format="json")

    error = assert_error(response, 422, "card_binding_refused")
    assert error["error"]["message"] == "The bank says this card is not valid."
    assert not CardBinding.objects.exists()


def test_a_second_card_is_refused_while_one_is_active(api, borrower):
    api.post(path(borrower), body(borrower), format="json")

    response = api.post(
        path(borrower), body(borrower, card_number=make_bank_card(number=4243)), format="json"
    )

    assert_error(response, 422, "card_binding_active")
    assert CardBinding.objects.count() == 1


def test_missing_consent_fields_are_field_errors(api, borrower):
    response = api.post(
        path(borrower),
        {k: v for k, v in body(borrower).items() if k not in {"consent_at", "agreement_version"}},
        format="json",
    )

    assert_error(response, 400, "invalid", ["agreement_version", "consent_at"])


def test_another_partners_borrower_is_404(api, other, fake):
    theirs = partner_borrower(other.partner)

    for response in (
        api.post(path(theirs), body(theirs), format="json"),
        api.get(path(theirs)),
        api.delete(path(theirs)),
    ):
        assert_error(response, 404, "not_found")
    assert not CardBinding.objects.exists()
    assert fake.agreements == {}


def test_a_token_without_the_borrowers_scope_is_403(client_for, business_date, product):
    partner = api_partner(token_scopes=["loans:read"])
    borrower = partner_borrower(partner.partner)

    response = client_for(partner).post(path(borrower), body(borrower), format="json")

    assert_error(response, 403, "permission_denied")
    assert not CardBinding.objects.exists()


def test_an_idempotent_retry_binds_once(api, borrower, fake):
    headers = {"HTTP_IDEMPOTENCY_KEY": "bind-1"}

    first = api.post(path(borrower), body(borrower), format="json", **headers)
    second = api.post(path(borrower), body(borrower), format="json", **headers)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert CardBinding.objects.count() == 1
    assert len(fake.agreements) == 1
