"""Celery tasks of the outbox: the webhook sender (STYLE.md "Celery")."""

from __future__ import annotations

from celery import shared_task

from loans.events.services.webhooks import (
    webhook_deliveries_send as webhook_deliveries_send_service,
)
from loans.tasks import TRANSIENT

# No new delivery is claimed after this many seconds, so the last POST (at most the webhook
# timeout, 10 s) ends well before the soft time limit (100 s) instead of being cut off.
SEND_BUDGET_SECONDS = 60


@shared_task(
    autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=120, soft_time_limit=100
)
def webhook_deliveries_send(*, limit: int = 200) -> int:
    """Send the due webhook deliveries (several workers may run it at once)."""
    return webhook_deliveries_send_service(limit=limit, time_budget_seconds=SEND_BUDGET_SECONDS)
