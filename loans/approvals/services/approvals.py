"""Maker-checker (PRODUCT §2.4, §6): a request by one officer, decided by another.

``approval_open`` records a request with its payload; ``approval_decide`` records the decision
under a row lock, so a request is decided exactly once however many checkers click at the same
moment. What an approval *does* is replayed by ``loans.approvals.services.maker_checker``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.errors import LendingError
from loans.origination.models import LoanProduct
from loans.servicing.models import Loan


class ApprovalNotPermitted(LendingError):
    code = "approval_not_permitted"


def approval_permission(kind: str, action: str) -> str:
    """The permission to ``action`` ("request" or "approve") a request of ``kind``."""
    return f"approvals.{action}_{kind.lower()}"


def approval_permission_require(officer: User, kind: str, action: str) -> None:
    """Raise ApprovalNotPermitted unless ``officer`` may ``action`` requests of ``kind``."""
    if not officer.has_perm(approval_permission(kind, action)):
        raise ApprovalNotPermitted(f"You may not {action} {kind.lower()} requests.")


class MakerCheckerViolation(LendingError):
    code = "second_approver_required"


class ApprovalRefused(LendingError):
    code = "approval_refused"


@transaction.atomic
def approval_open(
    *,
    kind: ApprovalKind,
    officer: User,
    reason: str,
    loan: Loan | None = None,
    product: LoanProduct | None = None,
    payload: Mapping[str, Any] | None = None,
) -> ApprovalRequest:
    """Open a request for a second officer; one pending request per loan (or product) and kind.

    ``payload`` is what approving will replay (no personal data). Raises ApprovalRefused.
    """
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                kind=kind,
                loan=loan,
                product=product,
                payload=dict(payload or {}),
                requested_by=officer,
                reason=reason,
            )
    except IntegrityError as error:
        target = f"Loan {loan.pk}" if loan else f"Product {product.pk if product else '?'}"
        raise ApprovalRefused(f"{target} already waits for a second officer.") from error
    audit_record(
        actor=officer,
        action="approval.request",
        target=request,
        details={"kind": kind, "loan": request.loan_id, "product": request.product_id},
    )
    return request


def approval_decide(
    *, request: ApprovalRequest, kind: ApprovalKind, officer: User, approve: bool, note: str = ""
) -> ApprovalRequest:
    """Record the second officer's decision on a pending request (call inside a transaction).

    Locks the request first: a second click, or a second checker at the same moment, waits and
    then finds it decided. Raises ApprovalRefused when the request is not a pending one of
    ``kind``, and MakerCheckerViolation when ``officer`` made it.
    """
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("loan", "product")
        .get(pk=request.pk)
    )
    if request.kind != kind or request.status != ApprovalStatus.PENDING:
        raise ApprovalRefused(f"Request {request.pk} is not a pending {kind} request.")
    if request.requested_by_id == officer.pk:
        raise MakerCheckerViolation("A second officer must approve: you made this request.")
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    request.decided_by = officer
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=officer,
        action="approval.approve" if approve else "approval.reject",
        target=request,
        details={"kind": kind, "loan": request.loan_id, "product": request.product_id},
    )
    return request
