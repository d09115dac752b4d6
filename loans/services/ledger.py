"""The one way money moves: balanced, append-only journal entries (PRODUCT §3).

Every service that moves money calls ``entry_post``; it writes the entry and its lines and
moves the loan's balance columns by the same amounts, so the balances are always the sum of the
loan's sub-ledger (``manage.py reconcile`` proves it). PostgreSQL refuses unbalanced entries and
any change to posted ones (migration loans.0002).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from loans.errors import LendingError
from loans.models import AccountCode, EntryType, JournalEntry, Loan

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


class EntryNotBalanced(LendingError):
    code = "entry_not_balanced"


class EntryAlreadyReversed(LendingError):
    code = "entry_already_reversed"


@dataclass(frozen=True, slots=True)
class Line:
    """One side of an entry: ``amount`` > 0 debits ``account``, < 0 credits it."""

    account: AccountCode
    amount: Decimal
    installment_number: int | None = None


def debit(account: AccountCode, amount: Decimal, installment_number: int | None = None) -> Line:
    return Line(account, amount, installment_number)


def credit(account: AccountCode, amount: Decimal, installment_number: int | None = None) -> Line:
    return Line(account, -amount, installment_number)


@transaction.atomic
def entry_post(
    *,
    entry_type: EntryType,
    value_date: date,
    lines: Sequence[Line],
    loan: Loan | None = None,
    key: str | None = None,
    reverses: JournalEntry | None = None,
    memo: str = "",
    user: User | None = None,
) -> JournalEntry:
    """Post a balanced entry and move the loan's balances by its lines.

    Zero lines are dropped. Raises EntryNotBalanced when the lines do not sum to 0.00 or fewer
    than two remain (the database would refuse it too).
    """
    kept = [line for line in lines if line.amount != 0]
    if len(kept) < 2 or sum((line.amount for line in kept), Decimal("0")) != 0:
        raise EntryNotBalanced(f"{entry_type} entry is not balanced: {kept}")
    entry = JournalEntry(
        entry_type=entry_type,
        value_date=value_date,
        loan=loan,
        key=key,
        reverses=reverses,
        memo=memo[:200],
        created_by=user,
        posted_at=timezone.now(),
    )
    _entry_and_lines_insert(entry, kept)
    if loan is not None:
        _move_loan_balances(loan, kept)
    return entry


# The entry and its lines in one statement (every money movement runs it).
_ENTRY_INSERT = """
    WITH entry AS (
        INSERT INTO loans_journalentry
            (entry_type, value_date, loan_id, reverses_id, key, memo, created_by_id, posted_at)
        VALUES (%(entry_type)s, %(value_date)s, %(loan)s, %(reverses)s, %(key)s, %(memo)s,
                %(user)s, %(posted_at)s)
        RETURNING id
    ), lines AS (
        INSERT INTO loans_journalline (entry_id, account, loan_id, installment_number, amount)
        SELECT entry.id, line.account, %(loan)s, line.number, line.amount
        FROM entry, unnest(%(accounts)s::varchar[], %(numbers)s::smallint[], %(amounts)s::numeric[])
             WITH ORDINALITY AS line(account, number, amount, n)
        ORDER BY line.n
    )
    SELECT id FROM entry
"""


def _entry_and_lines_insert(entry: JournalEntry, lines: Sequence[Line]) -> None:
    """Insert ``entry`` (unsaved) and its lines; the entry gets its id and is saved."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_INSERT,
            {
                "entry_type": str(entry.entry_type),
                "value_date": entry.value_date,
                "loan": entry.loan_id,
                "reverses": entry.reverses_id,
                "key": entry.key,
                "memo": entry.memo,
                "user": entry.created_by_id,
                "posted_at": entry.posted_at,
                "accounts": [str(line.account) for line in lines],
                "numbers": [line.installment_number for line in lines],
                "amounts": [line.amount for line in lines],
            },
        )
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - INSERT ... RETURNING returns its row or raises
        raise RuntimeError("The journal entry was not inserted.")
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias


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


@transaction.atomic
def entry_reverse(
    *, entry: JournalEntry, value_date: date, memo: str = "", user: User | None = None
) -> JournalEntry:
    """Post the mirror image of ``entry``, linked to it; an entry is reversed at most once.

    Raises EntryAlreadyReversed.
    """
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise EntryAlreadyReversed(f"Entry {entry.pk} is already reversed.")
    lines = [
        Line(AccountCode(line.account), -line.amount, line.installment_number)
        for line in entry.lines.all()
    ]
    return entry_post(
        entry_type=EntryType.REVERSAL,
        value_date=value_date,
        lines=lines,
        loan=entry.loan,
        reverses=entry,
        memo=memo or f"Reversal of entry {entry.pk}",
        user=user,
    )
