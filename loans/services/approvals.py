"""Maker-checker (PRODUCT §2.4, §6): a request by one officer, decided by another."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from loans.errors import LendingError
from loans.models import ApprovalKind, ApprovalRequest, ApprovalStatus, Loan


class MakerCheckerViolation(LendingError):
    code = "second_approver_required"


class ApprovalRefused(LendingError):
    code = "approval_refused"


def approval_open(*, loan: Loan, kind: ApprovalKind, officer: User, reason: str) -> ApprovalRequest:
    """Open a request for a second officer; one pending request per loan and kind."""
    if ApprovalRequest.objects.filter(loan=loan, kind=kind, status=ApprovalStatus.PENDING).exists():
        raise ApprovalRefused(f"Loan {loan.pk} already waits for a second officer.")
    return ApprovalRequest.objects.create(kind=kind, loan=loan, requested_by=officer, reason=reason)


def approval_decide(
    *, request: ApprovalRequest, kind: ApprovalKind, officer: User, approve: bool, note: str = ""
) -> ApprovalRequest:
    """Record the second officer's decision on a pending request (call inside a transaction).

    Raises ApprovalRefused when the request is not a pending one of ``kind``, and
    MakerCheckerViolation when ``officer`` made it.
    """
    request = ApprovalRequest.objects.select_for_update().select_related("loan").get(pk=request.pk)
    if request.kind != kind or request.status != ApprovalStatus.PENDING:
        raise ApprovalRefused(f"Request {request.pk} is not a pending {kind} request.")
    if request.requested_by_id == officer.pk:
        raise MakerCheckerViolation("A second officer must approve: you made this request.")
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    request.decided_by = officer
    request.decided_at = timezone.now()
    request.reason = (request.reason + "\n" + note).strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return request
