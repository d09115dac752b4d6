"""Drawing and disbursing loans: exact amounts, ledger postings, refusals that change nothing."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.roles import LOAN_OFFICER, roles_sync, staff_member_create
from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import ApprovalRefused, MakerCheckerViolation
from loans.approvals.services.maker_checker import (
    approval_approve,
    approval_reject,
    disbursement_request,
)
from loans.domain.schedule import RepaymentMethod, build_schedule
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.origination.models import Payout, PayoutStatus
from loans.origination.services.drawdown import (
    ContractNotAccepted,
    CreditLimitExceeded,
    DisbursementRefused,
    LoanDrawRefused,
    loan_cancel,
    loan_draw,
)
from loans.servicing.models import LoanStatus
from loans.servicing.services.states import LoanTransitionRefused
from tests.factories.api import business_date_set
from tests.factories.loans import (
    DRAW_DATE,
    ProductFactory,
    borrower_with_line,
    contract_for,
    draw,
)
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db


def _lines(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    return [(line.account, line.amount) for line in entry.lines.order_by("id")]


def test_small_draw_is_disbursed_at_once_with_the_domain_schedule(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="10000.00", term=12)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert loan.disbursed_date == DRAW_DATE
    assert loan.annual_rate == Decimal("0.180000")  # grade D of the CASH product
    assert loan.apr == Decimal("0.180002")
    expected = build_schedule(
        principal=Decimal("10000.00"),
        annual_rate=Decimal("0.18"),
        term=12,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        start_date=DRAW_DATE,
    )
    rows = list(loan.installments.order_by("number"))
    assert [(r.due_date, r.principal_amount, r.interest_amount) for r in rows] == [
        (i.due_date, i.principal, i.interest) for i in expected.installments
    ]
    assert (rows[0].principal_amount, rows[0].interest_amount) == (
        Decimal("766.80"),
        Decimal("150.00"),
    )
    disbursement, settlement = JournalEntry.objects.filter(loan=loan).order_by("id")
    assert disbursement.entry_type == EntryType.DISBURSEMENT
    assert _lines(disbursement) == [
        ("PRINCIPAL_RECEIVABLE", Decimal("10000.00")),
        ("DISBURSEMENT_CLEARING", Decimal("-10000.00")),
    ]
    assert settlement.entry_type == EntryType.PAYOUT_SETTLED
    assert _lines(settlement) == [
        ("DISBURSEMENT_CLEARING", Decimal("10000.00")),
        ("CASH", Decimal("-10000.00")),
    ]
    assert loan.payout.status == PayoutStatus.SETTLED
    assert loan.principal_outstanding_amount == Decimal("10000.00")
    assert loan.credit_line.used_amount == Decimal("10000.00")
    assert len(loan.contract_hash) == 64
    assert loan.accepted_ip == "203.0.113.7"
    assert_books_reconcile()


def test_a_draw_above_the_available_amount_is_refused_and_changes_nothing():
    borrower = borrower_with_line(limit=Decimal("5000.00"))
    draw(borrower, principal="3000.00", term=6)

    with pytest.raises(CreditLimitExceeded):
        draw(borrower, principal="2000.01", term=6)

    assert borrower.loans.count() == 1
    borrower.credit_line.refresh_from_db()
    assert borrower.credit_line.used_amount == Decimal("3000.00")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"term": 5}, "offers terms"),
        ({"method": RepaymentMethod.BULLET}, "does not offer BULLET"),
        ({"principal": "99.00"}, "Amount must be"),
    ],
)
def test_draws_outside_the_product_are_refused(kwargs, error):
    borrower = borrower_with_line()
    lines_before = JournalLine.objects.count()

    with pytest.raises(LoanDrawRefused, match=error):
        draw(borrower, **kwargs)

    assert borrower.loans.count() == 0
    assert JournalLine.objects.count() == lines_before
    borrower.credit_line.refresh_from_db()
    assert borrower.credit_line.used_amount == 0


def test_a_contract_signed_with_another_name_is_refused():
    business_date_set(DRAW_DATE)
    borrower = borrower_with_line()

    with pytest.raises(ContractNotAccepted):
        loan_draw(
            borrower=borrower,
            product=ProductFactory.create(),
            principal=Decimal("1000.00"),
            term=3,
            method=RepaymentMethod.EQUAL_INSTALLMENT,
            contract=contract_for(borrower, signature_name="李四"),
            as_of=DRAW_DATE,
        )

    assert borrower.loans.count() == 0


def test_a_product_rate_above_the_cap_refuses_the_draw():
    borrower = borrower_with_line(grade="E")
    product = ProductFactory.create(code="RISKY", rates_by_grade={"E": "0.250000"})

    with pytest.raises(LoanDrawRefused, match="exceeds"):
        draw(borrower, product=product)

    assert borrower.loans.count() == 0


def _officers() -> tuple[User, User]:
    """Two loan officers: the role may request and approve disbursements (accounts.roles)."""
    roles_sync()
    return (
        staff_member_create(username="maker", password="x", role=LOAN_OFFICER),
        staff_member_create(username="checker", password="x", role=LOAN_OFFICER),
    )


def test_a_large_draw_waits_for_two_officers(django_capture_on_commit_callbacks):
    maker, checker = _officers()
    loan = draw(principal="25000.00", term=12)
    assert loan.status == LoanStatus.PENDING_DISBURSEMENT
    assert not JournalEntry.objects.filter(loan=loan).exists()

    request = disbursement_request(loan=loan, officer=maker)
    with pytest.raises(MakerCheckerViolation):
        approval_approve(request=request, officer=maker, as_of=date(2027, 1, 18))
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert not JournalEntry.objects.filter(loan=loan).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approval_approve(request=request, officer=checker, as_of=date(2027, 1, 18))

    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    # Disbursed three days after the draw: the schedule starts on the disbursement date.
    assert loan.disbursed_date == date(2027, 1, 18)
    assert loan.installments.get(number=1).due_date == date(2027, 2, 18)
    assert Payout.objects.get(loan=loan).status == PayoutStatus.SETTLED
    assert_books_reconcile()


def test_a_second_request_and_a_request_for_an_active_loan_are_refused():
    maker, _ = _officers()
    loan = draw(principal="25000.00")
    disbursement_request(loan=loan, officer=maker)

    with pytest.raises(ApprovalRefused):
        disbursement_request(loan=loan, officer=maker)
    with pytest.raises(DisbursementRefused):
        disbursement_request(loan=draw(principal="1000.00", term=3), officer=maker)

    assert ApprovalRequest.objects.count() == 1


def test_a_rejected_disbursement_cancels_the_loan_and_frees_the_line():
    maker, checker = _officers()
    loan = draw(principal="25000.00")
    request = disbursement_request(loan=loan, officer=maker)

    approval_reject(request=request, officer=checker, reason="income not verified")

    loan.refresh_from_db()
    assert loan.status == LoanStatus.CANCELLED
    assert loan.credit_line.used_amount == 0
    with pytest.raises(LoanTransitionRefused):
        loan_cancel(loan=loan)
    assert_books_reconcile()


def test_an_active_loan_cannot_be_cancelled():
    loan = draw(principal="1000.00", term=3)

    with pytest.raises(LoanTransitionRefused):
        loan_cancel(loan=loan)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE


def test_only_a_role_with_the_permission_may_request_or_approve_a_disbursement():
    from loans.approvals.services.approvals import ApprovalNotPermitted

    maker, _checker = _officers()
    outsider = User.objects.create_user("outsider", is_staff=True)
    loan = draw(principal="25000.00")

    with pytest.raises(ApprovalNotPermitted):
        disbursement_request(loan=loan, officer=outsider)
    assert not ApprovalRequest.objects.exists()

    request = disbursement_request(loan=loan, officer=maker)
    with pytest.raises(ApprovalNotPermitted):
        approval_approve(request=request, officer=outsider, as_of=date(2027, 1, 18))
    with pytest.raises(ApprovalNotPermitted):
        approval_reject(request=request, officer=outsider, reason="no")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
