"""The ledger guards itself in the database (PRODUCT §3): PostgreSQL refuses unbalanced or
partial entries, lines of an unknown account or of zero, and any change to a posted entry,
whatever the path (ORM or raw SQL), with session_replication_role = replica too. The ledger
service, which refuses them first, is tested in test_ledger_posting.py.

Every refused statement runs in its own savepoint, and each test then asserts that the journal
is exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError

from accounts.database_roles import owner_credentials
from loans.ledger.models import AccountCode, EntryType, JournalEntry, JournalLine
from loans.servicing.models import Loan
from tests.integration.ledger.snapshots import VALUE_DATE, journal

pytestmark = pytest.mark.django_db

CHECK_VIOLATION = "23514"
RESTRICT_VIOLATION = "23001"
INSUFFICIENT_PRIVILEGE = "42501"


def change_refused() -> str:
    """How an UPDATE or DELETE of the journal is refused on the session's connection.

    The owner (a single-role set-up) meets the append-only trigger; the application's role
    (DATABASE_OWNER_URL set, as in CI) holds no UPDATE or DELETE privilege on the journal, so
    PostgreSQL refuses before any trigger runs; test_append_only_guards.py tries the triggers
    as the owner there.
    """
    owner = owner_credentials()
    if owner is not None and owner["USER"] != connection.settings_dict["USER"]:
        return INSUFFICIENT_PRIVILEGE
    return RESTRICT_VIOLATION


@contextmanager
def refused(sqlstate: str, *, constraint: str | None = None) -> Iterator[None]:
    """Expect the database to refuse the block with ``sqlstate``; roll back only the block."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        yield
    cause = caught.value.__cause__
    assert isinstance(cause, psycopg.Error), repr(caught.value)
    assert cause.sqlstate == sqlstate, str(cause)
    if constraint is not None:
        assert cause.diag.constraint_name == constraint


def raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def unbalanced_pair_insert(entry: JournalEntry) -> None:
    """Insert two lines of ``entry`` that miss balancing by one fen, with raw SQL."""
    raw(
        "INSERT INTO loans_journalline (entry_id, account, amount) "
        "VALUES (%s, 'CASH', 100.00), (%s, 'RECOVERIES', -100.01)",
        [entry.pk, entry.pk],
    )


def new_entry() -> JournalEntry:
    """An entry row without lines yet (what entry_post writes first)."""
    return JournalEntry.objects.create(entry_type=EntryType.RECOVERY, value_date=VALUE_DATE)


def line(entry: JournalEntry, account: str, amount: str) -> JournalLine:
    return JournalLine(entry=entry, account=account, amount=Decimal(amount))


@pytest.fixture
def posted(loan: Loan) -> JournalEntry:
    """The loan's posted disbursement entry (two lines)."""
    return JournalEntry.objects.get(loan=loan, entry_type=EntryType.DISBURSEMENT)


def test_fixture_journal_is_what_the_guards_protect(loan: Loan, posted: JournalEntry) -> None:
    entries, lines, total = journal()
    assert [e[1] for e in entries] == [EntryType.DISBURSEMENT, EntryType.PAYOUT_SETTLED]
    assert [(ln[2], ln[5]) for ln in lines if ln[1] == posted.pk] == [
        (AccountCode.PRINCIPAL_RECEIVABLE, Decimal("10000.00")),
        (AccountCode.DISBURSEMENT_CLEARING, Decimal("-10000.00")),
    ]
    assert total == 0


# --- (a) unbalanced entries ---------------------------------------------------------------------


def test_orm_bulk_create_of_unbalanced_lines_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        entry = new_entry()
        JournalLine.objects.bulk_create(
            [line(entry, AccountCode.CASH, "100.00"), line(entry, AccountCode.RECOVERIES, "-99.99")]
        )
    assert journal() == before


def test_raw_sql_insert_of_unbalanced_lines_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        unbalanced_pair_insert(new_entry())
    assert journal() == before


def test_raw_sql_entry_and_unbalanced_lines_are_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        raw(
            "WITH e AS (INSERT INTO loans_journalentry (entry_type, value_date, memo, posted_at) "
            "VALUES ('RECOVERY', '2027-02-01', '', now()) RETURNING id) "
            "INSERT INTO loans_journalline (entry_id, account, amount) "
            "SELECT e.id, v.account, v.amount FROM e, "
            "(VALUES ('CASH', 50.00), ('RECOVERIES', -40.00)) AS v(account, amount)"
        )
    assert journal() == before


def test_one_statement_with_a_balanced_and_an_unbalanced_entry_is_refused_whole(
    posted: JournalEntry,
) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        good, bad = new_entry(), new_entry()
        JournalLine.objects.bulk_create(
            [
                line(good, AccountCode.CASH, "10.00"),
                line(good, AccountCode.RECOVERIES, "-10.00"),
                line(bad, AccountCode.CASH, "10.00"),
                line(bad, AccountCode.RECOVERIES, "-10.01"),
            ]
        )
    assert journal() == before


def test_whole_balanced_entries_in_one_statement_are_accepted(posted: JournalEntry) -> None:
    """The control: the guards refuse the faults above, not inserts as such."""
    entries_before, lines_before, _ = journal()
    first, second = new_entry(), new_entry()
    JournalLine.objects.bulk_create(
        [
            line(first, AccountCode.CASH, "10.00"),
            line(first, AccountCode.RECOVERIES, "-10.00"),
            line(second, AccountCode.CASH, "7.50"),
            line(second, AccountCode.CASH, "2.50"),
            line(second, AccountCode.RECOVERIES, "-10.00"),
        ]
    )
    entries, lines, total = journal()
    assert len(entries) == len(entries_before) + 2
    assert len(lines) == len(lines_before) + 5
    assert total == 0


# --- (b) an entry of a single line --------------------------------------------------------------


@pytest.mark.parametrize(
    "insert",
    [
        pytest.param(
            lambda e: JournalLine.objects.create(entry=e, account="CASH", amount=Decimal("5.00")),
            id="orm-create",
        ),
        pytest.param(
            lambda e: JournalLine.objects.bulk_create([line(e, "CASH", "5.00")]),
            id="orm-bulk-create",
        ),
        pytest.param(
            lambda e: raw(
                "INSERT INTO loans_journalline (entry_id, account, amount) "
                "VALUES (%s, 'CASH', 5.00)",
                [e.pk],
            ),
            id="raw-sql",
        ),
    ],
)
def test_single_line_entry_is_refused(
    posted: JournalEntry, insert: Callable[[JournalEntry], object]
) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        insert(new_entry())
    assert journal() == before


def test_balanced_lines_inserted_one_statement_each_are_refused(posted: JournalEntry) -> None:
    """Lines arrive as a whole entry in one statement, never one by one."""
    before = journal()
    with refused(CHECK_VIOLATION):
        entry = new_entry()
        JournalLine.objects.create(entry=entry, account="CASH", amount=Decimal("5.00"))
        JournalLine.objects.create(entry=entry, account="RECOVERIES", amount=Decimal("-5.00"))
    assert journal() == before


# --- (c) lines added to an entry that has lines -------------------------------------------------


def test_orm_balanced_pair_added_to_posted_entry_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        JournalLine.objects.bulk_create(
            [line(posted, AccountCode.CASH, "1.00"), line(posted, AccountCode.RECOVERIES, "-1.00")]
        )
    assert journal() == before


def test_raw_sql_balanced_pair_added_to_posted_entry_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        raw(
            "INSERT INTO loans_journalline (entry_id, account, loan_id, amount) "
            "VALUES (%s, 'PRINCIPAL_RECEIVABLE', %s, -10000.00), "
            "(%s, 'DISBURSEMENT_CLEARING', %s, 10000.00)",
            [posted.pk, posted.loan_id, posted.pk, posted.loan_id],
        )
    assert journal() == before


# --- (d) no UPDATE or DELETE of a posted entry or line ------------------------------------------


def _line_save(entry: JournalEntry) -> None:
    first = entry.lines.order_by("id")[0]
    first.amount = Decimal("1.00")
    first.save()


def _line_save_unchanged(entry: JournalEntry) -> None:
    entry.lines.order_by("id")[0].save()


def _entry_save(entry: JournalEntry) -> None:
    entry.memo = "edited"
    entry.save()


ORM_CHANGES = [
    pytest.param(_line_save, id="line-save"),
    pytest.param(_line_save_unchanged, id="line-save-unchanged"),
    pytest.param(
        lambda e: JournalLine.objects.filter(entry=e).update(amount=F("amount") * 2),
        id="lines-update-still-balanced",
    ),
    pytest.param(
        lambda e: JournalLine.objects.filter(entry=e).update(installment_number=1),
        id="lines-update-metadata",
    ),
    pytest.param(lambda e: e.lines.order_by("id")[0].delete(), id="line-delete"),
    pytest.param(lambda e: JournalLine.objects.filter(entry=e).delete(), id="lines-delete"),
    pytest.param(_entry_save, id="entry-save"),
    pytest.param(
        lambda e: JournalEntry.objects.filter(pk=e.pk).update(value_date=VALUE_DATE),
        id="entry-update",
    ),
]

RAW_CHANGES = [
    "UPDATE loans_journalline SET amount = -amount WHERE entry_id = %s",
    "UPDATE loans_journalline SET installment_number = 1 WHERE entry_id = %s",
    "DELETE FROM loans_journalline WHERE entry_id = %s",
    "UPDATE loans_journalentry SET memo = 'edited' WHERE id = %s",
    "DELETE FROM loans_journalentry WHERE id = %s",
]


@pytest.mark.parametrize("change", ORM_CHANGES)
def test_orm_change_of_posted_entry_is_refused(
    posted: JournalEntry, change: Callable[[JournalEntry], object]
) -> None:
    before = journal()
    with refused(change_refused()):
        change(posted)
    assert journal() == before


@pytest.mark.parametrize("sql", RAW_CHANGES)
def test_raw_sql_change_of_posted_entry_is_refused(posted: JournalEntry, sql: str) -> None:
    before = journal()
    with refused(change_refused()):
        raw(sql, [posted.pk])
    assert journal() == before


@pytest.mark.parametrize(
    "delete",
    [
        pytest.param(lambda e: e.delete(), id="entry-delete"),
        pytest.param(lambda e: JournalEntry.objects.filter(pk=e.pk).delete(), id="entries-delete"),
    ],
)
def test_orm_delete_of_posted_entry_is_refused(
    posted: JournalEntry, delete: Callable[[JournalEntry], object]
) -> None:
    """Django's PROTECT refuses before any SQL; the trigger refuses the raw DELETE (above)."""
    before = journal()
    with pytest.raises(ProtectedError), transaction.atomic():
        delete(posted)
    assert journal() == before


def test_delete_of_an_entry_without_lines_is_refused_too(posted: JournalEntry) -> None:
    """Nothing protects this row in Django: the trigger alone refuses it.

    An entry never commits without lines (migration 0003), so the row lives in a savepoint.
    """
    before = journal()
    with transaction.atomic():
        entry = new_entry()
        with refused(change_refused()):
            entry.delete()
        assert JournalEntry.objects.filter(pk=entry.pk).exists()
        transaction.set_rollback(True)
    assert journal() == before


def test_entry_without_lines_is_refused_at_commit(posted: JournalEntry) -> None:
    """An entry row must get its balanced lines in the same transaction (PRODUCT §3).

    The database can only know at commit (a deferred constraint trigger); SET CONSTRAINTS ALL
    IMMEDIATE runs the deferred checks now, inside the test's transaction.
    """
    before = journal()
    with refused(CHECK_VIOLATION):
        new_entry()
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    assert journal() == before


# --- constraints of a line ----------------------------------------------------------------------


def test_orm_line_of_an_unknown_account_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION, constraint="journal_line_account_known"):
        entry = new_entry()
        JournalLine.objects.bulk_create(
            [line(entry, AccountCode.CASH, "10.00"), line(entry, "SUSPENSE", "-10.00")]
        )
    assert journal() == before


def test_raw_sql_line_of_an_unknown_account_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION, constraint="journal_line_account_known"):
        entry = new_entry()
        raw(
            "INSERT INTO loans_journalline (entry_id, account, amount) "
            "VALUES (%s, 'CASH', 10.00), (%s, 'cash', -10.00)",
            [entry.pk, entry.pk],
        )
    assert journal() == before


def test_line_of_zero_is_refused(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION, constraint="journal_line_amount_not_zero"):
        entry = new_entry()
        JournalLine.objects.bulk_create(
            [
                line(entry, AccountCode.CASH, "10.00"),
                line(entry, AccountCode.RECOVERIES, "-10.00"),
                line(entry, AccountCode.RECOVERIES, "0.00"),
            ]
        )
    assert journal() == before


# --- session_replication_role = replica ---------------------------------------------------------


@pytest.fixture
def superuser_session() -> None:
    """Only a superuser may set session_replication_role: the application's role (CI) may not,
    which test_append_only_guards.py tests, with the guards' ENABLE ALWAYS read from the
    catalog."""
    if raw("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") != [(True,)]:
        pytest.skip("the session's role may not set session_replication_role")


@pytest.mark.parametrize("sql", RAW_CHANGES)
@pytest.mark.usefixtures("superuser_session")
def test_replica_mode_does_not_switch_the_guards_off(posted: JournalEntry, sql: str) -> None:
    # session_replication_role = replica skips ordinary triggers (bulk loads use it to skip
    # foreign-key checks); the ledger's guards are ENABLE ALWAYS (migration 0007).
    before = journal()
    with refused(RESTRICT_VIOLATION):
        raw("SET LOCAL session_replication_role = replica", [])
        raw(sql, [posted.pk])
    assert journal() == before


@pytest.mark.usefixtures("superuser_session")
def test_replica_mode_still_refuses_unbalanced_lines(posted: JournalEntry) -> None:
    before = journal()
    with refused(CHECK_VIOLATION):
        raw("SET LOCAL session_replication_role = replica", [])
        unbalanced_pair_insert(new_entry())
    assert journal() == before
