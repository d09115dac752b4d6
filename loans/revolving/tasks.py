"""Celery tasks of revolving credit: thin, keyword-only (STYLE.md "Celery")."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from loans.revolving.services.orders import orders_expire as orders_expire_service
from loans.revolving.services.reminders import (
    bill_reminders_send_due as bill_reminders_send_due_service,
)
from loans.tasks import TRANSIENT


@shared_task(expires=50)
def orders_expire() -> int:
    """Expire the checkout orders whose borrower did not confirm in time (beat, every minute)."""
    return orders_expire_service(now=timezone.now())


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def bill_reminders_send_due(*, limit: int = 1000) -> int:
    """Send the bill reminders whose time has come (several workers may run it at once)."""
    return bill_reminders_send_due_service(now=timezone.now(), limit=limit)
