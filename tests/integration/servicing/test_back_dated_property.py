"""Property (issue #17): a repayment posted late, with a value date before nights already
closed, leaves the books exactly as the same repayment made on its value date followed by the
same close-of-business nights: every installment's penalty, interest, fees and principal to the
fen, the loan's balances, status, days past due and bucket; and the books reconcile.

Two equal loans are drawn; close of business (loans.cob, the real nightly steps) runs for both.
The reference is paid on the value date; the other after ``back`` more nights, back-dated.
Each example is a database savepoint rolled back at its end. A close of business costs tens of
milliseconds a night, so the examples are fewer than the project's 1,000 for pure math.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from loans.calendar.models import BusinessDate
from loans.domain.schedule import RepaymentMethod
from loans.servicing.models import LoanStatus
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile
from tests.integration.servicing.nights_helpers import books_of, close_through, pay

pytestmark = pytest.mark.django_db

START = date(2027, 2, 12)  # 3 days before the first due date of a loan drawn on DRAW_DATE
EXAMPLES = 25


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    principal=st.integers(1_000, 20_000).map(Decimal),
    term=st.sampled_from([3, 6, 12]),
    method=st.sampled_from([RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL]),
    days_after_start=st.integers(0, 40),
    back=st.integers(1, 8),
    amount=st.integers(1, 2_500_000).map(lambda fen: Decimal(fen) / 100),
)
def test_a_back_dated_repayment_equals_the_same_repayment_on_its_value_date(
    principal, term, method, days_after_start, back, amount
):
    value_date = START + timedelta(days=days_after_start)
    posted_on = value_date + timedelta(days=back)
    note(f"value date {value_date}, posted on {posted_on}, amount {amount}")
    with transaction.atomic():
        loan, reference = (
            draw(principal=str(principal), term=term, method=method) for _ in range(2)
        )
        # The nights before START only accrue interest, which the first night catches up.
        BusinessDate.objects.filter(id=1).update(current_date=START)
        close_through(START, value_date - timedelta(days=1))
        pay(reference, amount, value_date, as_of=value_date)
        close_through(value_date, posted_on - timedelta(days=1))

        pay(loan, amount, value_date, as_of=posted_on)

        assert books_of(loan) == books_of(reference)
        loan.refresh_from_db()
        reference.refresh_from_db()
        if reference.status == LoanStatus.ACTIVE:
            expected = (reference.days_past_due, reference.bucket)
        else:  # close of business leaves a closed loan's days as they were; the replay cures
            expected = (0, "CURRENT")
        assert (loan.days_past_due, loan.bucket) == expected
        assert_books_reconcile()
        transaction.set_rollback(True)
