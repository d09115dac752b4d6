"""Waivers, write-off with a second approver, recoveries, fees falling due (PRODUCT §2.4, §3)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.roles import (
    ADMINISTRATOR,
    COLLECTIONS_AGENT,
    LOAN_OFFICER,
    roles_sync,
    staff_member_create,
)
from loans.approvals.models import ApprovalStatus
from loans.approvals.services.approvals import MakerCheckerViolation
from loans.approvals.services.maker_checker import approval_approve, write_off_request
from loans.domain.allocation import Component
from loans.domain.schedule import RepaymentMethod
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import CreditLine, CreditLineStatus, Loan, LoanStatus, RepaymentChannel
from loans.servicing.services.collections import (
    RecoveryRefused,
    WaiverRefused,
    WriteOffRefused,
    recovery_post,
    waiver_post,
)
from loans.servicing.services.daily import (
    loan_close_if_paid,
    loan_fees_charge,
    loan_interest_accrue,
)
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import DRAW_DATE, ProductFactory, draw, installment_product
from tests.integration.books import assert_books_reconcile, loan_state

pytestmark = pytest.mark.django_db


def accrue(loan: Loan, days: int) -> None:
    for offset in range(days):
        loan_interest_accrue(loan=loan, as_of=DRAW_DATE + timedelta(days=offset))


@pytest.fixture
def officers() -> tuple[User, User]:
    """An administrator (may ask and approve: self-approval is refused by maker-checker, not by
    a missing permission) and a loan officer (approves write-offs)."""
    roles_sync()
    return (
        staff_member_create(username="maker", password="x", role=ADMINISTRATOR),
        staff_member_create(username="checker", password="x", role=LOAN_OFFICER),
    )


def test_waiving_interest_posts_to_waivers_and_lowers_what_is_owed(officers):
    loan = draw(principal="10000.00", term=12)
    accrue(loan, 31)  # installment 1: 150.00 accrued

    waiver_post(
        loan=loan,
        installment_number=1,
        component=Component.INTEREST,
        amount=Decimal("50.00"),
        as_of=date(2027, 2, 15),
        user=officers[0],
        reason="goodwill",
    )

    entry = JournalEntry.objects.get(loan=loan, entry_type=EntryType.WAIVER)
    assert [(line.account, line.amount) for line in entry.lines.order_by("id")] == [
        ("WAIVERS", Decimal("50.00")),
        ("INTEREST_RECEIVABLE", Decimal("-50.00")),
    ]
    loan.refresh_from_db()
    assert loan.interest_receivable_amount == Decimal("100.00")
    repayment_post(
        loan=loan,
        amount=Decimal("866.80"),
        value_date=date(2027, 2, 15),
        as_of=date(2027, 2, 15),
        channel=RepaymentChannel.BACK_OFFICE,
    )
    assert loan.installments.get(number=1).paid_date == date(2027, 2, 15)
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("component", "amount", "message"),
    [
        (Component.PRINCIPAL, "10.00", "principal is written off"),
        (Component.INTEREST, "150.01", "owed"),
        (Component.FEE, "1.00", "owed"),
        (Component.INTEREST, "0.00", "owed"),
    ],
)
def test_waivers_beyond_what_is_owed_are_refused(officers, component, amount, message):
    loan = draw(principal="10000.00", term=12)
    accrue(loan, 31)
    before = loan_state(loan)

    with pytest.raises(WaiverRefused, match=message):
        waiver_post(
            loan=loan,
            installment_number=1,
            component=component,
            amount=Decimal(amount),
            as_of=date(2027, 2, 15),
            user=officers[0],
            reason="",
        )

    assert loan_state(loan) == before


def test_installment_fees_fall_due_on_the_due_date_once():
    loan = draw(
        principal="3000.00",
        term=3,
        method=RepaymentMethod.INSTALLMENT_FEE,
        product=installment_product(),
    )
    due = date(2027, 2, 15)

    assert loan_fees_charge(loan=loan, as_of=due - timedelta(days=1)) == 0
    assert loan_fees_charge(loan=loan, as_of=due) == Decimal("18.00")  # 3000 * 0.006
    assert loan_fees_charge(loan=loan, as_of=due) == 0  # a rerun changes nothing

    loan.refresh_from_db()
    assert loan.fee_receivable_amount == Decimal("18.00")
    repayment_post(
        loan=loan,
        amount=Decimal("1018.00"),
        value_date=due,
        as_of=due,
        channel=RepaymentChannel.PORTAL,
    )
    assert loan.installments.get(number=1).paid_date == due
    assert_books_reconcile()


def test_accrual_for_a_date_twice_changes_nothing():
    loan = draw(principal="10000.00", term=12)

    first = loan_interest_accrue(loan=loan, as_of=DRAW_DATE)
    again = loan_interest_accrue(loan=loan, as_of=DRAW_DATE)

    assert (first, again) == (Decimal("4.84"), Decimal("0.00"))  # round(150 * 1 / 31)
    assert JournalEntry.objects.filter(entry_type=EntryType.INTEREST_ACCRUAL).count() == 1


def _long_overdue(days: int = 180) -> Loan:
    loan = draw(principal="5000.00", term=6)
    accrue(loan, 40)
    # Close of business (issue #4) computes days past due; here it is set directly.
    Loan.objects.filter(pk=loan.pk).update(days_past_due=days)
    loan.refresh_from_db()
    return loan


def test_write_off_needs_a_second_officer_and_moves_principal_to_losses(officers):
    maker, checker = officers
    loan = _long_overdue()
    interest = loan.interest_receivable_amount
    request = write_off_request(loan=loan, officer=maker, as_of=date(2027, 8, 1), reason="180 DPD")

    with pytest.raises(MakerCheckerViolation):
        approval_approve(request=request, officer=maker, as_of=date(2027, 8, 1))
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE

    approval_approve(request=request, officer=checker, as_of=date(2027, 8, 1))

    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert (loan.principal_outstanding_amount, loan.interest_receivable_amount) == (0, 0)
    entry = JournalEntry.objects.get(loan=loan, entry_type=EntryType.WRITE_OFF)
    amounts = {line.account: line.amount for line in entry.lines.all()}
    assert amounts["CREDIT_LOSSES"] == Decimal("5000.00")
    assert amounts["INTEREST_INCOME"] == interest
    line = CreditLine.objects.get(pk=loan.credit_line_id)
    assert (line.used_amount, line.status) == (0, CreditLineStatus.FROZEN)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ApprovalStatus.APPROVED, checker)
    assert_books_reconcile()

    recovery_post(loan=loan, amount=Decimal("800.00"), as_of=date(2027, 9, 1), user=maker)
    recovery = JournalEntry.objects.get(loan=loan, entry_type=EntryType.RECOVERY)
    assert {line.account: line.amount for line in recovery.lines.all()} == {
        "CASH": Decimal("800.00"),
        "RECOVERIES": Decimal("-800.00"),
    }
    assert_books_reconcile()


def test_write_off_before_the_threshold_is_refused(officers):
    loan = _long_overdue(days=179)

    with pytest.raises(WriteOffRefused, match="179 days"):
        write_off_request(loan=loan, officer=officers[0], as_of=date(2027, 8, 1), reason="")

    assert not loan.approval_requests.exists()


def test_recovery_on_an_active_loan_is_refused(officers):
    loan = draw(principal="1000.00", term=3)
    before = loan_state(loan)

    with pytest.raises(RecoveryRefused):
        recovery_post(loan=loan, amount=Decimal("10.00"), as_of=DRAW_DATE, user=officers[0])

    assert loan_state(loan) == before


def test_a_loan_settled_by_a_waiver_closes_at_close_of_business(officers):
    # Principal first, so a short payment leaves interest, which the officer waives.
    product = ProductFactory.create(
        code="PRINCIPAL-FIRST",
        allocation_rules=[
            {"scope": scope, "components": ["PRINCIPAL", "INTEREST", "FEE", "PENALTY"]}
            for scope in ("OVERDUE", "DUE_TODAY")
        ],
    )
    loan = draw(principal="1000.00", term=3, product=product)
    accrue(loan, 90)  # through 2027-04-14, the last day of period 3
    total = sum(row.total_amount for row in loan.installments.all())
    last_due = loan.installments.get(number=3).due_date
    repayment_post(
        loan=loan,
        amount=total - Decimal("1.00"),
        value_date=last_due,
        as_of=last_due,
        channel=RepaymentChannel.PORTAL,
    )
    assert loan_close_if_paid(loan=loan, as_of=last_due) is False

    waiver_post(
        loan=loan,
        installment_number=3,
        component=Component.INTEREST,
        amount=Decimal("1.00"),
        as_of=last_due,
        user=officers[0],
        reason="rounding",
    )

    assert loan_close_if_paid(loan=loan, as_of=last_due) is True
    loan.refresh_from_db()
    assert (loan.status, loan.closed_date) == (LoanStatus.PAID_OFF, last_due)
    assert_books_reconcile()


def test_a_loan_officer_may_approve_a_write_off_but_not_ask_for_one(officers):
    from loans.approvals.services.approvals import ApprovalNotPermitted

    _, loan_officer = officers
    agent = staff_member_create(username="agent", password="x", role=COLLECTIONS_AGENT)
    loan = draw(principal="1000.00", term=3)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=200)

    with pytest.raises(ApprovalNotPermitted):
        write_off_request(loan=loan, officer=loan_officer, as_of=date(2027, 8, 1), reason="")
    request = write_off_request(loan=loan, officer=agent, as_of=date(2027, 8, 1), reason="200")
    assert request.requested_by == agent
