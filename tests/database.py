"""The test database as its owner: the harness's resets and the guard tests (docs/database.md).

The tests connect as the application's role when ``DATABASE_OWNER_URL`` is set (CI does), which
may not truncate the tables, create schemas or change the audit trail and the journal. What only
the owner may do runs here, on a second connection to the same test database as the owner (in a
single-role set-up, as the one user there is).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.db import connection as default_connection
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.executor import MigrationExecutor

from accounts.database_roles import (
    app_role_grant,
    connection_as_owner,
    credentials_use,
    owner_credentials,
)


@contextmanager
def owner_connection(
    connection: BaseDatabaseWrapper = default_connection,
) -> Iterator[BaseDatabaseWrapper]:
    """A second connection to ``connection``'s database as the owner, closed afterwards."""
    owner = connection.copy()
    credentials = owner_credentials()
    if credentials is not None:
        credentials_use(owner.settings_dict, credentials)
    try:
        yield owner
    finally:
        owner.close()


@contextmanager
def owner_cursor(
    *, allow_truncate: bool = False, connection: BaseDatabaseWrapper = default_connection
) -> Iterator[CursorWrapper]:
    """A cursor as the owner, in autocommit; ``allow_truncate`` lets it empty guarded tables.

    A lock wait ends in an error after 10 s rather than hanging the run: a TRUNCATE here waits
    for every transaction that touched the table, the test's own included.
    """
    with owner_connection(connection) as owner, owner.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")
        if allow_truncate:
            # The guard triggers let this through for the tables' owner only (accounts 0007,
            # ledger 0003).
            cursor.execute("SET lendportal.allow_truncate = 'on'")
        yield cursor


def execute_sql_flush_as_owner(self: object, sql_list: list[str]) -> None:
    """``DatabaseOperations.execute_sql_flush`` for the tests: the owner empties the tables.

    Django's ``flush`` (after every transactional test) truncates every table, which the
    application's role may not do and the append-only guards refuse without the owner's flag.
    """
    connection: BaseDatabaseWrapper = self.connection  # type: ignore[attr-defined]
    with owner_cursor(allow_truncate=True, connection=connection) as cursor:
        cursor.execute("BEGIN")
        for sql in sql_list:
            cursor.execute(sql)
        cursor.execute("COMMIT")


def owner_url_for(database: str) -> str:
    """The owner's URL (one role when DATABASE_OWNER_URL is unset) with another database name."""
    parts = urlsplit(os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A database of its own on the test server, made and dropped by the owner; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = owner_url_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield owner_url_for(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate_as_owner(target: list[tuple[str, str]] | None) -> None:
    """Migrate the test database as the owner to ``target`` (None: every app's latest), then
    grant the application's role its rights, as ``manage.py migrate`` does."""
    with connection_as_owner("default") as app_role:
        executor = MigrationExecutor(connections["default"])
        executor.migrate(target or executor.loader.graph.leaf_nodes())
        if app_role is not None:
            app_role_grant(role=app_role)
