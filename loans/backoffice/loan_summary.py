"""The officers' loan page's summary header (issue #23): what the loan owes and when, from the
schedule rows the page has already read (no query of its own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loans.servicing.models import Installment, Loan
from loans.servicing.selectors import installment_amount_due

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class LoanSummary:
    next_due_date: date | None  # the first unpaid installment due on or after the business date
    next_due_number: int | None
    next_due_amount: Decimal | None
    overdue_amount: Decimal  # unpaid on installments due before the business date
    receivable_amount: Decimal  # principal, interest, fees and penalty on the books

    @property
    def has_next_due(self) -> bool:
        return self.next_due_date is not None


def loan_summary(*, loan: Loan, installments: Sequence[Installment], as_of: date) -> LoanSummary:
    """Summarise ``installments`` (the loan's schedule, in order) on business date ``as_of``."""
    unpaid = [i for i in installments if i.paid_date is None]
    upcoming = next((i for i in unpaid if i.due_date >= as_of), None)
    overdue = sum((installment_amount_due(i) for i in unpaid if i.due_date < as_of), ZERO)
    return LoanSummary(
        next_due_date=upcoming.due_date if upcoming else None,
        next_due_number=upcoming.number if upcoming else None,
        next_due_amount=installment_amount_due(upcoming) if upcoming else None,
        overdue_amount=overdue,
        receivable_amount=(
            loan.principal_outstanding_amount
            + loan.interest_receivable_amount
            + loan.fee_receivable_amount
            + loan.penalty_receivable_amount
        ),
    )
