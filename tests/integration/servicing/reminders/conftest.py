"""Helpers for the reminder tests: Beijing clock times, queueing one loan, the SMS outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Borrower
from loans.servicing.models import Installment, Loan, RepaymentChannel
from loans.servicing.notifications import LocmemSmsBackend, SmsMessage
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.reminders import reminders_queue
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import borrower_create
from tests.factories.loans import DRAW_DATE, credit_line_for

BEIJING = ZoneInfo("Asia/Shanghai")
# A loan drawn 2027-01-15 (¥10,000, 18%, 12 months): installment 1 of ¥916.80 due 2027-02-15.
DUE = date(2027, 2, 15)
EMAIL = "borrower@example.com"


def beijing(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def borrower_with_contacts(**overrides: object) -> Borrower:
    borrower = borrower_create(**({"email": EMAIL} | overrides))
    credit_line_for(borrower)
    return borrower


def queue(loan: Loan, day: date, *, now: datetime | None = None) -> int:
    """Queue one loan's reminders for ``day`` as COB would, at 10:00 Beijing unless told."""
    return reminders_queue(
        first_loan_id=loan.pk,
        last_loan_id=loan.pk,
        business_date=day,
        now=now or beijing(day, 10),
    )


def pay_first_installment(loan: Loan, *, on: date = DUE) -> Installment:
    """Accrue the first period's interest and pay installment 1 (¥916.80) in full on ``on``."""
    day = DRAW_DATE
    while day < DUE:
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)
    repayment_post(
        loan=loan,
        amount=Decimal("916.80"),
        value_date=on,
        as_of=on,
        channel=RepaymentChannel.PORTAL,
    )
    installment = loan.installments.get(number=1)
    assert installment.paid_date == on
    return installment


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[SmsMessage]]:
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()
