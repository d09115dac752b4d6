"""Officers see a borrower's auto-debit state (PRODUCT §11): on the loan page and the borrower's
admin page, the card masked, since when, the consent; never the card number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import crypto
from accounts.roles import LOAN_OFFICER
from loans.payments.card_bindings import CardConsent, card_binding_create, card_binding_revoke
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import CardBinding, CardBindingChannel
from loans.servicing.models import Loan
from tests.factories.accounts import make_bank_card
from tests.functional.backoffice.conftest import client_for

pytestmark = pytest.mark.django_db

CARD = make_bank_card(number=3131)


@pytest.fixture(autouse=True)
def fake(settings):
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=1)
    yield FakeGateway()
    FakeGateway.reset()


def bind(loan: Loan) -> CardBinding:
    borrower = loan.borrower
    return card_binding_create(
        borrower=borrower,
        card_number=CARD,
        holder_name=borrower.full_name,
        holder_id_number=crypto.decrypt(borrower.id_number_ciphertext),
        consent=CardConsent(
            at=borrower.created_at,
            ip="203.0.113.9",
            user_agent="Mozilla/5.0",
            agreement_version="LP-AUTODEBIT-2026-12",
        ),
        channel=CardBindingChannel.PORTAL,
    )


def desk(staff, loan: Loan) -> str:
    url = reverse("admin:servicing_loan_desk", args=[loan.pk])
    response = client_for(staff[LOAN_OFFICER]).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_loan_page_says_off_without_a_card(staff, loan):
    assert "Off: no card bound" in desk(staff, loan)


def test_the_loan_page_shows_the_active_card_masked_with_its_consent(staff, loan):
    binding = bind(loan)

    content = desk(staff, loan)

    assert f"On: card {binding.card_number_masked} since" in content
    assert "agreement LP-AUTODEBIT-2026-12 accepted" in content
    assert "(Portal)" in content
    assert CARD not in content


def test_the_loan_page_shows_a_card_switched_off(staff, loan):
    binding = card_binding_revoke(binding=bind(loan), channel=CardBindingChannel.PORTAL)

    content = desk(staff, loan)

    assert f"Off: card {binding.card_number_masked} switched off" in content


def test_the_borrowers_admin_page_lists_the_bindings_read_only(staff, loan):
    binding = bind(loan)

    url = reverse("admin:accounts_borrower_change", args=[loan.borrower_id])
    response = client_for(staff[LOAN_OFFICER]).get(url)
    content = response.content.decode()

    assert response.status_code == 200
    assert binding.card_number_masked in content
    assert "LP-AUTODEBIT-2026-12" in content
    assert "203.0.113.9" in content
    assert CARD not in content
    assert 'name="card_bindings-0-status"' not in content  # shown, not editable
