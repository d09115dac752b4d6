"""Idempotency keys of the partner API (PRODUCT §7; Stripe's model).

The first request with a key runs inside one transaction that also stores its response, under a
transaction-level advisory lock on (partner, key): a duplicate arriving meanwhile does not wait,
it is refused as in flight (409); one arriving after the commit gets the stored response; the
same key with another request is refused (422). A refused or failed request stores nothing, so
it may be retried with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from accounts.models import Partner
from loans.errors import LendingError
from loans.models import IdempotencyRecord


class IdempotencyKeyInFlight(LendingError):
    code = "idempotency_key_in_flight"


class IdempotencyKeyReused(LendingError):
    code = "idempotency_key_reused"


@dataclass(frozen=True, slots=True)
class IdempotentResponse:
    status: int
    body: Any
    replayed: bool


def idempotent_call(
    *,
    partner: Partner,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    perform: Callable[[], tuple[int, Any]],
) -> IdempotentResponse:
    """Run ``perform`` once per (partner, key); replay its stored response afterwards.

    ``perform`` returns (status, JSON body) of a success and raises for a refusal; it runs in
    this function's transaction, so the change and the stored response commit together.
    Raises IdempotencyKeyInFlight, IdempotencyKeyReused.
    """
    with transaction.atomic():
        if not _try_lock(partner.pk, key):
            raise IdempotencyKeyInFlight(
                "A request with this Idempotency-Key is still being processed; retry later."
            )
        record = IdempotencyRecord.objects.filter(partner=partner, key=key).first()
        if record is not None:
            if (record.request_hash, record.request_method, record.request_path) != (
                request_hash,
                method,
                path,
            ):
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was used with another request; use a new key."
                )
            return IdempotentResponse(record.response_status, record.response_body, True)
        status, body = perform()
        IdempotencyRecord.objects.create(
            partner=partner,
            key=key,
            request_method=method,
            request_path=path,
            request_hash=request_hash,
            response_status=status,
            response_body=body,
        )
        return IdempotentResponse(status, body, False)


def _try_lock(partner_id: int, key: str) -> bool:
    digest = hashlib.sha256(f"idempotency:{partner_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        row = cursor.fetchone()
    return bool(row and row[0])


def idempotency_records_purge(*, now: datetime, retention: timedelta) -> int:
    """Delete the records older than ``retention`` (at least 24 hours, PRODUCT §7)."""
    if retention < timedelta(hours=24):
        raise ValueError("Idempotency keys are kept at least 24 hours.")
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - retention).delete()
    return deleted
