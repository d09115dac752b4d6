"""Celery tasks of the partner API (STYLE.md "Celery")."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from loans.api.services.idempotency import (
    idempotency_records_purge as idempotency_records_purge_service,
)
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def idempotency_records_purge() -> int:
    """Delete idempotency records past their retention (at least 24 hours)."""
    return idempotency_records_purge_service(
        now=timezone.now(),
        retention=timedelta(hours=settings.LENDPORTAL_IDEMPOTENCY_RETENTION_HOURS),
    )
