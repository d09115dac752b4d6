"""Reads that may come from the read replica (issue #20, docs/scaling.md).

The back office's dashboard and its CSV export, and the partner API's event feed, read a great
deal and change nothing: inside ``replica_reads()`` their ORM reads go to the "replica" alias
(lendportal.db_router) when DATABASE_REPLICA_URL is set. Everything else reads the primary, and
so does every read inside ``transaction.atomic``: a money service decides on what it has locked,
never on a copy that may be a moment behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

# A context variable, not a global: each thread and each asyncio task asks for itself.
_replica_wanted: ContextVar[bool] = ContextVar("lendportal_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send the ORM reads inside (or of the decorated function) to the replica, if any.

    Evaluate the querysets inside: a lazy queryset evaluated after the block reads the primary.
    """
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def replica_configured() -> bool:
    """Whether a replica serves the reads that ask for it (DATABASE_REPLICA_URL)."""
    return bool(settings.LENDPORTAL_READ_REPLICA) and REPLICA in settings.DATABASES


def read_alias() -> str:
    """The alias a read goes to now: the replica only when asked, configured and outside atomic."""
    wanted = _replica_wanted.get() and replica_configured()
    return REPLICA if wanted and not connections[PRIMARY].in_atomic_block else PRIMARY
