"""A borrower is past due for a new draw only after the pay-by date (PRODUCT §12)."""

from datetime import date

import pytest

from loans.calendar.services import calendar_year_load
from loans.servicing.selectors import PastDue, borrower_past_due
from tests.factories.loans import draw

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("with_calendar", [True, False])
def test_an_installment_due_in_the_spring_festival_is_not_past_due_until_11_february(
    with_calendar, django_capture_on_commit_callbacks
):
    if with_calendar:
        calendar_year_load(year=2027)
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="3000.00", term=3, as_of=date(2027, 1, 7))  # due 7 February
    late = PastDue(loan_id=loan.pk, due_date=date(2027, 2, 7))

    on_11th = borrower_past_due(borrower=loan.borrower, as_of=date(2027, 2, 11))
    on_12th = borrower_past_due(borrower=loan.borrower, as_of=date(2027, 2, 12))

    assert on_11th == (None if with_calendar else late)
    assert on_12th == late
