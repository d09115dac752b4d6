"""Celery tasks of revolving credit: thin, keyword-only (STYLE.md "Celery")."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from loans.revolving.services.orders import orders_expire as orders_expire_service


@shared_task(expires=50)
def orders_expire() -> int:
    """Expire the checkout orders whose borrower did not confirm in time (beat, every minute)."""
    return orders_expire_service(now=timezone.now())
