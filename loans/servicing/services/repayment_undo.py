"""Undoing a repayment or an advance application: the linked reversing entry, the installment
deltas taken back, the schedule restored, the credit line taken again (PRODUCT §2.5, §3).

Used by ``repayments`` for reversals and for the undo half of every replay.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from accounts.models import User
from loans.domain.allocation import Component
from loans.errors import LendingError
from loans.ledger.models import JournalEntry
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentStatus
from loans.servicing.services.components import PAID_FIELD, credit_line_release, payments_in
from loans.servicing.services.installments import (
    Change,
    changes_apply,
    paid_dates_refresh,
    schedule_restore,
)
from loans.servicing.services.posting import loan_entry_reverse
from loans.servicing.services.states import loan_transition

ZERO = Decimal("0.00")


class RepaymentReversalRefused(LendingError):
    code = "repayment_reversal_refused"


def _check_restorable(loan: Loan, snapshot: list[dict[str, Any]], undo: list[Change]) -> None:
    """Refuse a correction that would restore a schedule below the interest accrued since.

    Close of business accrues interest on the schedule in force; after a chain of prepayments,
    reversals and replays an older schedule can carry less interest than was accrued on a later
    one. Re-accruing history is not supported: such a correction is refused, nothing written.
    """
    accrued = dict(loan.installments.values_list("number", "interest_accrued_amount"))
    for change in undo:
        if change.field == "interest_accrued_amount":
            accrued[change.number] = accrued.get(change.number, ZERO) + change.delta
    for row in snapshot:
        if accrued.get(int(row["number"]), ZERO) > Decimal(row["interest_amount"]):
            raise RepaymentReversalRefused(
                "Interest was accrued on a later schedule than this correction would restore; "
                "reverse the later repayments first, most recent first."
            )


def advance_application_undo(
    *, entry: JournalEntry, loan_id: int, as_of: date, user: User | None, memo: str
) -> None:
    """Reverse an advance application: its entry, its installment payments, the line's release."""
    loan = Loan.objects.get(pk=loan_id)
    payments = payments_in(entry)
    loan_entry_reverse(entry=entry, value_date=as_of, memo=memo, user=user, back_dated=True)
    changes_apply(loan=loan, changes=[change.inverse() for change in payments])
    paid_dates_refresh(loan=loan, as_of=entry.value_date)
    principal = sum((c.delta for c in payments if c.field == PAID_FIELD[Component.PRINCIPAL]), ZERO)
    credit_line_release(loan, -principal)


def repayment_undo(*, repayment: Repayment, as_of: date, user: User | None, memo: str) -> None:
    """Reverse a posted repayment: its entry, installment changes, schedule and line release.

    Reopens a paid-off loan. Raises RepaymentReversalRefused when the schedule it would restore
    carries less interest than was accrued since (``_check_restorable``).
    """
    loan = Loan.objects.get(pk=repayment.loan_id)
    if loan.status == LoanStatus.PAID_OFF:
        loan_transition(loan=loan, to=LoanStatus.ACTIVE)
        loan.closed_date = None
        loan.save(update_fields=["status", "closed_date", "updated_at"])
    changes = [Change.from_data(c).inverse() for c in repayment.allocation["changes"]]
    if repayment.schedule_before is not None:
        _check_restorable(loan, repayment.schedule_before, changes)
    loan_entry_reverse(
        entry=repayment.entry, value_date=as_of, memo=memo, user=user, back_dated=True
    )
    if repayment.schedule_before is not None:
        schedule_restore(loan=loan, snapshot=repayment.schedule_before)
    changes_apply(loan=loan, changes=changes)
    paid_dates_refresh(loan=loan, as_of=repayment.value_date)
    principal = sum(
        (Decimal(p["amount"]) for p in repayment.allocation["parts"]
         if p["component"] in ("PRINCIPAL", "PREPAID_PRINCIPAL")),
        ZERO,
    )  # fmt: skip
    credit_line_release(loan, -principal)
    repayment.status = RepaymentStatus.REVERSED
    repayment.save(update_fields=["status"])
