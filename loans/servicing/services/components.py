"""What a payment component maps to: its receivable account and its paid column; the line."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from loans.domain.allocation import Component
from loans.errors import LendingError
from loans.ledger.models import AccountCode, JournalEntry
from loans.servicing.models import CreditLine, Loan
from loans.servicing.services.installments import Change

RECEIVABLE = {
    Component.PENALTY: AccountCode.PENALTY_RECEIVABLE,
    Component.FEE: AccountCode.FEE_RECEIVABLE,
    Component.INTEREST: AccountCode.INTEREST_RECEIVABLE,
    Component.PRINCIPAL: AccountCode.PRINCIPAL_RECEIVABLE,
}
PAID_FIELD = {
    Component.PENALTY: "penalty_paid_amount",
    Component.FEE: "fee_paid_amount",
    Component.INTEREST: "interest_paid_amount",
    Component.PRINCIPAL: "principal_paid_amount",
}
_PAID_FIELD_BY_ACCOUNT: dict[str, str] = {RECEIVABLE[c]: PAID_FIELD[c] for c in Component}


_RELEASE_SQL = f"""
UPDATE {CreditLine._meta.db_table}
SET used_amount = used_amount - %(principal)s, updated_at = %(now)s
WHERE id = %(line)s AND used_amount <= limit_amount + %(principal)s
"""  # noqa: S608 - the model's table


class CreditLineOverdrawn(LendingError):
    code = "credit_line_overdrawn"


def credit_line_release(loan: Loan, principal: Decimal) -> None:
    """Give repaid principal back to the credit line (a negative amount takes it again).

    Raises CreditLineOverdrawn when taking it again would put the line above its limit (a
    correction after the freed amount was drawn again): the caller's transaction rolls back.
    """
    if not principal:
        return
    # One conditional UPDATE: the loan's row is locked by the caller, the line's row by this.
    # Plain SQL: every repayment runs it, and the ORM took longer to compile it than to run it.
    with connection.cursor() as cursor:
        cursor.execute(
            _RELEASE_SQL,
            {"principal": principal, "now": timezone.now(), "line": loan.credit_line_id},
        )
        moved = cursor.rowcount
    if not moved:
        raise CreditLineOverdrawn(
            "The repaid amount has been drawn again on the credit line; this correction "
            "would put the line above its limit. Collect the amount first, or raise the limit."
        )


def payments_in(entry: JournalEntry) -> list[Change]:
    """Return the installment payments an entry made: its credits to receivables."""
    return [
        Change(
            line.installment_number, _PAID_FIELD_BY_ACCOUNT[AccountCode(line.account)], -line.amount
        )
        for line in entry.lines.all()
        if line.installment_number is not None
        and line.account in _PAID_FIELD_BY_ACCOUNT
        and line.amount < 0
    ]
