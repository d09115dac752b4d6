"""Celery tasks of the auto-debit collection run: thin, keyword-only (STYLE.md "Celery").

On the default queue. Their work is keyed in PostgreSQL (an attempt moves out of PLANNED once,
under its row lock, and a key is charged once by the gateway), so a duplicate delivery or a
rerun after a lost worker never charges twice.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.payments.collection.dispatch import collection_day_start
from loans.payments.collection.queries import (
    collection_attempts_query as collection_attempts_query_service,
)
from loans.payments.collection.sending import (
    collection_chunk_send as collection_chunk_send_service,
)
from loans.payments.merchant_tasks import (  # noqa: F401 - registers the merchant tasks
    merchant_payouts_query,
    merchant_settle,
)
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def collection_due_send() -> dict[str, Any]:
    """Plan the business date's run if needed and send a task per chunk with attempts due (beat)."""
    chunks = collection_day_start(business_date=business_date_current(), now=timezone.now())
    for due in chunks:
        collection_chunk_send.delay(run_id=due.run_id, chunk=due.chunk)
    return {"chunks": [(due.business_date.isoformat(), due.chunk) for due in chunks]}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def collection_chunk_send(*, run_id: int, chunk: int) -> dict[str, int]:
    """Send the due attempts of one chunk of a run (the clock decides what is due)."""
    return dict(collection_chunk_send_service(run_id=run_id, chunk=chunk))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def collection_attempts_query(*, limit: int = 500) -> dict[str, int]:
    """Ask the gateway about charges whose outcome is unknown (never charge them again)."""
    return dict(
        collection_attempts_query_service(
            now=timezone.now(),
            older_than_seconds=settings.LENDPORTAL_AUTO_DEBIT_QUERY_AFTER_SECONDS,
            limit=limit,
        )
    )
