"""Foreign keys set aside while a parallel seed writes, and checked once, set-based, after it.

A role that is not a superuser cannot skip PostgreSQL's row-by-row deferred foreign-key
checks (``session_replication_role``); at commit they cost each chunk more than all its
writing (issue #20: 401 of the 412 s of a 1,000,000-loan seed summed over both writers). The
tables' owner may drop its own foreign keys, though, and adding one back checks every row in
one join. So a parallel seed by the owner drops the foreign keys of the tables it writes,
writes, and adds each back, whatever happened meanwhile (``finally``):

- on an ordinary table as ``NOT VALID`` (immediate; enforced on every later write) and then
  ``VALIDATE CONSTRAINT`` (one anti-join, under a lock that lets reads and writes go on);
- on a partitioned table (the journal lines) validated in the ``ADD`` itself: PostgreSQL 15
  has no ``NOT VALID`` foreign key there.

If a check fails the key stays ``NOT VALID`` (still enforced on new rows) and the error names
it. A process killed between the drop and the add leaves the keys missing:
``foreign_keys_missing`` finds them against ``pg_constraint`` of the models, and the next
``seed_portfolio`` stops with that list.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models import ForeignKey as ForeignKeyField

from loans.management.seeding.portfolio.sql import ANALYZED

logger = logging.getLogger(__name__)

# The tables the seed writes: those it analyses, and the reminders it records as sent.
SEEDED_TABLES = (*ANALYZED, "loans_reminder")

# Long enough for a quiet database, short enough not to queue behind a running worker forever.
LOCK_TIMEOUT = "30s"


@dataclass(frozen=True)
class ForeignKey:
    """One foreign-key constraint as PostgreSQL prints it back."""

    table: str
    name: str
    definition: str  # pg_get_constraintdef: FOREIGN KEY (…) REFERENCES …(…) DEFERRABLE …
    partitioned: bool

    def drop_sql(self) -> str:
        return f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{self.name}"'

    def add_sql(self) -> str:
        valid = "" if self.partitioned else " NOT VALID"
        return f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" {self.definition}{valid}'

    def validate_sql(self) -> str:
        return f'ALTER TABLE "{self.table}" VALIDATE CONSTRAINT "{self.name}"'


def foreign_keys(cursor: Any, tables: tuple[str, ...] = SEEDED_TABLES) -> list[ForeignKey]:
    """The tables' own foreign keys (not the copies PostgreSQL keeps per partition)."""
    cursor.execute(
        """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), c.relkind = 'p'
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relname = ANY(%s)
          AND c.relnamespace = 'public'::regnamespace
        ORDER BY c.relname, k.conname
        """,
        [list(tables)],
    )
    return [ForeignKey(*row) for row in cursor.fetchall()]


def foreign_keys_missing(cursor: Any) -> list[str]:
    """``table.column`` of every model foreign key of the seeded tables with no constraint."""
    cursor.execute(
        """
        SELECT c.relname, a.attname
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relname = ANY(%s)
        """,
        [list(SEEDED_TABLES)],
    )
    present = {(table, column) for table, column in cursor.fetchall()}
    expected = {
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        if model._meta.db_table in SEEDED_TABLES
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKeyField) and getattr(field, "db_constraint", True)
    }
    return sorted(f"{table}.{column}" for table, column in expected - present)


@contextmanager
def foreign_keys_set_aside(step: Callable[[str, float], None]) -> Iterator[list[ForeignKey]]:
    """Drop the seeded tables' foreign keys for the block, then add and check them again.

    Run on a connection of the tables' owner, outside any transaction. ``step(name, seconds)``
    receives the time of the drop and of the check.
    """
    began = time.perf_counter()
    with connection.cursor() as cursor:
        missing = foreign_keys_missing(cursor)
        if missing:
            raise ForeignKeysMissing(missing)
        keys = foreign_keys(cursor)
    _in_one_transaction([key.drop_sql() for key in keys])
    step("foreign keys: set aside", time.perf_counter() - began)
    try:
        yield keys
    finally:
        began = time.perf_counter()
        foreign_keys_restore(keys)
        step("foreign keys: added back and checked", time.perf_counter() - began)


def foreign_keys_restore(keys: list[ForeignKey]) -> None:
    """Add the keys back (all or none), then check each ordinary table's key.

    Every key is checked even when one fails; the error names all that do not hold (they stay
    ``NOT VALID``: enforced on new rows, not yet proven on the old ones).
    """
    _in_one_transaction([key.add_sql() for key in keys])
    broken: list[str] = []
    for key in keys:
        if key.partitioned:
            continue
        try:
            _in_one_transaction([key.validate_sql()])
        except DatabaseError as error:
            logger.error("seed: foreign key %s.%s does not hold", key.table, key.name)
            broken.append(f"{key.table}.{key.name}: {str(error).splitlines()[0]}")
    if broken:
        raise ForeignKeysBroken(broken)


class ReferencesError(RuntimeError):
    """The seeded tables' foreign keys are not whole: the seed stops and says which."""


class ForeignKeysMissing(ReferencesError):
    """An earlier seed was stopped between dropping the keys and adding them back."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "Foreign keys missing (an earlier seed was stopped between setting them aside and "
            f"adding them back): {', '.join(missing)}. Seed a fresh database, or add them back "
            "by hand (docs/scaling.md, seeding)."
        )


class ForeignKeysBroken(ReferencesError):
    """Rows written while the keys were set aside point nowhere."""

    def __init__(self, broken: list[str]) -> None:
        self.broken = broken
        super().__init__(
            "Foreign keys added back NOT VALID, rows point nowhere: " + "; ".join(broken)
        )


def _in_one_transaction(statements: list[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # A key's check is one join over the whole table: give it memory for a hash join.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for statement in statements:
            cursor.execute(statement)
