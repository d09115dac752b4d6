"""The one way money moves: balanced, append-only journal entries (PRODUCT §3).

``entry_post`` writes an entry and its lines in one statement; PostgreSQL refuses unbalanced
entries and any change to posted ones (migrations loans.0002 and loans.0007). The journal knows a
loan only as the id its lines carry (the sub-ledger): servicing's ``loan_entry_post`` posts here
and moves the loan's balance columns by the same lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.periods import booking_date_for


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
    loan_id: int | None = None,
    key: str | None = None,
    reverses: JournalEntry | None = None,
    memo: str = "",
    user: User | None = None,
    revolving_account_id: int | None = None,
    back_dated: bool = False,
) -> JournalEntry:
    """Post a balanced entry, its lines in the sub-ledger of loan ``loan_id`` or of revolving
    account ``revolving_account_id`` (if given).

    Zero lines are dropped. Raises EntryNotBalanced when the lines do not sum to 0.00 or fewer
    than two remain (the database would refuse it too). A ``value_date`` in a closed accounting
    period raises PeriodClosed, unless ``back_dated`` (a repayment received late and what it
    replays): then the entry is booked on the first open day after it, keeping its value date
    (``loans.ledger.periods``; the database refuses an entry booked in a closed period too).
    """
    kept = lines_kept(lines)
    if len(kept) < 2 or sum((line.amount for line in kept), Decimal("0")) != 0:
        raise EntryNotBalanced(f"{entry_type} entry is not balanced: {kept}")
    entry = JournalEntry(
        entry_type=entry_type,
        value_date=value_date,
        booking_date=booking_date_for(value_date, back_dated=back_dated),
        loan_id=loan_id,
        key=key,
        reverses=reverses,
        memo=memo[:200],
        created_by=user,
        posted_at=timezone.now(),
    )
    _entry_and_lines_insert(entry, kept, revolving_account_id)
    return entry


def lines_kept(lines: Sequence[Line]) -> list[Line]:
    """The lines an entry keeps: every one but those of 0.00."""
    return [line for line in lines if line.amount != 0]


# The entry and its lines in one statement (every money movement runs it).
_ENTRY_INSERT = """
    WITH entry AS (
        INSERT INTO loans_journalentry
            (entry_type, value_date, booking_date, loan_id, reverses_id, key, memo,
             created_by_id, posted_at)
        VALUES (%(entry_type)s, %(value_date)s, %(booking_date)s, %(loan)s, %(reverses)s,
                %(key)s, %(memo)s, %(user)s, %(posted_at)s)
        RETURNING id
    ), lines AS (
        INSERT INTO loans_journalline
            (entry_id, account, loan_id, revolving_account_id, installment_number, amount)
        SELECT entry.id, line.account, %(loan)s, %(revolving)s, line.number, line.amount
        FROM entry, unnest(%(accounts)s::varchar[], %(numbers)s::smallint[], %(amounts)s::numeric[])
             WITH ORDINALITY AS line(account, number, amount, n)
        ORDER BY line.n
    )
    SELECT id FROM entry
"""


def _entry_and_lines_insert(
    entry: JournalEntry, lines: Sequence[Line], revolving_account_id: int | None = None
) -> None:
    """Insert ``entry`` (unsaved) and its lines; the entry gets its id and is saved."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_INSERT,
            {
                "entry_type": str(entry.entry_type),
                "value_date": entry.value_date,
                "booking_date": entry.booking_date,
                "loan": entry.loan_id,
                "revolving": revolving_account_id,
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


def entry_mirror_lines(entry: JournalEntry) -> list[Line]:
    """The lines that undo ``entry``: each of its lines with the opposite sign."""
    return [
        Line(AccountCode(line.account), -line.amount, line.installment_number)
        for line in entry.lines.all()
    ]


@transaction.atomic
def entry_reverse(
    *,
    entry: JournalEntry,
    value_date: date,
    memo: str = "",
    user: User | None = None,
    back_dated: bool = False,
) -> JournalEntry:
    """Post the mirror image of ``entry``, linked to it; an entry is reversed at most once.

    Only the journal: servicing's ``loan_entry_reverse`` also moves the loan's balances.
    Raises EntryAlreadyReversed.
    """
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise EntryAlreadyReversed(f"Entry {entry.pk} is already reversed.")
    return entry_post(
        entry_type=EntryType.REVERSAL,
        value_date=value_date,
        lines=entry_mirror_lines(entry),
        loan_id=entry.loan_id,
        revolving_account_id=None if entry.loan_id else _revolving_account_of(entry),
        reverses=entry,
        memo=memo or f"Reversal of entry {entry.pk}",
        user=user,
        back_dated=back_dated,
    )


def _revolving_account_of(entry: JournalEntry) -> int | None:
    # A line is in one sub-ledger at most (journal_line_one_subledger): a loan's entry has none.
    return entry.lines.values_list("revolving_account_id", flat=True).first()
