"""The database connections (issue #20, docs/scaling.md): the primary, with Django's connection
pool or behind PgBouncer in transaction mode, and an optional read replica.

Imported by base.py. Every value comes from the environment:

- ``DATABASE_URL``: the primary (PostgreSQL only).
- ``DATABASE_POOL_MAX_SIZE`` (0: no pool), ``DATABASE_POOL_MIN_SIZE`` (2),
  ``DATABASE_POOL_TIMEOUT`` (10 s): psycopg's pool in each process, per alias.
- ``DATABASE_PGBOUNCER``: on when the URLs point at PgBouncer in transaction mode.
- ``DATABASE_REPLICA_URL``: a streaming replica, the "replica" alias, read only by the code
  that asks for it (loans.replica, lendportal.db_router).
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lendportal.env import env_bool, env_int, env_str

__all__ = ["DATABASES", "DATABASE_ROUTERS", "LENDPORTAL_READ_REPLICA"]

PRIMARY = "default"
REPLICA = "replica"


def database_pool_options() -> dict[str, Any] | None:
    """The psycopg pool's arguments from the environment, or None without a pool."""
    max_size = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if max_size <= 0:
        return None
    min_size = env_int("DATABASE_POOL_MIN_SIZE", min(2, max_size))
    if not 0 <= min_size <= max_size:
        raise ImproperlyConfigured(
            "DATABASE_POOL_MIN_SIZE must be between 0 and DATABASE_POOL_MAX_SIZE."
        )
    # Seconds a request waits for a free connection before it fails (PoolTimeout).
    timeout = float(env_int("DATABASE_POOL_TIMEOUT", 10))
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}


def database_conn_max_age(*, default: int) -> int:
    """Seconds a connection is kept (DATABASE_CONN_MAX_AGE, else ``default``); 0 with a pool.

    Django refuses a pool together with persistent connections ("Pooling doesn't support
    persistent connections"), so setting both is refused here, at start-up.
    """
    if database_pool_options() is None:
        return env_int("DATABASE_CONN_MAX_AGE", default)
    if env_int("DATABASE_CONN_MAX_AGE", 0) != 0:
        raise ImproperlyConfigured(
            "DATABASE_CONN_MAX_AGE must be 0 (or unset) with DATABASE_POOL_MAX_SIZE: "
            "the pool keeps the connections."
        )
    return 0


def database_settings(url: str) -> dict[str, Any]:
    """One alias of DATABASES from its URL and the pool and PgBouncer variables."""
    database: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=database_conn_max_age(default=0))
    )
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL: no other engine is supported."
        )
    database["CONN_HEALTH_CHECKS"] = True
    options: dict[str, Any] = database.setdefault("OPTIONS", {})
    pool = database_pool_options()
    if pool is not None:
        options["pool"] = pool
    if env_bool("DATABASE_PGBOUNCER", default=False):
        # Transaction mode hands each transaction any server connection: a cursor held past
        # its transaction (QuerySet.iterator() in autocommit) would be fetched from another one.
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Django's default already; PgBouncer 1.18 (Debian 12) keeps no prepared statement.
        options["prepare_threshold"] = None
    return database


DATABASES: dict[str, dict[str, Any]] = {
    # The default is only read by static tools (mypy); local/test settings start an embedded
    # server when DATABASE_URL is unset, and production refuses to start without it.
    PRIMARY: database_settings(
        env_str("DATABASE_URL", "postgresql://postgres@localhost/lendportal")
    ),
}
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "")
if _replica_url:
    # Under test the replica is the test database itself, on a connection of its own.
    DATABASES[REPLICA] = database_settings(_replica_url) | {"TEST": {"MIRROR": PRIMARY}}
# Reads that ask for the replica (loans.replica.replica_reads) get it only when this is on.
LENDPORTAL_READ_REPLICA = REPLICA in DATABASES
DATABASE_ROUTERS = ["lendportal.db_router.PrimaryReplicaRouter"]
