"""Borrowing in the portal: the live quote, the contract, acceptance by signature and consent,
and every refusal leaving nothing behind (issue #5; PRODUCT §2.2, §6)."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.servicing.models import CreditLine, Loan, LoanStatus

pytestmark = pytest.mark.django_db

TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}
DRAW_TOKEN = "single-use-token-of-the-form"  # what the contract page puts in its hidden field


def contract_hash(client: Client, terms: dict[str, str] = TERMS) -> str:
    page = client.get(reverse("portal:contract"), terms).text
    found = re.search(r'name="text_hash" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def nothing_drawn(borrower: Borrower) -> None:
    assert Loan.objects.count() == 0
    assert CreditLine.objects.get(borrower=borrower).used_amount == Decimal("0.00")


def test_borrow_page_shows_the_quote_with_the_apr_first(client_en: Client, borrower: Borrower):
    page = client_en.get(reverse("portal:borrow"), TERMS).text

    assert page.index("Annualized rate (APR)") < page.index("Total interest")
    assert 'class="apr">11.' in page or 'class="apr">10.' in page
    assert "¥5,000.00" in page
    assert page.count("<tr") == 13  # the header and 12 installments
    assert "js/quote.js" in page


def test_the_quote_fragment_follows_the_inputs(client_en: Client, borrower: Borrower):
    six = client_en.get(reverse("portal:borrow_quote"), TERMS | {"term": "6"}).text
    twelve = client_en.get(reverse("portal:borrow_quote"), TERMS).text

    assert six.count("<tr") == 7
    assert twelve.count("<tr") == 13
    assert "<html" not in six


def test_contract_shows_the_terms_and_signing_draws_an_active_loan(
    client_en: Client, borrower: Borrower, django_capture_on_commit_callbacks
):
    page = client_en.get(reverse("portal:contract"), TERMS).text
    assert "Loan contract" in page
    assert borrower.id_number_masked in page
    text_hash = contract_hash(client_en)

    token = re.search(r'name="draw_token" value="([A-Za-z0-9_-]{16,64})"', page)
    assert token is not None

    with django_capture_on_commit_callbacks(execute=True):  # the payout is sent after commit
        response = client_en.post(
            reverse("portal:contract"),
            TERMS
            | {
                "signature_name": borrower.full_name,
                "consent": "on",
                "text_hash": text_hash,
                "draw_token": token.group(1),
            },
        )

    loan = Loan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:loan", args=[loan.pk])
    assert loan.status == LoanStatus.ACTIVE
    assert loan.principal_amount == Decimal("5000.00")
    assert loan.term == 12
    assert loan.contract_hash == text_hash
    assert loan.signature_name == borrower.full_name
    assert loan.accepted_ip == "127.0.0.1"
    assert loan.payout.status == "SETTLED"
    assert CreditLine.objects.get().used_amount == Decimal("5000.00")
    page = client_en.get(response["Location"]).text
    assert "Annualized rate (APR)" in page
    assert page.count('<tr class="paid"') == 0


def test_an_amount_above_the_available_limit_is_refused(client_en: Client, borrower: Borrower):
    too_much = TERMS | {"amount": "20000.01"}

    response = client_en.post(
        reverse("portal:contract"),
        too_much
        | {"signature_name": borrower.full_name, "consent": "on", "text_hash": "0" * 64}
        | {"draw_token": DRAW_TOKEN},
    )

    assert "You can borrow at most ¥20,000.00." in response.text
    nothing_drawn(borrower)


def test_an_amount_below_100_is_refused(client_en: Client, borrower: Borrower):
    page = client_en.get(reverse("portal:borrow"), TERMS | {"amount": "99.99"}).text

    assert "Borrow at least ¥100.00." in page
    nothing_drawn(borrower)


def test_a_wrong_signature_or_no_consent_draws_nothing(client_en: Client, borrower: Borrower):
    text_hash = contract_hash(client_en)

    wrong_name = client_en.post(
        reverse("portal:contract"),
        TERMS
        | {
            "signature_name": "李四",
            "consent": "on",
            "text_hash": text_hash,
            "draw_token": DRAW_TOKEN,
        },
    )
    no_consent = client_en.post(
        reverse("portal:contract"),
        TERMS
        | {"signature_name": borrower.full_name, "text_hash": text_hash, "draw_token": DRAW_TOKEN},
    )

    assert "Type your full name exactly as in your profile." in wrong_name.text
    assert 'id="id_consent_error"' in no_consent.text
    nothing_drawn(borrower)


def test_a_contract_that_changed_since_it_was_read_is_not_signed(
    client_en: Client, borrower: Borrower
):
    shown_for_6_months = contract_hash(client_en, TERMS | {"term": "6"})

    response = client_en.post(
        reverse("portal:contract"),
        TERMS
        | {"signature_name": borrower.full_name, "consent": "on", "text_hash": shown_for_6_months}
        | {"draw_token": DRAW_TOKEN},
    )

    assert "The terms have changed since you read them." in response.text
    nothing_drawn(borrower)


def test_without_a_credit_line_borrowing_sends_to_the_application(client_en: Client, user):
    from tests.functional.portal.conftest import borrower_for

    borrower_for(user, line=False)

    response = client_en.get(reverse("portal:borrow"))

    assert response["Location"] == reverse("portal:credit")
