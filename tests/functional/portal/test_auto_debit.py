"""The portal's auto-debit page (PRODUCT §11): bind one card with consent, switch it off."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import crypto
from accounts.models import Borrower
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import CardBinding, CardBindingChannel, CardBindingStatus
from tests.factories.accounts import make_bank_card
from tests.functional.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

CARD = make_bank_card(number=901)
PAGE = "/app/auto-debit/"


@pytest.fixture(autouse=True)
def fake(settings):
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=1)
    yield FakeGateway()
    FakeGateway.reset()


def form(borrower: Borrower, **overrides: str) -> dict[str, str]:
    return {
        "card_number": " ".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]]),
        "holder_name": borrower.full_name,
        "holder_id_number": crypto.decrypt(borrower.id_number_ciphertext),
        "agree": "on",
    } | overrides


def test_the_page_is_where_the_urls_say(borrower):
    assert reverse("portal:auto_debit") == PAGE
    assert reverse("portal:auto_debit_off") == PAGE + "off/"


def test_without_a_card_the_page_offers_the_agreement_and_the_form(client_en, borrower):
    page = client_en.get(PAGE)

    assert page.status_code == 200
    assert "Auto-debit agreement (LP-AUTODEBIT-2026-12)" in page.text
    assert 'name="card_number"' in page.text
    assert 'name="agree"' in page.text
    assert "no-store" in page["Cache-Control"]


def test_binding_a_card_stores_it_with_the_consent_and_shows_it_masked(client_en, borrower, fake):
    response = client_en.post(
        PAGE, form(borrower), HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", REMOTE_ADDR="198.51.100.4"
    )

    assert response.status_code == 302
    assert response["Location"] == PAGE
    binding = CardBinding.objects.get(borrower=borrower)
    assert binding.status == CardBindingStatus.ACTIVE
    assert binding.channel == CardBindingChannel.PORTAL
    assert crypto.decrypt(binding.card_number_ciphertext) == CARD
    assert binding.consent_ip == "198.51.100.4"
    assert binding.consent_user_agent == "Mozilla/5.0 (iPhone)"
    assert binding.agreement_version == "LP-AUTODEBIT-2026-12"
    assert fake.agreements == {binding.agreement_reference: CARD}
    page = client_en.get(PAGE)
    assert binding.card_number_masked in page.text
    assert CARD not in page.text
    assert "Switch auto-debit off" in page.text
    assert 'name="card_number"' not in page.text
    profile = client_en.get(reverse("portal:profile"))
    assert binding.card_number_masked in profile.text


def test_without_the_consent_nothing_is_bound(client_en, borrower, fake):
    response = client_en.post(PAGE, form(borrower, agree=""))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not CardBinding.objects.exists()
    assert fake.agreements == {}


def test_a_card_failing_luhn_is_refused_on_its_field(client_en, borrower, fake):
    wrong = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)

    response = client_en.post(PAGE, form(borrower, card_number=wrong))

    assert response.status_code == 200
    assert "The bank card number fails its check digit (Luhn); check for a typo." in response.text
    assert 'id="id_card_number_error"' in response.text
    assert not CardBinding.objects.exists()
    assert fake.agreements == {}


def test_a_holder_other_than_the_borrower_is_refused(client_en, borrower, fake):
    response = client_en.post(PAGE, form(borrower, holder_name="李四"))

    assert response.status_code == 200
    assert "The card holder&#x27;s name must be the borrower&#x27;s own." in response.text
    assert not CardBinding.objects.exists()


def test_a_refusal_of_the_bank_is_shown_and_nothing_is_bound(client_en, borrower, fake):
    FakeGateway.script(CARD, frozen=True)

    response = client_en.post(PAGE, form(borrower))

    assert response.status_code == 200
    assert "The bank says this card is frozen." in response.text
    assert not CardBinding.objects.exists()


def test_switching_off_keeps_the_history_and_offers_the_form_again(client_en, borrower, fake):
    client_en.post(PAGE, form(borrower))

    response = client_en.post(PAGE + "off/")

    assert response.status_code == 302
    binding = CardBinding.objects.get(borrower=borrower)
    assert binding.status == CardBindingStatus.REVOKED
    assert binding.revoked_channel == CardBindingChannel.PORTAL
    page = client_en.get(PAGE)
    assert "Auto-debit is off. You pay your installments yourself." in page.text
    assert 'name="card_number"' in page.text


def test_switching_off_needs_a_post(client_en, borrower):
    client_en.post(PAGE, form(borrower))

    assert client_en.get(PAGE + "off/").status_code == 405
    assert CardBinding.objects.get(borrower=borrower).status == CardBindingStatus.ACTIVE


def test_the_page_speaks_chinese(user, borrower):
    page = signed_in(user, language="zh-hans").get(PAGE)

    assert page.status_code == 200
    assert "自动扣款" in page.text
    assert "开通自动扣款" in page.text


def test_a_user_without_a_profile_is_sent_to_complete_it(client_en):
    response = client_en.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")
