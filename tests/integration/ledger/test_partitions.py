"""The journal partitioned by month of posting (issue #20, docs/ledger.md "Partitions").

Postings land in the partition of their month; beat's ``journal_partitions_ensure`` makes months
ahead with the guards on; the database guards of the ledger (balanced, whole, append-only, no
truncate, closed periods) hold on every partition, tried by raw SQL as the owner on the partition
the migration made of the old table and on a monthly one; keys stay unique across partitions; a
loan's statement of a month reads that month's partitions only (EXPLAIN).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.partitions import (
    MONTH_ID_SPAN,
    default_partition_rows,
    month_first_id,
    months_add,
    partitions,
    partitions_ensure,
)
from loans.ledger.services import credit, debit, entry_post
from loans.ledger.statements import loan_month_lines, loan_month_sql
from loans.servicing.models import Loan
from tests.database import owner_connection

pytestmark = pytest.mark.django_db

CHECK_VIOLATION = "23514"
RESTRICT_VIOLATION = "23001"
ENTRY_GUARDS = {
    "journal_entry_append_only",
    "journal_entry_has_lines",
    "journal_entry_no_truncate",
    "journal_entry_period_open",
    "journal_entry_unique",
}
LINE_GUARDS = {"journal_line_append_only", "journal_line_balanced", "journal_line_no_truncate"}


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def post(key: str | None = None, value_date: date | None = None) -> JournalEntry:
    return entry_post(
        entry_type=EntryType.MANUAL_ADJUSTMENT,
        value_date=value_date or timezone.localdate(),
        lines=[
            debit(AccountCode.CASH, Decimal("10.00")),
            credit(AccountCode.FEE_INCOME, Decimal("10.00")),
        ],
        key=key,
    )


def test_a_posting_lands_in_the_partition_of_its_month() -> None:
    entry = post()
    month = this_month()

    assert entry.pk // MONTH_ID_SPAN == month.year * 100 + month.month
    assert raw(
        "SELECT DISTINCT tableoid::regclass::text FROM loans_journalentry WHERE id = %s", [entry.pk]
    ) == [(f"loans_journalentry_p{month:%Y%m}",)]
    assert raw(
        "SELECT DISTINCT tableoid::regclass::text FROM loans_journalline WHERE entry_id = %s",
        [entry.pk],
    ) == [(f"loans_journalline_p{month:%Y%m}",)]
    assert default_partition_rows() == 0


def test_beat_makes_the_months_ahead_once_with_their_guards() -> None:
    made = partitions_ensure(today=date(2031, 1, 20))

    assert made == [date(2031, 1, 1), date(2031, 2, 1), date(2031, 3, 1), date(2031, 4, 1)]
    assert partitions_ensure(today=date(2031, 1, 20)) == []
    bounds = {p.entries: (p.low, p.high) for p in partitions()}
    assert bounds["loans_journalentry_p203102"] == (
        month_first_id(date(2031, 2, 1)),
        month_first_id(date(2031, 3, 1)),
    )
    assert guards("loans_journalentry_p203102") == {(name, "A") for name in ENTRY_GUARDS}
    assert guards("loans_journalline_p203102") == {(name, "A") for name in LINE_GUARDS}


def guards(table: str) -> set[tuple[str, str]]:
    return set(
        raw(
            "SELECT tgname, tgenabled FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
    )


def test_every_partition_carries_every_guard_enabled_always() -> None:
    found = partitions()
    assert {p.entries for p in found} >= {
        "loans_journalentry_legacy",
        "loans_journalentry_default",
        f"loans_journalentry_p{this_month():%Y%m}",
        f"loans_journalentry_p{months_add(this_month(), 3):%Y%m}",
    }
    for partition in found:
        assert guards(partition.entries) == {(name, "A") for name in ENTRY_GUARDS}, partition
        assert guards(partition.lines) == {(name, "A") for name in LINE_GUARDS}, partition


@contextmanager
def owner_transaction() -> Iterator[psycopg.Connection[Any]]:
    """The owner's connection in a transaction rolled back at the end."""
    with owner_connection() as owner:
        owner.ensure_connection()
        pg = owner.connection
        with pg.transaction(force_rollback=True):
            yield pg


@contextmanager
def refused(pg: psycopg.Connection[Any], sqlstate: str) -> Iterator[None]:
    with pytest.raises(psycopg.Error) as caught, pg.transaction():
        yield
    assert caught.value.sqlstate == sqlstate, str(caught.value)


ENTRY_SQL = (
    "INSERT INTO {table} (id, entry_type, value_date, memo, posted_at) "
    "VALUES (%s, 'MANUAL_ADJUSTMENT', %s, 'raw', now())"
)
LINES_SQL = (
    "INSERT INTO {table} (entry_id, account, amount) "
    "VALUES (%s, 'CASH', %s), (%s, 'FEE_INCOME', %s)"
)


@pytest.mark.parametrize("which", ["legacy", "month"])
def test_the_guards_hold_on_an_old_and_a_new_partition(which: str) -> None:
    """Raw SQL as the owner, through the parent and on the partition itself."""
    month = this_month()
    first_id = 1_000 if which == "legacy" else month_first_id(month) + 9_000_000_000
    suffix = "legacy" if which == "legacy" else f"p{month:%Y%m}"
    entries, lines = f"loans_journalentry_{suffix}", f"loans_journalline_{suffix}"
    day = timezone.localdate()
    with owner_transaction() as pg:
        # No TRUNCATE (first: it cannot run after this transaction's inserts).
        for tables in (lines, f"{entries} CASCADE"):
            with refused(pg, RESTRICT_VIOLATION):
                pg.execute(f"TRUNCATE {tables}")
        # A balanced entry, through the parent and on the partition itself.
        for n, (entry_table, line_table) in enumerate(
            [("loans_journalentry", "loans_journalline"), (entries, lines)]
        ):
            pg.execute(ENTRY_SQL.format(table=entry_table), [first_id + n, day])
            pg.execute(LINES_SQL.format(table=line_table), [first_id + n, 5, first_id + n, -5])
        assert pg.execute(
            "SELECT count(*), sum(amount) FROM loans_journalline WHERE tableoid = %s::regclass",
            [lines],
        ).fetchone() == (4, 0)
        # Not balanced.
        for table in ("loans_journalline", lines):
            with refused(pg, CHECK_VIOLATION):
                pg.execute(ENTRY_SQL.format(table="loans_journalentry"), [first_id + 2, day])
                pg.execute(LINES_SQL.format(table=table), [first_id + 2, 5, first_id + 2, -6])
        # One more line to a posted entry: not whole.
        with refused(pg, CHECK_VIOLATION):
            pg.execute(
                f"INSERT INTO {lines} (entry_id, account, amount) "  # noqa: S608 - fixed names
                "VALUES (%s, 'CASH', 1), (%s, 'CASH', -1)",
                [first_id, first_id],
            )
        # An entry without lines, at commit.
        with refused(pg, CHECK_VIOLATION):
            pg.execute(ENTRY_SQL.format(table=entries), [first_id + 3, day])
            pg.execute("SET CONSTRAINTS journal_entry_has_lines IMMEDIATE")
        # Append-only.
        for statement in (
            f"UPDATE {entries} SET memo = 'edited'",  # noqa: S608 - fixed names
            f"DELETE FROM {entries}",  # noqa: S608
            f"UPDATE {lines} SET amount = -amount",  # noqa: S608
            f"DELETE FROM {lines}",  # noqa: S608
            "UPDATE loans_journalline SET amount = -amount WHERE entry_id = %s",
        ):
            with refused(pg, RESTRICT_VIOLATION):
                pg.execute(statement, [first_id] if "%s" in statement else None)
        # A closed accounting period.
        pg.execute(
            "INSERT INTO ledger_accountingperiod (month, closed, closed_at, reopen_reason) "
            "VALUES (%s, true, now(), '')",
            [month],
        )
        with refused(pg, CHECK_VIOLATION):
            pg.execute(ENTRY_SQL.format(table=entries), [first_id + 4, day])


def test_a_key_stays_unique_across_partitions() -> None:
    raw(
        "WITH e AS (INSERT INTO loans_journalentry"
        " (id, entry_type, value_date, memo, posted_at, key) "
        "VALUES (77, 'MANUAL_ADJUSTMENT', %s, '', now(), 'the-key') RETURNING id) "
        "INSERT INTO loans_journalline (entry_id, account, amount) "
        "SELECT id, a, m FROM e, (VALUES ('CASH', 1.00), ('FEE_INCOME', -1.00)) AS v(a, m)",
        [timezone.localdate()],
    )
    assert raw("SELECT tableoid::regclass::text FROM loans_journalentry WHERE key = 'the-key'") == [
        ("loans_journalentry_legacy",)
    ]

    with pytest.raises(IntegrityError), transaction.atomic():
        post(key="the-key")
    post(key="another-key")
    with pytest.raises(IntegrityError), transaction.atomic():
        post(key="another-key")


def test_an_entry_beyond_every_month_goes_to_the_default_partition() -> None:
    far = 9_000_000_000_000_000
    raw(
        "WITH e AS (INSERT INTO loans_journalentry (id, entry_type, value_date, memo, posted_at) "
        "VALUES (%s, 'MANUAL_ADJUSTMENT', %s, '', now()) RETURNING id) "
        "INSERT INTO loans_journalline (entry_id, account, amount) "
        "SELECT id, a, m FROM e, (VALUES ('CASH', 1.00), ('FEE_INCOME', -1.00)) AS v(a, m)",
        [far, timezone.localdate()],
    )
    assert default_partition_rows() == 1


def relations(plan: dict[str, Any]) -> set[str]:
    found = {plan["Relation Name"]} if "Relation Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= relations(child)
    return found


def explained(loan_id: int, month: date) -> set[str]:
    sql, params = loan_month_sql(loan_id=loan_id, month=month)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return relations(plan[0]["Plan"])


def test_a_loans_statement_of_a_month_reads_that_months_partitions_only(loan: Loan) -> None:
    month = this_month()
    lines = loan_month_lines(loan_id=loan.pk, month=month)
    assert lines
    assert {line.loan_id for line in lines} == {loan.pk}
    assert {line.entry_id // MONTH_ID_SPAN for line in lines} == {month.year * 100 + month.month}
    assert loan_month_lines(loan_id=loan.pk, month=months_add(month, 1)) == []

    following = months_add(month, 1)
    assert explained(loan.pk, following) == {
        f"loans_journalentry_p{following:%Y%m}",
        f"loans_journalline_p{following:%Y%m}",
    }
    # The month the journal was partitioned in (this test database's) reads the old rows too.
    assert explained(loan.pk, month) == {
        f"loans_journalentry_p{month:%Y%m}",
        f"loans_journalline_p{month:%Y%m}",
        "loans_journalentry_legacy",
        "loans_journalline_legacy",
    }
