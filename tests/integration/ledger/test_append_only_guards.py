"""The audit trail and the journal cannot be edited by the application (issue #16 hole 2).

Two layers, each tested on its own:

- the guard triggers (accounts 0007, ledger 0003, loans 0002): UPDATE, DELETE and TRUNCATE of
  ``accounts_auditevent``, ``loans_journalentry`` and ``loans_journalline`` are refused even
  for the tables' owner; only the owner, with the harness's ``lendportal.allow_truncate`` flag,
  may truncate. Tried on a second connection as the owner, on committed rows (a TRUNCATE waits
  for every transaction that touched the table);
- the application's role (``DATABASE_URL``, docs/database.md): it owns no table, holds SELECT
  and INSERT only on those three tables, cannot disable or drop the triggers nor switch them
  off with ``session_replication_role``, and still posts balanced entries. Tried on the test
  session's own connection, which is that role when ``DATABASE_OWNER_URL`` is set (CI), and
  skipped in a single-role set-up, where the session is the owner.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from accounts.audit import audit_record
from accounts.database_roles import (
    APPEND_ONLY_TABLES,
    connection_as_owner,
    owner_credentials,
)
from accounts.models import AuditEvent, User
from loans.ledger.models import JournalEntry, JournalLine
from loans.servicing.models import Loan
from tests.database import owner_cursor

RESTRICT_VIOLATION = "23001"
INSUFFICIENT_PRIVILEGE = "42501"

GUARD_TRIGGERS = {
    ("accounts_auditevent", "audit_event_append_only"),
    ("accounts_auditevent", "audit_event_no_truncate"),
    ("loans_journalentry", "journal_entry_append_only"),
    ("loans_journalentry", "journal_entry_has_lines"),
    ("loans_journalentry", "journal_entry_no_truncate"),
    ("loans_journalentry", "journal_entry_period_open"),  # closed accounting periods (#19)
    ("loans_journalentry", "journal_entry_unique"),  # keys across partitions (#20)
    ("loans_journalentry", "journal_entry_claims_truncate"),  # emptied with the journal (#20)
    ("loans_journalline", "journal_line_append_only"),
    ("loans_journalline", "journal_line_balanced"),
    ("loans_journalline", "journal_line_no_truncate"),
}


def two_roles() -> bool:
    """Whether the tests connect as an application role apart from the owner."""
    owner = owner_credentials()
    return owner is not None and owner["USER"] != connection.settings_dict["USER"]


def skip_unless_two_roles() -> None:
    if not two_roles():
        pytest.skip("single-role set-up (DATABASE_OWNER_URL unset): the session is the owner")


def rows() -> dict[str, Any]:
    """How many rows each guarded table holds, read as the owner."""
    with owner_cursor() as cursor:
        counts: dict[str, Any] = {}
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT string_agg(action, ',' ORDER BY id) FROM accounts_auditevent")
        counts["audit actions"] = cursor.fetchone()[0]
        cursor.execute("SELECT sum(abs(amount)) FROM loans_journalline")
        counts["journal amount"] = cursor.fetchone()[0]
    return counts


@contextmanager
def refused_as_owner(sqlstate: str, message: str) -> Iterator[Any]:
    """Run statements as the owner; expect PostgreSQL to refuse with ``sqlstate``/``message``."""
    with owner_cursor() as cursor, pytest.raises(DatabaseError) as caught:
        yield cursor
    cause = caught.value.__cause__
    assert isinstance(cause, psycopg.Error), repr(caught.value)
    assert (cause.sqlstate, message in str(cause)) == (sqlstate, True), str(cause)


@contextmanager
def refused(sqlstate: str) -> Iterator[None]:
    """Expect the session's own connection to be refused with ``sqlstate`` (a savepoint)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        yield
    cause = caught.value.__cause__
    assert isinstance(cause, psycopg.Error), repr(caught.value)
    assert cause.sqlstate == sqlstate, str(cause)


def raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


@pytest.fixture
def books(loan: Loan) -> dict[str, Any]:
    """A drawn loan's journal and two audit events, committed; their counts as the owner."""
    officer = User.objects.create_user(username="auditor", is_staff=True)
    audit_record(actor=officer, action="loan.reviewed", target=loan, details={"n": 1})
    audit_record(actor=officer, action="loan.noted", target=loan)
    counts = rows()
    assert counts["accounts_auditevent"] == 2
    assert counts["loans_journalentry"] >= 2
    assert counts["loans_journalline"] >= 4
    return counts


# --- the triggers, for every role (as the owner) ---------------------------------------------

AUDIT = "the audit trail is append-only"
LEDGER = "the ledger is append-only"
OWNER_CHANGES = [
    pytest.param("UPDATE accounts_auditevent SET action = 'x'", AUDIT, id="audit-update"),
    pytest.param("DELETE FROM accounts_auditevent", AUDIT, id="audit-delete"),
    pytest.param("TRUNCATE accounts_auditevent", AUDIT, id="audit-truncate"),
    pytest.param("TRUNCATE loans_journalline", LEDGER, id="line-truncate"),
    pytest.param(
        "TRUNCATE loans_journalline, loans_journalentry CASCADE", LEDGER, id="both-truncate"
    ),
    pytest.param("TRUNCATE loans_journalentry CASCADE", LEDGER, id="entry-truncate-cascade"),
    pytest.param("TRUNCATE loans_loan CASCADE", LEDGER, id="loan-truncate-cascade"),
    # Cascades to the audit trail and the journal (their actor and created_by).
    pytest.param("TRUNCATE accounts_user CASCADE", "is append-only", id="user-truncate-cascade"),
    pytest.param("UPDATE loans_journalline SET amount = -amount", LEDGER, id="line-update"),
    pytest.param("DELETE FROM loans_journalentry", LEDGER, id="entry-delete"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("sql", "message"), OWNER_CHANGES)
def test_the_owner_too_is_refused_by_the_guard_triggers(
    books: dict[str, Any], sql: str, message: str
) -> None:
    with refused_as_owner(RESTRICT_VIOLATION, message) as cursor:
        cursor.execute(sql)
    assert rows() == books


@pytest.mark.django_db(transaction=True)
def test_the_owner_truncates_only_with_the_harness_flag(books: dict[str, Any]) -> None:
    """What the test harness's flush does (tests/database.py), here rolled back."""
    with owner_cursor(allow_truncate=True) as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            "TRUNCATE accounts_auditevent, loans_journalline, loans_journalentry CASCADE"
        )
        cursor.execute("SELECT count(*) FROM loans_journalline")
        assert cursor.fetchone() == (0,)
        cursor.execute("ROLLBACK")
    assert rows() == books


@pytest.mark.django_db
def test_every_guard_fires_in_replica_mode_too() -> None:
    """ENABLE ALWAYS: session_replication_role = replica does not switch a guard off."""
    found = raw(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
        [list(APPEND_ONLY_TABLES)],
    )
    assert {(table, name) for table, name, _ in found} == GUARD_TRIGGERS
    assert {enabled for _, _, enabled in found} == {"A"}


# --- the application's role --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_runs_as_the_application_role_which_owns_nothing() -> None:
    """CI exports LENDPORTAL_TEST_APP_ROLE, so its tests cannot fall back to the owner."""
    expected = os.environ.get("LENDPORTAL_TEST_APP_ROLE")
    if not expected:
        skip_unless_two_roles()
    owner = owner_credentials()
    assert owner is not None, "LENDPORTAL_TEST_APP_ROLE is set but DATABASE_OWNER_URL is not"
    [(user, superuser, member, owned)] = raw(
        "SELECT current_user, r.rolsuper, pg_has_role(current_user, %s, 'MEMBER'),"
        " (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = 'public' AND c.relowner = r.oid)"
        " FROM pg_roles r WHERE r.rolname = current_user",
        [owner["USER"]],
    )
    assert user == (expected or connection.settings_dict["USER"])
    assert user != owner["USER"]
    assert (superuser, member, owned) == (False, False, 0)


APP_CHANGES = [
    *(f"UPDATE {table} SET id = id" for table in APPEND_ONLY_TABLES),  # noqa: S608
    *(f"DELETE FROM {table}" for table in APPEND_ONLY_TABLES),  # noqa: S608
    *(f"TRUNCATE {table} CASCADE" for table in APPEND_ONLY_TABLES),
    *(f"ALTER TABLE {table} DISABLE TRIGGER ALL" for table in APPEND_ONLY_TABLES),
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER audit_event_append_only",
    "ALTER TABLE loans_journalline DISABLE TRIGGER journal_line_balanced",
    "DROP TRIGGER journal_line_no_truncate ON loans_journalline",
    "DROP FUNCTION ledger_refuse_change() CASCADE",
    "SET session_replication_role = replica",
]


@pytest.mark.django_db
@pytest.mark.parametrize("sql", APP_CHANGES)
def test_the_application_role_is_refused(loan: Loan, sql: str) -> None:
    skip_unless_two_roles()
    audit_record(actor=None, action="loan.reviewed", target=loan)
    before = (
        list(AuditEvent.objects.values_list("id", "action")),
        list(JournalLine.objects.values_list("id", "amount")),
    )
    with refused(INSUFFICIENT_PRIVILEGE):
        raw(sql)
    assert raw("SHOW session_replication_role") == [("origin",)]
    assert before == (
        list(AuditEvent.objects.values_list("id", "action")),
        list(JournalLine.objects.values_list("id", "amount")),
    )


@pytest.mark.django_db
def test_the_application_role_may_not_truncate_even_with_the_harness_flag(loan: Loan) -> None:
    skip_unless_two_roles()
    raw("SET LOCAL lendportal.allow_truncate = 'on'")
    for table in APPEND_ONLY_TABLES:
        with refused(INSUFFICIENT_PRIVILEGE):
            raw(f"TRUNCATE {table} CASCADE")
    assert JournalLine.objects.filter(loan=loan).count() >= 4


@pytest.mark.django_db
def test_the_application_role_posts_balanced_entries_and_audit_events(loan: Loan) -> None:
    lines_before = JournalLine.objects.count()
    with transaction.atomic():
        [(entry_id,)] = raw(
            "INSERT INTO loans_journalentry (entry_type, value_date, memo, posted_at, loan_id)"
            " VALUES ('RECOVERY', %s, '', now(), %s) RETURNING id",
            [date(2027, 2, 1), loan.pk],
        )
        raw(
            "INSERT INTO loans_journalline (entry_id, account, loan_id, amount)"
            " VALUES (%s, 'CASH', %s, 12.34), (%s, 'RECOVERIES', %s, -12.34)",
            [entry_id, loan.pk, entry_id, loan.pk],
        )
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # the entry-has-lines check, now
    event = audit_record(actor=None, action="loan.reviewed", target=loan)
    assert JournalEntry.objects.get(pk=entry_id).lines.count() == 2
    assert JournalLine.objects.count() == lines_before + 2
    assert AuditEvent.objects.get(pk=event.pk).action == "loan.reviewed"


@pytest.mark.django_db
def test_the_application_role_has_ordinary_rights_on_the_other_tables() -> None:
    skip_unless_two_roles()
    role = connection.settings_dict["USER"]
    [(rights,)] = raw(
        "SELECT json_object_agg(t.table_name || ':' || p.privilege,"
        "       has_table_privilege(%s, quote_ident(t.table_name), p.privilege))"
        " FROM information_schema.tables t,"
        "      unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)"
        " WHERE t.table_schema = 'public'",
        [role],
    )
    refused_rights = sorted(key for key, granted in rights.items() if not granted)
    expected = sorted(
        [f"{table}:{right}" for table in APPEND_ONLY_TABLES for right in ("UPDATE", "DELETE")]
        + [f"{table}:TRUNCATE" for table in {key.split(":")[0] for key in rights}]
    )
    assert refused_rights == expected
    [(sequences, usable)] = raw(
        "SELECT count(*), count(*) FILTER (WHERE has_sequence_privilege(%s, c.oid, 'USAGE'))"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'S'",
        [role],
    )
    assert sequences > 40
    assert usable == sequences


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_application_role_again() -> None:
    """A right granted by hand does not survive `migrate` (accounts' migrate command)."""
    skip_unless_two_roles()
    role = connection.settings_dict["USER"]
    with owner_cursor() as cursor:
        cursor.execute(f'GRANT UPDATE, TRUNCATE ON accounts_auditevent TO "{role}"')
    assert raw("SELECT has_table_privilege('accounts_auditevent', 'UPDATE')") == [(True,)]

    call_command("migrate", verbosity=0)

    assert raw("SELECT current_user, has_table_privilege('accounts_auditevent', 'UPDATE')") == [
        (role, False)
    ]
    assert raw("SELECT has_table_privilege('accounts_auditevent', 'TRUNCATE')") == [(False,)]


@pytest.mark.django_db(transaction=True)
def test_the_owner_connection_is_used_for_the_block_only() -> None:
    skip_unless_two_roles()
    role = connection.settings_dict["USER"]
    owner = owner_credentials()
    assert owner is not None
    with connection_as_owner("default") as application:
        assert application == role
        assert raw("SELECT current_user") == [(owner["USER"],)]
    assert raw("SELECT current_user") == [(role,)]


@pytest.mark.django_db(transaction=True)
def test_the_owner_connection_is_this_threads_alone() -> None:
    """Another thread connecting while this one is the owner still connects as the application."""
    skip_unless_two_roles()
    role = connection.settings_dict["USER"]
    seen: list[str] = []

    def other_thread() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT current_user")
                seen.append(cursor.fetchone()[0])
        finally:
            connections["default"].close()

    with connection_as_owner("default"):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert connections.settings["default"]["USER"] == role
    assert seen == [role]
