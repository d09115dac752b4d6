"""Celery tasks of origination: thin, keyword-only, one service call (STYLE.md "Celery")."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from loans.origination.services.payouts import (
    payouts_query_unknown as payouts_query_unknown_service,
)
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def payouts_query_unknown(*, limit: int = 500) -> int:
    """Ask the bank about payouts whose outcome is still unknown (never send them again)."""
    return payouts_query_unknown_service(
        now=timezone.now(),
        older_than_minutes=settings.LENDPORTAL_PAYOUT_QUERY_AFTER_MINUTES,
        limit=limit,
    )
