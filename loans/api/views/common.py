"""Lookups every partner view shares: always filtered by the calling partner first."""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from accounts.models import Borrower
from loans.api.permissions import request_partner
from loans.servicing.models import Loan


def partner_borrower(request: Request, borrower_id: int) -> Borrower:
    """The caller's borrower with this id; another partner's is as absent as a missing one."""
    borrower = Borrower.objects.filter(partner=request_partner(request), pk=borrower_id).first()
    if borrower is None:
        raise NotFound(f"Borrower {borrower_id} not found.")
    return borrower


def partner_loan(request: Request, loan_id: int, *, only: tuple[str, ...] = ()) -> Loan:
    """The caller's loan with this id (404 otherwise); ``only``: just these columns."""
    loans = Loan.objects.filter(partner=request_partner(request), pk=loan_id)
    loan = (loans.only(*only) if only else loans).first()
    if loan is None:
        raise NotFound(f"Loan {loan_id} not found.")
    return loan
