"""Unfreezing a credit line (issue #16): an officer's decision, with a reason, in the audit trail.

Close of business freezes a line when a loan reaches the product's freeze days past due
(loans.cob.services.steps.credit_lines_freeze); a write-off freezes it too. Only this service
makes a frozen line active again, and never while the borrower is still late.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User
from loans.errors import LendingError
from loans.servicing.models import CreditLine, CreditLineStatus
from loans.servicing.selectors import borrower_past_due

logger = logging.getLogger(__name__)


class UnfreezeRefused(LendingError):
    code = "unfreeze_refused"


@transaction.atomic
def credit_line_unfreeze(*, line_id: int, officer: User, reason: str, as_of: date) -> CreditLine:
    """Make a frozen line active again. Raises UnfreezeRefused and changes nothing then."""
    line = CreditLine.objects.select_for_update().select_related("borrower").get(pk=line_id)
    if line.status != CreditLineStatus.FROZEN:
        raise UnfreezeRefused(f"Credit line {line.pk} is not frozen.")
    if not reason.strip():
        raise UnfreezeRefused("Give the reason for unfreezing.")
    late = borrower_past_due(borrower=line.borrower, as_of=as_of)
    if late is not None:
        raise UnfreezeRefused(
            f"Credit line {line.pk} stays frozen: loan {late.loan_id} of the borrower is "
            "still past due or written off."
        )
    audit_record(
        actor=officer,
        action="credit_line.unfreeze",
        target=line,
        details={
            "frozen_reason": line.frozen_reason,
            "frozen_on": line.frozen_on.isoformat() if line.frozen_on else None,
            "reason": reason.strip(),
        },
    )
    line.status, line.frozen_reason, line.frozen_on = CreditLineStatus.ACTIVE, "", None
    line.save(update_fields=["status", "frozen_reason", "frozen_on", "updated_at"])
    logger.info("credit line %s unfrozen by user %s", line.pk, officer.pk)
    return line
