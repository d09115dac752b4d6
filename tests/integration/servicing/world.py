"""The servicing world as one value: what a refused operation must leave as it was.

Shared by the state machine (test_stateful.py) and the sequences it found
(test_stateful_sequences.py): journal counts, every loan's balances and status, every
installment's amounts, the credit lines' used amounts and the repayments' statuses.
"""

from __future__ import annotations

from typing import Any

from loans.ledger.models import JournalEntry, JournalLine
from loans.servicing.models import CreditLine, Installment, Loan, Repayment

LOAN_BALANCES = (
    "principal_outstanding_amount",
    "interest_receivable_amount",
    "fee_receivable_amount",
    "penalty_receivable_amount",
    "advance_amount",
    "overpayment_amount",
)
INSTALLMENT_AMOUNTS = (
    "principal_amount",
    "interest_amount",
    "fee_amount",
    "accrual_base_amount",
    "interest_accrued_amount",
    "fee_charged_amount",
    "penalty_charged_amount",
    "principal_paid_amount",
    "interest_paid_amount",
    "fee_paid_amount",
    "penalty_paid_amount",
    "interest_waived_amount",
    "fee_waived_amount",
    "penalty_waived_amount",
)


def world() -> dict[str, Any]:
    """Everything a refused operation must leave as it was."""
    return {
        "entries": JournalEntry.objects.count(),
        "lines": JournalLine.objects.count(),
        "loans": list(Loan.objects.order_by("id").values_list("id", "status", *LOAN_BALANCES)),
        "installments": list(
            Installment.objects.order_by("loan_id", "number").values_list(
                "loan_id", "number", "due_date", "paid_date", *INSTALLMENT_AMOUNTS
            )
        ),
        "lines_used": list(CreditLine.objects.order_by("id").values_list("id", "used_amount")),
        "repayments": list(Repayment.objects.order_by("id").values_list("id", "status")),
    }
