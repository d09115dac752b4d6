"""Resolve a difference of the finance queue: who, when, and a note (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from loans.errors import LendingError
from loans.payments.models import DifferenceState, SettlementDifference

# Finance works the queue (accounts.roles); the admin and this service both check it.
RESOLVE_PERMISSION = "payments.change_settlementdifference"


class DifferenceNotResolvable(LendingError):
    code = "settlement_difference_not_resolvable"


@transaction.atomic
def settlement_difference_resolve(
    *, difference: SettlementDifference, user: User, note: str
) -> SettlementDifference:
    """Mark an open difference RESOLVED by ``user`` with ``note``; record ``settlement.resolve``.

    The note says what was done (it may name the borrower, so it stays on the difference and
    is not copied into the audit trail). Raises DifferenceNotResolvable without the finance
    permission, without a note, or when the difference is no longer open; nothing changes then.
    """
    if not user.has_perm(RESOLVE_PERMISSION):
        raise DifferenceNotResolvable("You may not resolve settlement differences.")
    note = note.strip()
    if not note:
        raise DifferenceNotResolvable("Say in a note how the difference was resolved.")
    difference = SettlementDifference.objects.select_for_update().get(pk=difference.pk)
    if difference.state != DifferenceState.OPEN:
        raise DifferenceNotResolvable(f"Difference {difference.pk} is not open.")
    difference.state = DifferenceState.RESOLVED
    difference.resolved_by = user
    difference.resolved_at = timezone.now()
    difference.note = note
    difference.save(update_fields=["state", "resolved_by", "resolved_at", "note"])
    audit_record(
        actor=user,
        action="settlement.resolve",
        target=difference,
        details={
            "settlement_date": difference.settlement_date.isoformat(),
            "kind": difference.kind,
            "difference": difference.difference,
            "action": difference.action,
            "file": difference.file_id,
        },
    )
    return difference
