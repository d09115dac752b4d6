"""Holes of issue #16 in the portal: no new credit while late (the borrow page says why), and
one signature drawing one loan however often the signed form is sent."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.servicing.models import CreditLine, Loan, RepaymentChannel
from loans.servicing.selectors import loan_amounts_due
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import draw
from tests.functional.portal.test_borrow import TERMS

pytestmark = pytest.mark.django_db

FIRST_DUE = date(2027, 2, 15)  # of a loan drawn on the portal's TODAY, 2027-01-15


def _signed_form(client: Client, borrower: Borrower) -> dict[str, str]:
    page = client.get(reverse("portal:contract"), TERMS).text
    fields = dict(re.findall(r'name="(text_hash|draw_token)" value="([^"]+)"', page))
    assert set(fields) == {"text_hash", "draw_token"}
    return TERMS | fields | {"signature_name": borrower.full_name, "consent": "on"}


def test_a_resubmitted_signed_form_shows_the_loan_already_made(
    client_en: Client, borrower: Borrower, django_capture_on_commit_callbacks
):
    form = _signed_form(client_en, borrower)

    with django_capture_on_commit_callbacks(execute=True):
        first = client_en.post(reverse("portal:contract"), form)
        again = client_en.post(reverse("portal:contract"), form)

    loan = Loan.objects.get()
    assert first["Location"] == again["Location"] == reverse("portal:loan", args=[loan.pk])
    assert loan.draw_key == form["draw_token"]
    assert CreditLine.objects.get().used_amount == Decimal("5000.00")
    page = client_en.get(again["Location"]).text
    assert "You signed this contract already: here is the loan it made." in page


def test_a_new_contract_page_gives_a_new_token_and_draws_a_second_loan(
    client_en: Client, borrower: Borrower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_en.post(reverse("portal:contract"), _signed_form(client_en, borrower))
        client_en.post(reverse("portal:contract"), _signed_form(client_en, borrower))

    assert Loan.objects.count() == 2


def _late(borrower: Borrower) -> Loan:
    loan = draw(borrower, principal="3000.00", term=6, as_of=date(2027, 1, 15))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 2, 16))
    return loan


def test_a_late_borrower_is_told_why_and_offered_no_form(client_en: Client, borrower: Borrower):
    loan = _late(borrower)

    page = client_en.get(reverse("portal:borrow"), TERMS).text
    quote = client_en.get(reverse("portal:borrow_quote"), TERMS)
    contract = client_en.get(reverse("portal:contract"), TERMS)

    assert "An installment due on Feb. 15, 2027 is unpaid." in page
    assert reverse("portal:repay", args=[loan.pk]) in page
    assert 'id="borrow-form"' not in page
    assert "Available to you" not in page
    assert quote.status_code == 404
    assert contract["Location"] == reverse("portal:borrow")


def test_a_late_borrower_reads_why_in_chinese(user, borrower: Borrower):
    from tests.functional.portal.conftest import signed_in

    _late(borrower)

    page = signed_in(user, "zh-hans").get(reverse("portal:borrow")).text

    assert "2027年2月15日到期的一期尚未还清" in page


def test_repaying_what_is_late_opens_borrowing_again_at_once(client_en: Client, borrower: Borrower):
    loan = _late(borrower)
    day = date(2027, 1, 15)
    while day < date(2027, 2, 16):  # the nights' accrual, as close of business posts it
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)
    repayment_post(
        loan=loan,
        amount=loan_amounts_due(loan=loan, as_of=date(2027, 2, 16)).overdue,
        value_date=date(2027, 2, 16),
        as_of=date(2027, 2, 16),
        channel=RepaymentChannel.PORTAL,
    )

    page = client_en.get(reverse("portal:borrow"), TERMS).text

    assert 'id="borrow-form"' in page
    assert "is unpaid" not in page
