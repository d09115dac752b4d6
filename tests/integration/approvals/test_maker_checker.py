"""Maker-checker (issue #6): requests are replayed through their services on approval, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import AuditEvent, User
from accounts.roles import (
    COLLECTIONS_AGENT,
    FINANCE,
    LOAN_OFFICER,
    RISK_MANAGER,
    role_assign,
    roles_sync,
    staff_member_create,
)
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import (
    ApprovalNotPermitted,
    ApprovalRefused,
    MakerCheckerViolation,
)
from loans.approvals.services.maker_checker import (
    ProductChangeRefused,
    adjustment_request,
    approval_approve,
    approval_reject,
    disbursement_request,
    product_change_request,
    waiver_request,
)
from loans.domain.allocation import Component
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.origination.models import LoanProduct
from loans.servicing.models import Installment, Loan, LoanStatus
from loans.servicing.services.adjustments import Adjustment, AdjustmentRefused
from loans.servicing.services.collections import WaiverRefused, waiver_post
from loans.servicing.services.daily import loan_interest_accrue
from tests.factories.loans import DRAW_DATE, ProductFactory, draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db


def staff(username: str, role: str) -> User:
    roles_sync()
    return staff_member_create(
        username=username, password="x", role=role, email=f"{username}@example.com"
    )


def _accrued_loan() -> Loan:
    loan = draw(principal="3000.00", term=3)
    for offset in range(10):
        loan_interest_accrue(loan=loan, as_of=DRAW_DATE + timedelta(days=offset))
    loan.refresh_from_db()
    return loan


def _interest_waiver(
    loan: Loan, officer: User, *, amount: Decimal = Decimal("1.00"), reason: str = ""
) -> ApprovalRequest:
    """Ask for ``amount`` of installment 1's interest to be waived."""
    return waiver_request(
        loan=loan,
        installment_number=1,
        component=Component.INTEREST,
        amount=amount,
        officer=officer,
        reason=reason,
    )


def test_a_waiver_is_replayed_through_waiver_post_on_approval():
    agent, officer = staff("agent", COLLECTIONS_AGENT), staff("officer", LOAN_OFFICER)
    loan = _accrued_loan()
    interest = loan.interest_receivable_amount
    request = _interest_waiver(loan, agent, reason="complaint settled")
    assert Loan.objects.get(pk=loan.pk).interest_receivable_amount == interest  # not yet

    approval_approve(request=request, officer=officer, as_of=DRAW_DATE + timedelta(days=10))

    loan.refresh_from_db()
    assert loan.interest_receivable_amount == interest - Decimal("1.00")
    entry = JournalEntry.objects.get(loan=loan, entry_type=EntryType.WAIVER)
    assert entry.created_by == officer
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ApprovalStatus.APPROVED, officer)
    assert list(
        AuditEvent.objects.filter(
            target_type="approvals.approvalrequest", target_id=str(request.pk)
        ).values_list("action", "actor")
    ) == [("approval.approve", officer.pk), ("approval.request", agent.pk)]
    assert_books_reconcile()


def test_a_replay_refused_at_approval_leaves_the_request_pending_and_nothing_written():
    agent, officer = staff("agent", COLLECTIONS_AGENT), staff("officer", LOAN_OFFICER)
    loan = _accrued_loan()
    request = _interest_waiver(loan, agent, reason="complaint settled")
    as_of = DRAW_DATE + timedelta(days=10)
    # Meanwhile all of that interest is waived another way (the service itself, as a data fix
    # would): there is nothing left for this request to waive.
    accrued = Installment.objects.get(loan=loan, number=1).interest_accrued_amount
    waiver_post(
        loan=loan,
        installment_number=1,
        component=Component.INTEREST,
        amount=accrued,
        as_of=as_of,
        user=officer,
        reason="goodwill",
    )
    before = Loan.objects.get(pk=loan.pk).interest_receivable_amount
    waivers = JournalEntry.objects.filter(loan=loan, entry_type=EntryType.WAIVER).count()

    with pytest.raises(WaiverRefused):
        approval_approve(request=request, officer=officer, as_of=as_of)

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at) == (
        ApprovalStatus.PENDING,
        None,
        None,
    )
    assert JournalEntry.objects.filter(loan=loan, entry_type=EntryType.WAIVER).count() == waivers
    assert Loan.objects.get(pk=loan.pk).interest_receivable_amount == before
    assert list(
        AuditEvent.objects.filter(
            target_type="approvals.approvalrequest", target_id=str(request.pk)
        ).values_list("action", flat=True)
    ) == ["approval.request"]


def test_a_waiver_above_what_is_owed_is_refused_at_request():
    agent = staff("agent", COLLECTIONS_AGENT)
    loan = _accrued_loan()

    with pytest.raises(WaiverRefused):
        _interest_waiver(loan, agent, amount=Decimal("500.00"))

    assert not ApprovalRequest.objects.exists()


def test_the_requester_cannot_approve_their_own_request_even_with_the_permission():
    risk, risk2 = staff("risk", RISK_MANAGER), staff("risk2", RISK_MANAGER)
    product = ProductFactory.create()
    request = product_change_request(
        product=product, changes={"grace_days": 5}, officer=risk, reason="market"
    )

    with pytest.raises(MakerCheckerViolation):
        approval_approve(request=request, officer=risk, as_of=DRAW_DATE)
    product.refresh_from_db()
    assert product.grace_days == 3

    approval_approve(request=request, officer=risk2, as_of=DRAW_DATE)
    product.refresh_from_db()
    assert product.grace_days == 5
    audit = AuditEvent.objects.get(action="product.change")
    assert audit.details == {
        "fields": ["grace_days"],
        "before": {"grace_days": 3},
        "after": {"grace_days": 5},
    }


def test_a_product_change_above_the_cap_is_refused_at_request():
    risk = staff("risk", RISK_MANAGER)
    product = ProductFactory.create()

    with pytest.raises(ProductChangeRefused, match="cap"):  # refused as at approval
        product_change_request(
            product=product, changes={"rate_cap": Decimal("0.300000")}, officer=risk
        )

    assert not ApprovalRequest.objects.exists()


def test_a_role_without_the_permission_can_neither_request_nor_approve():
    officer, agent = staff("officer", LOAN_OFFICER), staff("agent", COLLECTIONS_AGENT)
    loan = _accrued_loan()

    with pytest.raises(ApprovalNotPermitted):
        _interest_waiver(loan, officer)
    request = _interest_waiver(loan, agent)
    other_agent = staff("agent2", COLLECTIONS_AGENT)
    with pytest.raises(ApprovalNotPermitted):
        approval_approve(request=request, officer=other_agent, as_of=DRAW_DATE)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING


def test_a_manual_adjustment_posts_through_the_ledger_and_the_books_reconcile():
    maker, checker = staff("finance", FINANCE), staff("finance2", FINANCE)
    loan = draw(principal="1000.00", term=3)
    adjustment = Adjustment(
        AccountCode.WAIVERS, AccountCode.OVERPAYMENT_LIABILITY, Decimal("20.00")
    )
    request = adjustment_request(loan=loan, adjustment=adjustment, officer=maker, reason="goodwill")
    assert request.payload == {
        "debit": "WAIVERS",
        "credit": "OVERPAYMENT_LIABILITY",
        "amount": "20.00",
    }

    approval_approve(request=request, officer=checker, as_of=DRAW_DATE)

    loan.refresh_from_db()
    assert loan.overpayment_amount == Decimal("20.00")
    entry = JournalEntry.objects.get(loan=loan, entry_type=EntryType.MANUAL_ADJUSTMENT)
    assert {line.account: line.amount for line in entry.lines.all()} == {
        "WAIVERS": Decimal("20.00"),
        "OVERPAYMENT_LIABILITY": Decimal("-20.00"),
    }
    assert_books_reconcile()


def test_an_adjustment_of_a_receivable_is_refused():
    maker = staff("finance", FINANCE)
    loan = draw(principal="1000.00", term=3)

    with pytest.raises(AdjustmentRefused):
        adjustment_request(
            loan=loan,
            adjustment=Adjustment(AccountCode.CASH, AccountCode.PRINCIPAL_RECEIVABLE, Decimal("1")),
            officer=maker,
            reason="",
        )

    assert not ApprovalRequest.objects.exists()


def test_a_rejection_keeps_its_reason_and_a_rejected_disbursement_cancels_the_loan():
    maker, checker = staff("officer", LOAN_OFFICER), staff("officer2", LOAN_OFFICER)
    loan = draw(principal="25000.00")
    request = disbursement_request(loan=loan, officer=maker, reason="large")

    with pytest.raises(ApprovalRefused):
        approval_reject(request=request, officer=checker, reason="  ")
    approval_reject(request=request, officer=checker, reason="income not verified")

    request.refresh_from_db()
    assert (request.status, request.decision_note) == (
        ApprovalStatus.REJECTED,
        "income not verified",
    )
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.CANCELLED
    with pytest.raises(ApprovalRefused):
        approval_approve(request=request, officer=checker, as_of=DRAW_DATE)
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.CANCELLED


def test_an_approval_clicked_twice_executes_once():
    maker, checker = staff("officer", LOAN_OFFICER), staff("officer2", LOAN_OFFICER)
    loan = draw(principal="25000.00")
    request = disbursement_request(loan=loan, officer=maker)

    approval_approve(request=request, officer=checker, as_of=DRAW_DATE)
    with pytest.raises(ApprovalRefused):
        approval_approve(request=request, officer=checker, as_of=DRAW_DATE)

    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE
    assert JournalEntry.objects.filter(loan=loan, entry_type=EntryType.DISBURSEMENT).count() == 1


def test_one_pending_product_change_at_a_time():
    risk = staff("risk", RISK_MANAGER)
    product = ProductFactory.create()
    product_change_request(product=product, changes={"grace_days": 5}, officer=risk)

    with pytest.raises(ApprovalRefused):
        product_change_request(product=product, changes={"grace_days": 6}, officer=risk)

    assert ApprovalRequest.objects.filter(kind=ApprovalKind.PRODUCT_CHANGE).count() == 1
    assert LoanProduct.objects.get(pk=product.pk).grace_days == 3


def test_a_role_change_is_audited_without_personal_data():
    admin_user = staff("boss", FINANCE)
    user = staff("new-officer", LOAN_OFFICER)

    role_assign(user=user, role=RISK_MANAGER, actor=admin_user)

    event = AuditEvent.objects.filter(action="user.roles_change", actor=admin_user).get()
    assert (event.target_id, event.details) == (
        str(user.pk),
        {"added": [RISK_MANAGER], "removed": []},
    )
