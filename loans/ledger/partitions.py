"""The journal's monthly partitions (issue #20, docs/ledger.md "Partitions").

Entries are partitioned by RANGE of ``id`` and lines by RANGE of ``entry_id``: a new entry's id
is ``YYYYMM`` * 10**10 plus a sequence (``ledger_journal_entry_id()``, the month of posting in
Beijing time), so an entry and its lines land in the partition of the month they were posted,
and every foreign key into the entries keeps pointing at a primary key of ``id`` alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Ids of one month of posting: [YYYYMM * span, next month's).
MONTH_ID_SPAN = 10_000_000_000
MONTHS_AHEAD = 3
ENTRY_TABLE = "loans_journalentry"
LINE_TABLE = "loans_journalline"

_BOUND = re.compile(r"FROM \((MINVALUE|'?(\d+)'?)\) TO \((MAXVALUE|'?(\d+)'?)\)")


def month_first(day: date) -> date:
    return day.replace(day=1)


def months_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_first_id(month: date) -> int:
    """The lowest entry id posted in ``month``."""
    return (month.year * 100 + month.month) * MONTH_ID_SPAN


@dataclass(frozen=True, slots=True)
class Partition:
    """A partition of the entries and its twin of the lines (same bounds)."""

    entries: str
    lines: str
    low: int | None  # None: MINVALUE (the partition the migration made of the old table)
    high: int | None  # None: the default partition

    @property
    def month(self) -> date | None:
        """The month of posting it holds; None for the legacy and default partitions."""
        if self.low is None or self.high is None:
            return None
        return date(self.low // MONTH_ID_SPAN // 100, self.low // MONTH_ID_SPAN % 100, 1)


def partitions_ensure(
    *,
    today: date | None = None,
    months_ahead: int = MONTHS_AHEAD,
    connection: BaseDatabaseWrapper = default_connection,
) -> list[date]:
    """Create the partitions of this month and the ``months_ahead`` next; return those made.

    ``journal_partitions_ensure`` (migration 0007) runs as the tables' owner, so the
    application's role may call it (from beat) though it may not create tables itself.
    """
    first = month_first(today or timezone.localdate())
    created = []
    with connection.cursor() as cursor:
        for n in range(months_ahead + 1):
            month = months_add(first, n)
            cursor.execute("SELECT journal_partitions_ensure(%s)", [month])
            if cursor.fetchone()[0]:
                created.append(month)
    return created


def partitions(*, connection: BaseDatabaseWrapper = default_connection) -> list[Partition]:
    """The entries' partitions, lowest first, the default one last."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass
            """,
            [ENTRY_TABLE],
        )
        rows = cursor.fetchall()
    found = [_partition(name, bound) for name, bound in rows]
    return sorted(found, key=lambda p: (p.high is None, p.low or 0))


def _partition(name: str, bound: str) -> Partition:
    lines = LINE_TABLE + name.removeprefix(ENTRY_TABLE)
    if bound == "DEFAULT":
        return Partition(entries=name, lines=lines, low=None, high=None)
    match = _BOUND.search(bound)
    if match is None:
        raise ValueError(f"Unexpected bound of {name}: {bound}")
    low = int(match[2]) if match[2] else None
    high = int(match[4]) if match[4] else None
    return Partition(entries=name, lines=lines, low=low, high=high)


def default_partition_rows(*, connection: BaseDatabaseWrapper = default_connection) -> int:
    """Entries in the default partition: none while beat creates months ahead."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ENTRY_TABLE}_default")  # noqa: S608 - fixed
        return int(cursor.fetchone()[0])
