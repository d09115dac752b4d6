"""The officers' actions on a loan page (issue #6): each one the portal's or the API's own
service, plus an AuditEvent in the same transaction.

Nothing here decides a money rule; ``repayment_post`` and ``repayment_reverse`` do, and refuse
exactly as they do elsewhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.services.repayments import repayment_post, repayment_reverse


@transaction.atomic
def offline_repayment_record(
    *,
    loan: Loan,
    amount: Decimal,
    value_date: date,
    as_of: date,
    user: User,
    reference: str = "",
) -> Repayment:
    """Post money received outside the portal (bank transfer, counter) as a back-office repayment.

    Raises RepaymentRefused as ``repayment_post`` does.
    """
    repayment = repayment_post(
        loan=loan,
        amount=amount,
        value_date=value_date,
        as_of=as_of,
        channel=RepaymentChannel.BACK_OFFICE,
        reference=reference,
        user=user,
    )
    audit_record(
        actor=user,
        action="repayment.offline",
        target=loan,
        details={
            "repayment": repayment.pk,
            "amount": str(amount),
            "value_date": value_date.isoformat(),
        },
    )
    return repayment


@transaction.atomic
def repayment_staff_reverse(
    *, repayment: Repayment, as_of: date, user: User, reason: str
) -> Repayment:
    """Reverse a posted repayment for a member of staff (later ones are replayed).

    Raises RepaymentReversalRefused as ``repayment_reverse`` does.
    """
    reversed_repayment = repayment_reverse(
        repayment=repayment, as_of=as_of, user=user, memo=reason[:200]
    )
    audit_record(
        actor=user,
        action="repayment.reverse",
        target=repayment.loan,
        details={"repayment": repayment.pk, "amount": str(repayment.amount)},
    )
    return reversed_repayment
