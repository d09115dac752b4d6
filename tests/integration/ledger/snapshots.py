"""The journal and a loan's balances as values: what a refused write must leave as it was.

Shared by the tests of the database's guards (test_ledger_guards.py) and of the ledger service
(test_ledger_posting.py); VALUE_DATE is the value date of the entries they post.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from loans.ledger.models import JournalEntry, JournalLine
from loans.servicing.models import Loan

VALUE_DATE = date(2027, 2, 1)
BALANCE_COLUMNS = (
    "principal_outstanding_amount",
    "interest_receivable_amount",
    "fee_receivable_amount",
    "penalty_receivable_amount",
    "advance_amount",
    "overpayment_amount",
)


def journal() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Decimal]:
    """Return every entry and line as it is stored, and the sum of all lines."""
    entries = list(
        JournalEntry.objects.order_by("id").values_list(
            "id", "entry_type", "value_date", "loan_id", "reverses_id", "key", "memo", "posted_at"
        )
    )
    lines = list(
        JournalLine.objects.order_by("id").values_list(
            "id", "entry_id", "account", "loan_id", "installment_number", "amount"
        )
    )
    total = JournalLine.objects.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return entries, lines, total


def balances(loan: Loan) -> dict[str, Decimal]:
    return dict(Loan.objects.values(*BALANCE_COLUMNS).get(pk=loan.pk))
