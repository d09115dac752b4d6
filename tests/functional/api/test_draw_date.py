"""A draw whose business date moved on while the request ran (close of business finished in
between) is refused: 422 ``draw_date_not_open``, nothing written (issue #17)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loans.api.models import IdempotencyRecord
from loans.servicing.models import CreditLine, Loan
from tests.factories.api import assert_error, partner_borrower
from tests.factories.loans import credit_line_for
from tests.functional.api.test_loans import _draw_body

pytestmark = pytest.mark.django_db


def test_a_draw_dated_off_the_open_business_date_is_422(api, acme, monkeypatch):
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, limit=Decimal("20000.00"))
    # The view read the date before close of business moved it to 2027-01-15 (business_date).
    monkeypatch.setattr("loans.api.views.loans.business_date_current", lambda: date(2027, 1, 14))

    response = api.post(
        "/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="moved"
    )

    body = assert_error(response, 422, "draw_date_not_open", [])
    assert body["error"]["message"] == (
        "A loan is drawn on the open business date 2027-01-15, not on 2027-01-14; "
        "nothing was drawn."
    )
    assert not Loan.objects.exists()
    assert CreditLine.objects.get(borrower=borrower).used_amount == 0
    assert not IdempotencyRecord.objects.exists()
