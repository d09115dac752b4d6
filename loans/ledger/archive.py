"""Closed months of the journal out to a file and back (issue #20, docs/ledger.md "Partitions").

``journal_archive`` detaches the partitions of posting months before a month whose every entry is
booked in a closed accounting period, writes them to one file and drops them;
``journal_restore`` reads such a file back into partitions of the same bounds. Both run as the
tables' owner (they detach, create and drop tables).

The file: one JSON line (the format, and for each table its partition, bounds, row count, sum of
amounts and byte length), then each table's rows in COPY text format, back to back.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from loans.ledger.partitions import (
    ENTRY_TABLE,
    LINE_TABLE,
    Partition,
    month_first,
    month_first_id,
    partitions,
)

FORMAT = "lendportal-journal-archive/1"


class ArchiveRefused(Exception):
    """The months asked for cannot be archived (or the file restored); nothing was changed."""


@dataclass(frozen=True, slots=True)
class ArchivedTable:
    table: str
    parent: str
    low: int | None
    high: int
    rows: int
    amount: str  # sum of abs(amount) of lines, "0" for entries
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "parent": self.parent,
            "low": self.low,
            "high": self.high,
            "rows": self.rows,
            "amount": self.amount,
            "size": self.size,
        }


def archivable(*, before: date, connection: BaseDatabaseWrapper) -> list[Partition]:
    """The partitions wholly before ``before`` (the first day of a month), oldest first.

    Refuses (ArchiveRefused) if an entry of one is booked in a month that is not closed, or if
    the default partition holds entries of those months.
    """
    if before > month_first(timezone.localdate()):
        raise ArchiveRefused("Only months before this one may be archived.")
    limit = month_first_id(before)
    chosen = [
        p for p in partitions(connection=connection) if p.high is not None and p.high <= limit
    ]
    with connection.cursor() as cursor:
        for partition in chosen:
            cursor.execute(
                f"""
                SELECT to_char(coalesce(e.booking_date, e.value_date), 'YYYY-MM')
                FROM {partition.entries} AS e
                WHERE NOT EXISTS (
                    SELECT 1 FROM ledger_accountingperiod AS p
                    WHERE p.closed
                      AND p.month = date_trunc('month', coalesce(e.booking_date, e.value_date))
                )
                LIMIT 1
                """  # noqa: S608 - names from the catalog
            )
            row = cursor.fetchone()
            if row is not None:
                raise ArchiveRefused(
                    f"{partition.entries} holds entries booked in {row[0]}, which is not closed."
                )
        cursor.execute(
            f"SELECT count(*) FROM {ENTRY_TABLE}_default WHERE id < %s",  # noqa: S608
            [limit],
        )
        if cursor.fetchone()[0]:
            raise ArchiveRefused("The default partition holds entries of those months.")
    return chosen


def journal_archive(
    *, before: date, path: Path, connection: BaseDatabaseWrapper
) -> list[ArchivedTable]:
    """Write the archivable partitions (``archivable``) to ``path``, then detach and drop them.

    The rows are read first (readers and postings go on), then, with the partitions locked
    against writes, counted again, detached and dropped in one short transaction: the file is
    complete on disk before any row leaves the database. Returns what was archived (empty:
    nothing to do, no file written).
    """
    chosen = archivable(before=before, connection=connection)
    if not chosen:
        return []
    tables = [(p.lines, LINE_TABLE, p) for p in chosen] + [
        (p.entries, ENTRY_TABLE, p) for p in chosen
    ]
    # Entries first in the file: restored first, so the lines' foreign key finds them.
    tables.sort(key=lambda t: t[1] != ENTRY_TABLE)
    archived: list[ArchivedTable] = []
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        parts: list[Path] = []
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table, parent, partition in tables:
                part = Path(scratch) / table
                size = _copy_out(cursor, table, part)
                rows, amount = _count(cursor, table, parent)
                archived.append(
                    ArchivedTable(
                        table, parent, partition.low, partition.high or 0, rows, amount, size
                    )
                )
                parts.append(part)
        _file_write(path, archived, parts)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for done in archived:
            cursor.execute(f"LOCK TABLE {done.table} IN SHARE MODE")
            if _count(cursor, done.table, done.parent) != (done.rows, done.amount):
                raise ArchiveRefused(f"{done.table} changed while it was written; run again.")
        # Lines first: a detached table of lines would still hold a key into the entries.
        for done in sorted(archived, key=lambda t: t.parent == ENTRY_TABLE):
            cursor.execute(f"ALTER TABLE {done.parent} DETACH PARTITION {done.table}")
            cursor.execute(f"DROP TABLE {done.table}")
    return archived


def journal_restore(*, path: Path, connection: BaseDatabaseWrapper) -> list[ArchivedTable]:
    """Bring the partitions of an archive file back, as they were; refuses if one exists.

    Each table is created apart, filled (no trigger fires: the rows were checked when they were
    posted, and their months are closed), checked against the file's counts and, for lines,
    that their entries, loans and revolving accounts exist (ledger migration 0011 checks that
    per statement, not by foreign key), and attached, which checks its bounds and the entries'
    foreign keys and builds its indexes, in one transaction.
    """
    with path.open("rb") as source:
        header = json.loads(source.readline())
        if header.get("format") != FORMAT:
            raise ArchiveRefused(f"{path} is not a journal archive ({header.get('format')}).")
        tables = [ArchivedTable(**item) for item in header["tables"]]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in tables:
                cursor.execute("SELECT to_regclass(%s)", [table.table])
                if cursor.fetchone()[0] is not None:
                    raise ArchiveRefused(f"{table.table} is in the database already.")
                _restore_table(cursor, table, source)
    return tables


def _restore_table(cursor: Any, table: ArchivedTable, source: Any) -> None:
    cursor.execute(
        f"CREATE TABLE {table.table} (LIKE {table.parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    remaining = table.size
    with cursor.copy(f"COPY {table.table} FROM STDIN") as copy:
        while remaining:
            block = source.read(min(remaining, 1 << 20))
            if not block:
                raise ArchiveRefused(f"The file ends inside {table.table}.")
            copy.write(block)
            remaining -= len(block)
    if _count(cursor, table.table, table.parent) != (table.rows, table.amount):
        raise ArchiveRefused(f"{table.table} does not hold what the file says.")
    if table.parent == LINE_TABLE:
        cursor.execute(f"ALTER TABLE {table.table} ADD PRIMARY KEY (id)")
        _references_check(cursor, table.table)
    low = "MINVALUE" if table.low is None else str(table.low)
    cursor.execute(
        f"ALTER TABLE {table.parent} ATTACH PARTITION {table.table} "
        f"FOR VALUES FROM ({low}) TO ({table.high})"
    )
    cursor.execute("SELECT ledger_journal_partition_guard(%s::regclass)", [table.table])


# What the lines' statement trigger checks when they are posted (ledger migration 0011): their
# entry (restored just before them), loan and revolving account exist.
_REFERENCES_SQL = """
SELECT 'entry', d.id FROM (SELECT DISTINCT entry_id AS id FROM {table}) AS d
WHERE NOT EXISTS (SELECT FROM loans_journalentry AS e WHERE e.id = d.id)
UNION ALL
SELECT 'loan', d.id FROM (SELECT DISTINCT loan_id AS id FROM {table} WHERE loan_id IS NOT NULL) AS d
WHERE NOT EXISTS (SELECT FROM loans_loan AS l WHERE l.id = d.id)
UNION ALL
SELECT 'revolving account', d.id
FROM (SELECT DISTINCT revolving_account_id AS id FROM {table}
      WHERE revolving_account_id IS NOT NULL) AS d
WHERE NOT EXISTS (SELECT FROM revolving_revolvingaccount AS a WHERE a.id = d.id)
LIMIT 1
"""


def _references_check(cursor: Any, table: str) -> None:
    cursor.execute(_REFERENCES_SQL.format(table=table))
    row = cursor.fetchone()
    if row is not None:
        raise ArchiveRefused(f"{table} names {row[0]} {row[1]}, which is not in the database.")


def _copy_out(cursor: Any, table: str, part: Path) -> int:
    size = 0
    with part.open("wb") as out, cursor.copy(f"COPY {table} TO STDOUT") as copy:
        for block in copy:
            out.write(block)
            size += len(block)
    return size


def _count(cursor: Any, table: str, parent: str) -> tuple[int, str]:
    amount = "sum(abs(amount))" if parent == LINE_TABLE else "0"
    cursor.execute(f"SELECT count(*), coalesce({amount}, 0) FROM {table}")  # noqa: S608
    rows, total = cursor.fetchone()
    return int(rows), str(Decimal(total))


def _file_write(path: Path, tables: list[ArchivedTable], parts: list[Path]) -> None:
    header = {"format": FORMAT, "tables": [t.as_json() for t in tables]}
    with path.open("wb") as out:
        out.write(json.dumps(header).encode() + b"\n")
        for part in parts:
            with part.open("rb") as source:
                while block := source.read(1 << 20):
                    out.write(block)
        out.flush()
        os.fsync(out.fileno())
