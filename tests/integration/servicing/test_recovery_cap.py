"""A recovery is limited to what was written off and not yet recovered (PRODUCT §3, issue #17).

The rest of a larger amount is the borrower's money: an overpayment liability in the same entry,
refundable through the overpayment refund.
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.roles import ADMINISTRATOR, LOAN_OFFICER, roles_sync, staff_member_create
from loans.approvals.services.maker_checker import approval_approve, write_off_request
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import Loan, LoanStatus
from loans.servicing.services.collections import (
    RefundRefused,
    overpayment_refund,
    recovery_post,
)
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

WRITE_OFF_DAY, LATER = date(2027, 8, 1), date(2027, 9, 1)


@pytest.fixture
def officers() -> tuple[User, User]:
    roles_sync()
    return (
        staff_member_create(username="maker", password="x", role=ADMINISTRATOR),
        staff_member_create(username="checker", password="x", role=LOAN_OFFICER),
    )


@pytest.fixture
def written_off(officers) -> Loan:
    """¥3,000 of principal written off (no interest accrued: nothing else was owed)."""
    loan = draw(principal="3000.00", term=3)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=180)  # as close of business would
    maker, checker = officers
    request = write_off_request(loan=loan, officer=maker, as_of=WRITE_OFF_DAY, reason="180 DPD")
    approval_approve(request=request, officer=checker, as_of=WRITE_OFF_DAY)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    return loan


def _lines(entry: JournalEntry) -> dict[str, Decimal]:
    return {line.account: line.amount for line in entry.lines.all()}


def test_a_recovery_beyond_the_written_off_amount_is_an_overpayment(officers, written_off):
    recovery_post(loan=written_off, amount=Decimal("99999.00"), as_of=LATER, user=officers[0])

    entry = JournalEntry.objects.get(loan=written_off, entry_type=EntryType.RECOVERY)
    assert _lines(entry) == {
        "CASH": Decimal("99999.00"),
        "RECOVERIES": Decimal("-3000.00"),
        "OVERPAYMENT_LIABILITY": Decimal("-96999.00"),
    }
    written_off.refresh_from_db()
    assert written_off.overpayment_amount == Decimal("96999.00")
    assert_books_reconcile()

    overpayment_refund(loan=written_off, amount=Decimal("96999.00"), as_of=LATER)

    written_off.refresh_from_db()
    assert written_off.overpayment_amount == Decimal("0.00")
    refund = JournalEntry.objects.get(loan=written_off, entry_type=EntryType.REFUND)
    assert _lines(refund) == {
        "OVERPAYMENT_LIABILITY": Decimal("96999.00"),
        "CASH": Decimal("-96999.00"),
    }
    assert_books_reconcile()


def test_recoveries_are_capped_by_what_is_left_to_recover(officers, written_off):
    recovery_post(loan=written_off, amount=Decimal("2500.00"), as_of=LATER, user=officers[0])
    recovery_post(loan=written_off, amount=Decimal("800.00"), as_of=LATER, user=officers[0])

    second = JournalEntry.objects.filter(loan=written_off, entry_type=EntryType.RECOVERY).latest(
        "id"
    )
    assert _lines(second) == {
        "CASH": Decimal("800.00"),
        "RECOVERIES": Decimal("-500.00"),
        "OVERPAYMENT_LIABILITY": Decimal("-300.00"),
    }
    # Fully recovered: the next one is all overpayment.
    recovery_post(loan=written_off, amount=Decimal("10.00"), as_of=LATER, user=officers[0])
    third = JournalEntry.objects.filter(loan=written_off, entry_type=EntryType.RECOVERY).latest(
        "id"
    )
    assert _lines(third) == {
        "CASH": Decimal("10.00"),
        "OVERPAYMENT_LIABILITY": Decimal("-10.00"),
    }
    written_off.refresh_from_db()
    assert written_off.overpayment_amount == Decimal("310.00")
    with pytest.raises(RefundRefused):
        overpayment_refund(loan=written_off, amount=Decimal("310.01"), as_of=LATER)
    assert_books_reconcile()
