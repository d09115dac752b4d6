"""A back-dated repayment or a reversal replays the closed nights since its value date:
penalty, days past due and bucket as well as interest (issue #17, PRODUCT §2.4, §2.5).

The issue's case: a loan paid with value date D-1 after the close of business of D kept the
penalty charged on D, and the payment went to that penalty, leaving principal unpaid.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loans.events.models import OutboxEvent
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import Installment, Loan, LoanEvent, RepaymentStatus
from loans.servicing.services.repayments import repayment_reverse
from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.books import assert_books_reconcile
from tests.integration.servicing.nights_helpers import books_of, close_through, pay

pytestmark = pytest.mark.django_db

DUE = date(2027, 2, 15)  # installment 1 of the loan below: 150.00 interest + 766.80 principal
FIRST_PAST_GRACE = date(2027, 2, 19)  # 4 days past due: 4 days of penalty charged at once
TODAY = date(2027, 2, 20)


@pytest.fixture
def loans() -> tuple[Loan, Loan]:
    """Two equal loans (¥10,000, 18%, 12 months from 2027-01-15, 916.80 a month) closed
    through 2027-02-19: installment 1 is 4 days past due and has 4 days of penalty."""
    business_date_set(DRAW_DATE)
    first, twin = draw(principal="10000.00", term=12), draw(principal="10000.00", term=12)
    close_through(DRAW_DATE, FIRST_PAST_GRACE)
    return first, twin


def _one(loan: Loan) -> Installment:
    return Installment.objects.get(loan=loan, number=1)


def test_the_nights_closed_are_as_the_fixture_says(loans):
    loan, _ = loans
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.bucket) == (4, "M1")
    # round(766.80 * min(0.18 * 1.5, 0.24) / 360) = round(0.5112) = 0.51 a day, 4 days at once
    assert _one(loan).penalty_charged_amount == Decimal("2.04")


def test_a_payment_valued_before_the_penalty_night_undoes_that_penalty(loans):
    loan, _ = loans

    repayment = pay(loan, "916.80", date(2027, 2, 18), as_of=TODAY)  # D-1, D = 02-19

    one = _one(loan)
    assert repayment.allocation["parts"] == [
        {"number": 1, "component": "INTEREST", "amount": "150.00"},
        {"number": 1, "component": "PRINCIPAL", "amount": "766.80"},
    ]
    assert (one.principal_paid_amount, one.penalty_charged_amount) == (Decimal("766.80"), 0)
    assert one.paid_date == date(2027, 2, 18)
    loan.refresh_from_db()
    assert loan.penalty_receivable_amount == 0
    # The cure shows at once, not after the next close of business.
    assert (loan.days_past_due, loan.bucket) == (0, "CURRENT")
    event = LoanEvent.objects.get(loan=loan, event_type="loan.bucket_changed", restated=True)
    assert (event.business_date, event.data) == (
        FIRST_PAST_GRACE,
        {"from": "M1", "to": "CURRENT", "days_past_due": 0},
    )
    # The penalty of 2027-02-19 is undone by an entry of that night: Dr income, Cr receivable.
    undone = JournalEntry.objects.get(
        loan=loan, entry_type=EntryType.PENALTY, value_date=FIRST_PAST_GRACE
    )
    assert {(line.account, line.amount) for line in undone.lines.all()} == {
        ("PENALTY_RECEIVABLE", Decimal("-2.04")),
        ("PENALTY_INCOME", Decimal("2.04")),
    }
    assert_books_reconcile()


def test_a_reversal_charges_the_penalty_of_the_nights_it_uncovers(loans):
    loan, twin = loans
    repayment = pay(loan, "916.80", date(2027, 2, 18), as_of=TODAY)
    assert _one(loan).penalty_charged_amount == 0

    repayment_reverse(repayment=repayment, as_of=TODAY)

    repayment.refresh_from_db()
    assert repayment.status == RepaymentStatus.REVERSED
    # Without the payment the loan is as its twin, which nobody paid: to the fen.
    assert books_of(loan) == books_of(twin)
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.bucket) == (4, "M1")
    assert _one(loan).penalty_charged_amount == Decimal("2.04")
    events = LoanEvent.objects.filter(loan=loan, restated=True).order_by("id")
    assert [e.data["to"] for e in events] == ["CURRENT", "M1"]
    assert_books_reconcile()


def test_a_partner_hears_of_the_restated_bucket_at_once():
    business_date_set(DRAW_DATE)
    partner = api_partner().partner
    loan = partner_loan(partner, principal="10000.00", term=12)
    close_through(DRAW_DATE, FIRST_PAST_GRACE)

    pay(loan, "916.80", date(2027, 2, 18), as_of=TODAY)

    sent = OutboxEvent.objects.get(loan=loan, event_type="loan.bucket_changed", data__restated=True)
    assert sent.data == {
        "loan": loan.pk,
        "business_date": "2027-02-19",
        "from": "M1",
        "to": "CURRENT",
        "days_past_due": 0,
        "restated": True,
    }
