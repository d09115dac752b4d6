"""No new credit while late (issue #16, hole 0): a draw is refused while any loan of the person
is past due or written off; close of business freezes the line at the product's freeze days past
due; only an officer unfreezes it, with a reason, in the audit trail, and never while late."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from accounts.roles import RISK_MANAGER, roles_sync, staff_member_create
from loans.calendar.models import BusinessDate
from loans.ledger.models import JournalLine
from loans.origination.services.drawdown import BorrowerPastDue, CreditLineFrozen
from loans.servicing.models import CreditLine, CreditLineStatus, FreezeReason, RepaymentChannel
from loans.servicing.selectors import loan_amounts_due, loan_payoff_quote
from loans.servicing.services.credit_lines import UnfreezeRefused, credit_line_unfreeze
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import borrower_create, make_id_number, partner_create
from tests.factories.loans import (
    ProductFactory,
    borrower_with_line,
    credit_line_for,
    draw,
)
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

FIRST_DUE = date(2027, 2, 15)  # of a loan drawn on DRAW_DATE, 2027-01-15


def _repay_overdue(loan, on: date) -> None:
    """Pay what is overdue on ``on``, after the nights' accrual close of business would post."""
    day = loan.drawn_date  # disbursed the same day
    while day < on:
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)
    repayment_post(
        loan=loan,
        amount=loan_amounts_due(loan=loan, as_of=on).overdue,
        value_date=on,
        as_of=on,
        channel=RepaymentChannel.PORTAL,
    )


def test_a_draw_is_refused_from_the_day_after_a_due_date_missed_and_writes_nothing():
    borrower = borrower_with_line()
    loan = draw(borrower, principal="3000.00", term=6)
    draw(borrower, principal="1000.00", as_of=FIRST_DUE)  # due today is not late yet
    lines_before = JournalLine.objects.count()

    with pytest.raises(BorrowerPastDue, match=f"Loan {loan.pk} .*due on {FIRST_DUE}"):
        draw(borrower, principal="1000.00", as_of=FIRST_DUE + timedelta(days=1))

    assert borrower.loans.count() == 2
    assert JournalLine.objects.count() == lines_before
    assert CreditLine.objects.get(borrower=borrower).used_amount == Decimal("4000.00")


def test_paying_what_is_late_lifts_the_refusal_at_once():
    borrower = borrower_with_line()
    loan = draw(borrower, principal="3000.00", term=6)
    late_day = FIRST_DUE + timedelta(days=3)

    _repay_overdue(loan, late_day)

    assert draw(borrower, principal="1000.00", as_of=late_day).principal_amount == 1000


def test_the_same_person_late_through_another_channel_is_refused():
    id_number = make_id_number(birth_date=date(1991, 3, 9), sequence="777")
    person = borrower_create(id_number=id_number)
    credit_line_for(person)
    elsewhere = borrower_create(partner=partner_create(), id_number=id_number)
    credit_line_for(elsewhere)
    draw(elsewhere, principal="3000.00", term=6)

    with pytest.raises(BorrowerPastDue):
        draw(person, principal="1000.00", as_of=FIRST_DUE + timedelta(days=1))


def _close(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})
    call_command("close_business_day", "--inline", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _line_state(line: CreditLine) -> tuple[str, str, date | None]:
    line.refresh_from_db()
    return line.status, line.frozen_reason, line.frozen_on


def test_close_of_business_freezes_the_line_at_the_products_freeze_days(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="3000.00", term=6)
    line = loan.credit_line

    _close(FIRST_DUE + timedelta(days=29))
    assert _line_state(line) == (CreditLineStatus.ACTIVE, "", None)

    _close(FIRST_DUE + timedelta(days=30))
    frozen_on = FIRST_DUE + timedelta(days=30)
    assert _line_state(line) == (CreditLineStatus.FROZEN, FreezeReason.PAST_DUE, frozen_on)

    _close(FIRST_DUE + timedelta(days=31))  # a frozen line keeps its date
    assert _line_state(line) == (CreditLineStatus.FROZEN, FreezeReason.PAST_DUE, frozen_on)
    assert_books_reconcile()


def test_a_product_with_more_freeze_days_keeps_the_line_open_longer(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory.create(code="PATIENT", freeze_days=45)
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="3000.00", term=6, product=product)

    _close(FIRST_DUE + timedelta(days=30))

    assert _line_state(loan.credit_line)[0] == CreditLineStatus.ACTIVE


@pytest.fixture
def risk_manager():
    roles_sync()
    return staff_member_create(username="risk", password="x-long-password-1", role=RISK_MANAGER)


def _frozen_loan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="3000.00", term=6)
    _close(FIRST_DUE + timedelta(days=30))
    return loan


def test_a_frozen_line_refuses_draws_even_after_the_late_amount_is_paid(
    django_capture_on_commit_callbacks,
):
    loan = _frozen_loan(django_capture_on_commit_callbacks)
    today = FIRST_DUE + timedelta(days=31)
    _repay_overdue(loan, today)  # both installments due by now, with their penalty
    assert loan_amounts_due(loan=loan, as_of=today).overdue == 0

    with pytest.raises(CreditLineFrozen, match="frozen since"):
        draw(loan.borrower, principal="100.00", as_of=today)


def test_an_officer_cannot_unfreeze_while_the_borrower_is_late(
    django_capture_on_commit_callbacks, risk_manager
):
    loan = _frozen_loan(django_capture_on_commit_callbacks)

    with pytest.raises(UnfreezeRefused, match="still past due"):
        credit_line_unfreeze(
            line_id=loan.credit_line_id,
            officer=risk_manager,
            reason="Customer called",
            as_of=FIRST_DUE + timedelta(days=31),
        )

    assert _line_state(loan.credit_line)[0] == CreditLineStatus.FROZEN
    assert not AuditEvent.objects.filter(action="credit_line.unfreeze").exists()


def test_an_officer_unfreezes_with_a_reason_recorded_in_the_audit_trail(
    django_capture_on_commit_callbacks, risk_manager
):
    loan = _frozen_loan(django_capture_on_commit_callbacks)
    today = FIRST_DUE + timedelta(days=31)
    repayment_post(
        loan=loan,
        amount=loan_payoff_quote(loan=loan, as_of=today).total,
        value_date=today,
        as_of=today,
        channel=RepaymentChannel.PORTAL,
    )

    with pytest.raises(UnfreezeRefused, match="reason"):
        credit_line_unfreeze(
            line_id=loan.credit_line_id, officer=risk_manager, reason="  ", as_of=today
        )
    credit_line_unfreeze(
        line_id=loan.credit_line_id, officer=risk_manager, reason="Paid in full", as_of=today
    )

    assert _line_state(loan.credit_line) == (CreditLineStatus.ACTIVE, "", None)
    event = AuditEvent.objects.get(action="credit_line.unfreeze")
    assert (event.actor, event.target_id) == (risk_manager, str(loan.credit_line_id))
    assert event.details == {
        "frozen_reason": "PAST_DUE",
        "frozen_on": (FIRST_DUE + timedelta(days=30)).isoformat(),
        "reason": "Paid in full",
    }
    assert draw(loan.borrower, principal="100.00", as_of=today).principal_amount == 100
