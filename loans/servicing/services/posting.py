"""Posting to a loan's sub-ledger: the journal entry and the loan's balance columns together.

Every service that moves a loan's money calls ``loan_entry_post``; it posts the entry through the
ledger and moves the loan's balance columns by the same lines, so the balances are always the sum
of the loan's sub-ledger (``manage.py reconcile`` proves it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from accounts.models import User
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import (
    EntryAlreadyReversed,
    Line,
    entry_mirror_lines,
    entry_post,
    lines_kept,
)
from loans.servicing.models import Loan

# Loan balance column ← account, with the sign that turns a line amount (debit > 0) into the
# balance's movement: assets grow with debits, liabilities with credits.
BALANCE_FIELDS: dict[AccountCode, tuple[str, int]] = {
    AccountCode.PRINCIPAL_RECEIVABLE: ("principal_outstanding_amount", 1),
    AccountCode.INTEREST_RECEIVABLE: ("interest_receivable_amount", 1),
    AccountCode.FEE_RECEIVABLE: ("fee_receivable_amount", 1),
    AccountCode.PENALTY_RECEIVABLE: ("penalty_receivable_amount", 1),
    AccountCode.ADVANCE_LIABILITY: ("advance_amount", -1),
    AccountCode.OVERPAYMENT_LIABILITY: ("overpayment_amount", -1),
}


@transaction.atomic
def loan_entry_post(
    *,
    entry_type: EntryType,
    value_date: date,
    lines: Sequence[Line],
    loan: Loan | None = None,
    key: str | None = None,
    reverses: JournalEntry | None = None,
    memo: str = "",
    user: User | None = None,
    back_dated: bool = False,
) -> JournalEntry:
    """Post a balanced entry and move the loan's balances by its lines.

    Zero lines are dropped. Raises EntryNotBalanced when the lines do not sum to 0.00 or fewer
    than two remain (the database would refuse it too), PeriodClosed when ``value_date`` is in
    a closed accounting period and the posting is not ``back_dated`` (see ``entry_post``).
    """
    entry = entry_post(
        entry_type=entry_type,
        value_date=value_date,
        lines=lines,
        loan_id=loan.pk if loan is not None else None,
        key=key,
        reverses=reverses,
        memo=memo,
        user=user,
        back_dated=back_dated,
    )
    if loan is not None:
        _move_loan_balances(loan, lines_kept(lines))
    return entry


@transaction.atomic
def loan_entry_reverse(
    *,
    entry: JournalEntry,
    value_date: date,
    memo: str = "",
    user: User | None = None,
    back_dated: bool = False,
) -> JournalEntry:
    """Post the mirror image of ``entry``, linked to it, and move its loan's balances back.

    An entry is reversed at most once. Raises EntryAlreadyReversed.
    """
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise EntryAlreadyReversed(f"Entry {entry.pk} is already reversed.")
    return loan_entry_post(
        entry_type=EntryType.REVERSAL,
        value_date=value_date,
        lines=entry_mirror_lines(entry),
        loan=entry.loan,
        reverses=entry,
        memo=memo or f"Reversal of entry {entry.pk}",
        user=user,
        back_dated=back_dated,
    )


def _move_loan_balances(loan: Loan, lines: Iterable[Line]) -> None:
    moves: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.account in BALANCE_FIELDS:
            field, sign = BALANCE_FIELDS[line.account]
            moves[field] += sign * line.amount
    if not moves:
        return
    # UPDATE ... RETURNING: the new balances come back with the update, in one round trip.
    columns = list(moves)  # the balance fields are named as their columns
    assignments = ", ".join(f'"{column}" = "{column}" + %s' for column in columns)
    returned = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Loan._meta.db_table}" SET {assignments} WHERE "id" = %s '  # noqa: S608 - BALANCE_FIELDS names
            f"RETURNING {returned}",
            [*moves.values(), loan.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Loan.DoesNotExist(f"Loan {loan.pk} does not exist.")
    for name, value in zip(moves, row, strict=True):
        setattr(loan, name, value)
