"""Close of business applies a held advance, then works on what is left (issue #20).

The night reads the chunk's installments once (``cob_installment``); an advance applied by the
night pays installments after that read, so the loans it touched are read again before days
past due, penalty and accrual are worked out.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import Installment, Loan, LoanEvent, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db


def _close(*days: date) -> None:
    """Close these nights (the nights between change nothing this test looks at: accrual
    catches up, nothing is late)."""
    for day in days:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        run = cob_run_open(business_date=day)
        for chunk_id in run.chunks.values_list("id", flat=True):
            cob_chunk_process(chunk_id=chunk_id)
        cob_run_finish(run_id=run.pk)


def _around(due: date) -> tuple[date, date, date]:
    """The night before a due date (its interest all accrued), the due date's, the next."""
    return due - timedelta(days=1), due, due + timedelta(days=1)


def _owed(row: Installment) -> Decimal:
    return (
        row.principal_amount - row.principal_paid_amount
        + row.interest_accrued_amount - row.interest_paid_amount
        + row.fee_charged_amount - row.fee_paid_amount
    )  # fmt: skip


def test_an_advance_paid_installment_is_neither_overdue_nor_charged(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="3000.00", term=3)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    first, second, third = Installment.objects.filter(loan=loan).order_by("number")
    _close(first.due_date - timedelta(days=1))
    first.refresh_from_db()
    # On the first due date: what is due, and 1,200.00 more, held as an advance (more than the
    # second installment, less than the payoff).
    repayment_post(
        loan=loan, amount=_owed(first) + Decimal("1200.00"), value_date=first.due_date,
        as_of=first.due_date, channel=RepaymentChannel.PORTAL,
    )  # fmt: skip
    loan.refresh_from_db()
    assert loan.advance_amount == Decimal("1200.00")

    _close(first.due_date, *_around(second.due_date))

    second.refresh_from_db()
    loan.refresh_from_db()
    assert second.paid_date == second.due_date  # paid by the night's advance
    assert loan.advance_amount == Decimal("1200.00") - (
        second.principal_amount + second.interest_amount
    )
    assert (loan.days_past_due, loan.bucket, loan.status) == (0, "CURRENT", "ACTIVE")
    assert second.penalty_charged_amount == 0
    assert not LoanEvent.objects.filter(loan=loan, event_type="installment.overdue").exists()
    assert JournalEntry.objects.filter(entry_type=EntryType.ADVANCE_APPLIED).count() == 1

    # The rest of the advance goes to the third installment on its due date; the rest of that
    # installment is late from the next day.
    _close(*_around(third.due_date))
    third.refresh_from_db()
    loan.refresh_from_db()
    assert loan.advance_amount == 0
    assert third.paid_date is None
    assert third.interest_accrued_amount == third.interest_amount
    assert (loan.days_past_due, loan.bucket) == (1, "M1")
    assert LoanEvent.objects.filter(
        loan=loan, event_type="installment.overdue", installment_number=3
    ).exists()
    assert_books_reconcile()
    assert Loan.objects.filter(status="ACTIVE").count() == 1
