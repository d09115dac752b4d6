"""Ledger migration 0007 partitions a journal of the previous schema without losing a line.

The test database goes back to ledger 0006 (the reverse of 0007, which gives the old tables back
whole), gets entries and lines in that schema by raw SQL (with a key and a reversal), and goes
forward again: every line keeps its id, entry, account and amount, in the partition the old table
became; its guards hold; the old key is still unique; a new posting lands in this month's.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from loans.ledger.models import AccountCode, EntryType
from loans.ledger.partitions import MONTH_ID_SPAN
from loans.ledger.services import credit, debit, entry_post
from tests.database import migrate_as_owner

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("ledger", "0006_accounting_periods")
AFTER = ("ledger", "0007_journal_partitions")


@pytest.fixture
def old_schema() -> Iterator[None]:
    migrate_as_owner([BEFORE])
    try:
        yield
    finally:
        migrate_as_owner(None)


def journal() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.entry_id, l.account, l.amount, e.key, e.reverses_id, e.value_date "
            "FROM loans_journalline AS l JOIN loans_journalentry AS e ON e.id = l.entry_id "
            "ORDER BY l.id"
        )
        return list(cursor.fetchall())


OLD_ENTRY = (
    "WITH e AS (INSERT INTO loans_journalentry"
    " (entry_type, value_date, memo, posted_at, key, reverses_id) "
    "VALUES ('MANUAL_ADJUSTMENT', %s, 'old', now(), %s, %s) RETURNING id) "
    "INSERT INTO loans_journalline (entry_id, account, amount) "
    "SELECT id, a, m FROM e,"
    " (VALUES ('CASH', %s::numeric), ('FEE_INCOME', -%s::numeric)) AS v(a, m) "
    "RETURNING entry_id"
)


def test_a_journal_of_the_previous_schema_is_partitioned_without_losing_a_line(
    old_schema: None,
) -> None:
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'loans_journalentry'")
        assert cursor.fetchone() == ("r",)  # the previous schema: a plain table
        entries = []
        for n in range(1, 6):
            cursor.execute(OLD_ENTRY, [today, f"old-{n}", None, Decimal(n), Decimal(n)])
            entries.append(cursor.fetchall()[0][0])
        cursor.execute(OLD_ENTRY, [today, None, entries[0], Decimal(-1), Decimal(-1)])
    before = journal()

    migrate_as_owner([AFTER])

    assert journal() == before
    assert len(before) == 12
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'loans_journalentry'")
        assert cursor.fetchone() == ("p",)
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM loans_journalline")
        assert cursor.fetchall() == [("loans_journalline_legacy",)]
        cursor.execute("SELECT count(*) FROM ledger_journalentry_unique")
        assert cursor.fetchone() == (6,)  # five keys and one reversal
    lines = [
        debit(AccountCode.CASH, Decimal("1.00")),
        credit(AccountCode.FEE_INCOME, Decimal("1.00")),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        entry_post(
            entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=today, lines=lines, key="old-3"
        )
    entry = entry_post(
        entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=today, lines=lines, key="new"
    )
    assert entry.pk // MONTH_ID_SPAN == today.year * 100 + today.month
    assert journal()[: len(before)] == before
