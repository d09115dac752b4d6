"""Idempotency keys of the partner API (PRODUCT §7; Stripe's model).

The first request with a key runs inside one transaction that also stores its response, under a
transaction-level advisory lock on (partner, key): a duplicate arriving meanwhile does not wait,
it is refused as in flight (409); one arriving after the commit gets the stored response; the
same key with another request is refused (422). A refused or failed request stores nothing, so
it may be retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Partner
from loans.api.models import IdempotencyRecord
from loans.errors import LendingError


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
        stored = _record_read(partner.pk, key)
        if stored is not None:
            if stored.request != (request_hash, method, path):
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was used with another request; use a new key."
                )
            return IdempotentResponse(stored.status, stored.body, True)
        status, body = perform()
        _record_write(partner.pk, key, (request_hash, method, path), status, body)
        return IdempotentResponse(status, body, False)


# Every partner POST reads and writes one record: written out, as the ORM spent longer
# compiling these two statements than PostgreSQL spends running them (issue #7).
_READ = """
    SELECT request_hash, request_method, request_path, response_status, response_body
    FROM loans_idempotencyrecord WHERE partner_id = %s AND key = %s
"""
_WRITE = """
    INSERT INTO loans_idempotencyrecord (partner_id, key, request_hash, request_method,
        request_path, response_status, response_body, created_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s)
"""


@dataclass(frozen=True, slots=True)
class _Stored:
    request: tuple[str, str, str]  # hash, method, path
    status: int
    body: Any


def _record_read(partner_id: int, key: str) -> _Stored | None:
    with connection.cursor() as cursor:
        cursor.execute(_READ, [partner_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    request_hash, method, path, status, body = row
    return _Stored((request_hash, method, path), status, json.loads(body))  # jsonb comes as text


def _record_write(
    partner_id: int, key: str, request: tuple[str, str, str], status: int, body: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _WRITE, [partner_id, key, *request, status, json.dumps(body), timezone.now()]
        )


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
