from decimal import Decimal

from loans.ledger.models import JournalLine
from loans.ledger.reconciliation import books_reconcile
from loans.servicing.models import Loan


def assert_books_reconcile() -> None:
    failed = [(r.name, r.failures) for r in books_reconcile() if not r.ok]
    assert failed == []


def loan_state(loan: Loan) -> dict[str, object]:
    """Everything a refused operation must leave unchanged."""
    loan.refresh_from_db()
    return {
        "status": loan.status,
        "balances": (
            loan.principal_outstanding_amount,
            loan.interest_receivable_amount,
            loan.fee_receivable_amount,
            loan.penalty_receivable_amount,
            loan.advance_amount,
            loan.overpayment_amount,
        ),
        "lines": JournalLine.objects.count(),
        "ledger_total": sum(JournalLine.objects.values_list("amount", flat=True), Decimal(0)),
        "installments": list(
            loan.installments.values_list(
                "number",
                "principal_amount",
                "interest_amount",
                "principal_paid_amount",
                "interest_paid_amount",
                "interest_accrued_amount",
                "paid_date",
            )
        ),
        "line_used": loan.credit_line.used_amount,
        "repayments": list(loan.repayments.values_list("id", "status")),
    }
