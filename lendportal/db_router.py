"""The database router (issue #20, docs/scaling.md): writes to the primary, reads to the primary
unless the code asked for the replica (loans.replica.replica_reads)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from loans.replica import PRIMARY, REPLICA, read_alias


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        alias = read_alias()
        if alias == REPLICA:
            return REPLICA
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            # A row read for a report, followed outside it (a related object): the primary.
            return PRIMARY
        return None  # Django's rule: the instance's own alias, else the primary

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY  # a replica is read-only (a hot standby refuses every write)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a loan read from either is the same loan.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # it receives the primary's schema by streaming
