"""The portal's answer when the business date moves while a borrower signs (issue #17): the
draw is refused (a loan is drawn only on the open business date), nothing is written, and the
borrower is sent back to read the contract of the new date."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.servicing.models import CreditLine, Loan
from tests.functional.portal.test_borrow import TERMS

pytestmark = pytest.mark.django_db


def test_a_signature_posted_after_the_date_moved_draws_nothing_and_says_why(
    client_en: Client, borrower: Borrower, monkeypatch
):
    # The views still read 2027-01-14; the database's open date is already 2027-01-15.
    monkeypatch.setattr(
        "loans.portal.views.borrow.business_date_current", lambda: date(2027, 1, 14)
    )
    page = client_en.get(reverse("portal:contract"), TERMS).text
    fields = dict(re.findall(r'name="(text_hash|draw_token)" value="([^"]+)"', page))
    form = TERMS | fields | {"signature_name": borrower.full_name, "consent": "on"}

    response = client_en.post(reverse("portal:contract"), form)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:contract") + "?")
    assert "signature_name" not in response["Location"]
    assert not Loan.objects.exists()
    assert CreditLine.objects.get(borrower=borrower).used_amount == Decimal("0.00")
    shown = client_en.get(response["Location"]).text
    assert "The business day changed while you were signing. Nothing was drawn" in shown
