"""Two checkers approve the same request at the same moment: it executes exactly once."""

from __future__ import annotations

import pytest

from accounts.roles import LOAN_OFFICER, roles_sync, staff_member_create
from loans.approvals.models import ApprovalStatus
from loans.approvals.services.approvals import ApprovalRefused
from loans.approvals.services.maker_checker import approval_approve, disbursement_request
from loans.ledger.models import EntryType, JournalEntry
from loans.origination.models import Payout
from loans.servicing.models import Loan, LoanStatus
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.servicing.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_checkers_at_once_disburse_once():
    roles_sync()
    maker, first, second = (
        staff_member_create(username=name, password="x", role=LOAN_OFFICER)
        for name in ("maker", "checker1", "checker2")
    )
    loan = draw(principal="25000.00")
    request = disbursement_request(loan=loan, officer=maker)

    outcomes = run_together(
        lambda: approval_approve(request=request, officer=first, as_of=DRAW_DATE),
        lambda: approval_approve(request=request, officer=second, as_of=DRAW_DATE),
    )

    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1, errors
    assert isinstance(errors[0], ApprovalRefused)
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE
    assert JournalEntry.objects.filter(loan=loan, entry_type=EntryType.DISBURSEMENT).count() == 1
    assert Payout.objects.filter(loan=loan).count() == 1
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
