"""A writer's session: the temporary tables every chunk reads, loaded once per connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from loans.domain.allocation import rules_from_data, rules_to_data
from loans.management.seeding.portfolio.mix import (
    CASH_AMOUNTS,
    METHOD_WEIGHTS,
    SHOP_PRICES,
    STATUS_WEIGHTS,
    TERM_WEIGHTS,
    Profile,
    amount_weights,
    profile_row,
    slots,
)
from loans.management.seeding.portfolio.sql import SESSION_SQL
from loans.origination.models import LoanProduct


@dataclass(frozen=True)
class SessionData:
    """What every writer's session loads into its temporary tables (built once)."""

    cash: LoanProduct
    installment: LoanProduct
    profiles: list[Profile]
    templates: list[str]
    template_rows: list[str]


@dataclass(frozen=True)
class Session:
    """A writer connection's facts: its sequences and whether it may skip deferred FK checks."""

    sequences: dict[str, str]
    trusted_references: bool


def session_open(data: SessionData) -> Session:
    """Prepare this thread's connection for writing chunks: settings and temporary tables."""
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("SET synchronous_commit = off")
        # The temporary tables' row estimates run to billions, which makes PostgreSQL
        # compile the chunk's queries with JIT: 1.7-2.9 s a chunk, more than the work.
        cursor.execute("SET jit = off")
        cursor.execute("DROP TABLE IF EXISTS seed_template, seed_template_row, seed_profile, "
                       "seed_product, seed_mix")  # fmt: skip
        cursor.execute(SESSION_SQL)
        _copy(cursor, "seed_template", data.templates)
        _copy(cursor, "seed_template_row", data.template_rows)
        _copy(cursor, "seed_profile", [profile_row(p) for p in data.profiles])
        for product in (data.cash, data.installment):
            _product_load(cursor, product)
        _mix_load(cursor)
        cursor.execute("ANALYZE seed_template; ANALYZE seed_template_row")
        # Only a superuser may set session_replication_role; others keep deferred checks.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        trusted = bool(cursor.fetchone()[0])
        sequences = {
            table: sequence(cursor, table)
            for table in ("loans_loan", "loans_creditapplication", "loans_creditline")
        }
    return Session(sequences=sequences, trusted_references=trusted)


def session_close() -> None:
    """Drop the session's temporary tables and reset its settings."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE seed_template, seed_template_row, seed_profile, "
                       "seed_product, seed_mix")  # fmt: skip
        cursor.execute("RESET work_mem; RESET synchronous_commit; RESET jit")


def _product_load(cursor: Any, product: LoanProduct) -> None:
    rules = rules_to_data(rules_from_data(product.allocation_rules))
    cursor.execute(
        "INSERT INTO seed_product VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            product.pk,
            product.penalty_multiplier,
            product.grace_days,
            product.write_off_days,
            min(product.rate_cap, settings.LENDPORTAL_RATE_CAP),
            json.dumps(rules),
            product.freeze_days,
        ],
    )


def _mix_load(cursor: Any) -> None:
    cursor.execute(
        "INSERT INTO seed_mix VALUES (%s, %s, %s, %s, %s)",
        [
            slots(METHOD_WEIGHTS),
            slots(TERM_WEIGHTS),
            slots(STATUS_WEIGHTS),
            slots(amount_weights(CASH_AMOUNTS)),
            slots(amount_weights(SHOP_PRICES)),
        ],
    )


def _copy(cursor: Any, table: str, rows: Sequence[str]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write(("\n".join(rows) + "\n").encode())


def sequence(cursor: Any, table: str) -> str:
    """Return the name of the sequence behind the table's id."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return str(cursor.fetchone()[0])
