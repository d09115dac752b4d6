"""The loan state machine (issue #3): which status may follow which."""

from __future__ import annotations

from loans.errors import LendingError
from loans.servicing.models import Loan, LoanStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    LoanStatus.PENDING_DISBURSEMENT: frozenset({LoanStatus.ACTIVE, LoanStatus.CANCELLED}),
    LoanStatus.ACTIVE: frozenset({LoanStatus.PAID_OFF, LoanStatus.WRITTEN_OFF}),
    # A reversed payoff reopens the loan (PRODUCT §2.5: corrections replay, never edit).
    LoanStatus.PAID_OFF: frozenset({LoanStatus.ACTIVE}),
    LoanStatus.WRITTEN_OFF: frozenset(),
    LoanStatus.CANCELLED: frozenset(),
}


class LoanTransitionRefused(LendingError):
    code = "loan_state_refused"


def loan_transition(*, loan: Loan, to: LoanStatus) -> None:
    """Set ``loan.status`` to ``to`` (unsaved) if the state machine allows it.

    Raises LoanTransitionRefused.
    """
    if to not in ALLOWED_TRANSITIONS[loan.status]:
        raise LoanTransitionRefused(f"Loan {loan.pk} cannot go from {loan.status} to {to}.")
    loan.status = to
