"""Celery tasks of servicing: thin, keyword-only, one service call (STYLE.md "Celery")."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from loans.servicing.services.reminders import reminders_send_due as reminders_send_due_service
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def reminders_send_due(*, limit: int = 1000) -> int:
    """Send the reminders whose time has come (several workers may run it at once)."""
    return reminders_send_due_service(now=timezone.now(), limit=limit)
