"""The database's two roles (issue #16 hole 2, docs/database.md).

The owner role owns every table and runs the migrations; the application's role (the user of
``DATABASE_URL``) owns nothing. Not being the owner, the application cannot drop or disable the
guard triggers, and its grants leave it only SELECT and INSERT on the append-only tables: the
audit trail and the journal. ``manage.py migrate`` connects as the owner when
``DATABASE_OWNER_URL`` is set and then grants the application's role its rights
(``accounts/management/commands/migrate.py``); without it, one role does both (a quick local
database only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

# The tables the application may read and add to, never change, delete or truncate.
APPEND_ONLY_TABLES = ("accounts_auditevent", "loans_journalentry", "loans_journalline")

# The keys of a connection's settings that say who connects, and where.
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def owner_credentials() -> dict[str, Any] | None:
    """The owner's credentials from ``DATABASE_OWNER_URL``, or None in a single-role set-up."""
    owner: Mapping[str, Any] | None = settings.LENDPORTAL_DATABASE_OWNER
    if not owner:
        return None
    return {key: owner.get(key) or ({} if key == "OPTIONS" else "") for key in CREDENTIALS}


def credentials_use(
    settings_dict: dict[str, Any], credentials: Mapping[str, Any]
) -> dict[str, Any]:
    """Point ``settings_dict`` (same database) at ``credentials``; return the ones it had."""
    previous = {key: settings_dict.get(key) for key in CREDENTIALS}
    settings_dict.update(credentials)
    return previous


@contextmanager
def connection_as_owner(alias: str) -> Iterator[str | None]:
    """Connect this thread's ``alias`` as the owner for the block; yield the role it had.

    Yields None when there is no separate owner (``DATABASE_OWNER_URL`` unset, or the same
    user): then nothing is switched and there is no application role to grant rights to.
    """
    connection = connections[alias]
    owner = owner_credentials()
    if owner is None or owner["USER"] == connection.settings_dict["USER"]:
        yield None
        return
    connection.close()
    # Every thread's connection to ``alias`` shares one settings dict: switch this thread's
    # connection to a copy, so another thread connecting meanwhile stays the application.
    shared = connection.settings_dict
    connection.settings_dict = {**shared, **owner}
    try:
        yield str(shared["USER"])
    finally:
        connection.close()
        connection.settings_dict = shared


def app_role_grant(*, role: str, using: str = "default") -> None:
    """Give ``role`` its rights on every table: run as the owner, after each migration.

    Ordinary tables: SELECT, INSERT, UPDATE, DELETE; append-only tables: SELECT and INSERT;
    sequences: USAGE and SELECT; never TRUNCATE, REFERENCES or TRIGGER. Everything is revoked
    first, so a right granted by hand outside this list does not survive a deploy.
    """
    connection = connections[using]
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        append_only = ", ".join(t for t in APPEND_ONLY_TABLES if t in existing)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        if append_only:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {append_only} FROM {quoted}, PUBLIC")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
