"""The trial balance and the journal of a period, for the accounting system (PRODUCT §13).

An entry belongs to the day it is booked: ``booking_date`` when it has one (a back-dated posting
into a closed month), otherwise its value date. Amounts are debit-positive, as in the journal.
The journal is read with a server-side cursor in chunks, so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from loans.ledger.models import ACCOUNT_KINDS, AccountCode
from loans.ledger.partitions import month_first, month_first_id, months_add, partitions

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    """One account: balances signed debit +, credit -; ``debits``/``credits`` both ≥ 0."""

    account: str
    name: str
    kind: str
    opening: Decimal
    debits: Decimal
    credits: Decimal
    closing: Decimal


_TRIAL_BALANCE = """
    SELECT l.account,
           coalesce(sum(l.amount) FILTER (WHERE d.booked < %(start)s), 0),
           coalesce(sum(l.amount) FILTER (WHERE d.booked >= %(start)s AND l.amount > 0), 0),
           coalesce(-sum(l.amount) FILTER (WHERE d.booked >= %(start)s AND l.amount < 0), 0)
    FROM loans_journalline AS l
    JOIN loans_journalentry AS e ON e.id = l.entry_id
    CROSS JOIN LATERAL (SELECT coalesce(e.booking_date, e.value_date) AS booked) AS d
    WHERE d.booked <= %(end)s
    GROUP BY l.account
"""


def trial_balance(*, start: date, end: date) -> list[TrialBalanceRow]:
    """Every account of the chart: opening (before ``start``), the debits and credits booked
    from ``start`` to ``end`` inclusive, and closing = opening + debits - credits."""
    if end < start:
        raise ValueError(f"The period ends ({end}) before it starts ({start}).")
    with connection.cursor() as cursor:
        cursor.execute(_TRIAL_BALANCE, {"start": start, "end": end})
        sums = {account: (opening, debits, credits) for account, opening, debits, credits in cursor}
    rows = []
    for code in AccountCode:
        opening, debits, credits = sums.pop(code.value, (ZERO, ZERO, ZERO))
        rows.append(
            TrialBalanceRow(
                account=code.value,
                name=str(code.label),
                kind=str(ACCOUNT_KINDS[code]),
                opening=Decimal(opening).quantize(ZERO),
                debits=Decimal(debits).quantize(ZERO),
                credits=Decimal(credits).quantize(ZERO),
                closing=Decimal(opening + debits - credits).quantize(ZERO),
            )
        )
    if sums:  # pragma: no cover - the journal's check constraint allows only the chart's codes
        raise RuntimeError(f"Accounts outside the chart: {sorted(sums)}")
    return rows


def trial_balance_totals(rows: list[TrialBalanceRow]) -> TrialBalanceRow:
    """The total row: opening and closing sum to 0.00 and debits equal credits when balanced."""
    return TrialBalanceRow(
        account="TOTAL",
        name="Total",
        kind="",
        opening=sum((r.opening for r in rows), ZERO),
        debits=sum((r.debits for r in rows), ZERO),
        credits=sum((r.credits for r in rows), ZERO),
        closing=sum((r.closing for r in rows), ZERO),
    )


@dataclass(frozen=True, slots=True)
class JournalRow:
    entry_id: int
    line_id: int
    booking_date: date
    value_date: date
    entry_type: str
    account: str
    debit: Decimal
    credit: Decimal
    loan_id: int | None
    revolving_account_id: int | None
    installment_number: int | None
    reverses_entry_id: int | None
    memo: str
    posted_at: datetime


# Entries booked in the period: by value date when not booked late, else by booking date (each
# side has its index), in the order they were posted.
_JOURNAL = """
    SELECT e.id, l.id, coalesce(e.booking_date, e.value_date), e.value_date, e.entry_type,
           l.account, l.amount, l.loan_id, l.revolving_account_id, l.installment_number,
           e.reverses_id, e.memo, e.posted_at
    FROM loans_journalentry AS e
    JOIN loans_journalline AS l ON l.entry_id = e.id
    WHERE (e.booking_date IS NULL AND e.value_date BETWEEN %(start)s AND %(end)s)
       OR (e.booking_date BETWEEN %(start)s AND %(end)s)
    ORDER BY e.id, l.id
"""


def journal_rows(*, start: date, end: date, chunk: int = 5000) -> Iterator[JournalRow]:
    """Every line booked from ``start`` to ``end``, streamed ``chunk`` rows at a time.

    Runs in one read transaction (a server-side cursor lives in a transaction), so the export
    is one consistent snapshot even while postings continue.
    """
    if end < start:
        raise ValueError(f"The period ends ({end}) before it starts ({start}).")
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(_JOURNAL, {"start": start, "end": end})
        while batch := cursor.fetchmany(chunk):
            for row in batch:
                yield _journal_row(row)


# A loan's lines posted in one month (docs/ledger.md "Partitions"): the id bounds of the month
# let PostgreSQL read that month's partitions only; entries posted before the journal was
# partitioned sit in the legacy partition, read by their posting time.
_LOAN_MONTH = """
    SELECT e.id, l.id, coalesce(e.booking_date, e.value_date), e.value_date, e.entry_type,
           l.account, l.amount, l.loan_id, l.revolving_account_id, l.installment_number,
           e.reverses_id, e.memo, e.posted_at
    FROM loans_journalline AS l
    JOIN loans_journalentry AS e ON e.id = l.entry_id
    WHERE l.loan_id = %(loan)s
      AND ((l.entry_id >= %(low)s AND l.entry_id < %(high)s
            AND e.id >= %(low)s AND e.id < %(high)s){legacy})
    ORDER BY e.id, l.id
"""
_LOAN_MONTH_LEGACY = """
           OR (l.entry_id < %(legacy)s AND e.id < %(legacy)s
               AND e.posted_at >= %(since)s AND e.posted_at < %(until)s)"""


def loan_month_sql(*, loan_id: int, month: date) -> tuple[str, dict[str, Any]]:
    """The query of ``loan_month_lines`` and its parameters (EXPLAIN reads them too)."""
    first = month_first(month)
    following = months_add(first, 1)
    legacy = next((p.high for p in partitions() if p.low is None and p.high is not None), 0)
    zone = timezone.get_default_timezone()
    params: dict[str, Any] = {
        "loan": loan_id,
        "low": month_first_id(first),
        "high": month_first_id(following),
        "legacy": legacy,
        "since": datetime.combine(first, time.min, tzinfo=zone),
        "until": datetime.combine(following, time.min, tzinfo=zone),
    }
    # Past the month the journal was partitioned in, no legacy row can be of the month.
    clause = _LOAN_MONTH_LEGACY if legacy >= month_first_id(first) else ""
    return _LOAN_MONTH.replace("{legacy}", clause), params


def loan_month_lines(*, loan_id: int, month: date) -> list[JournalRow]:
    """Loan ``loan_id``'s journal lines posted in ``month`` (Beijing time), in posting order."""
    sql, params = loan_month_sql(loan_id=loan_id, month=month)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_journal_row(row) for row in cursor.fetchall()]


def _journal_row(row: tuple[Any, ...]) -> JournalRow:
    amount: Decimal = row[6]
    return JournalRow(
        entry_id=row[0],
        line_id=row[1],
        booking_date=row[2],
        value_date=row[3],
        entry_type=row[4],
        account=row[5],
        debit=amount if amount > 0 else ZERO,
        credit=-amount if amount < 0 else ZERO,
        loan_id=row[7],
        revolving_account_id=row[8],
        installment_number=row[9],
        reverses_entry_id=row[10],
        memo=row[11],
        posted_at=row[12],
    )
