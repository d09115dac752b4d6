"""Celery tasks of merchant settlement: thin, keyword-only (STYLE.md "Celery").

Registered through ``loans.payments.tasks``; the beat schedule is in lendportal/settings/rails.py.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.payments.merchant_settlement import (
    merchant_payouts_query as merchant_payouts_query_service,
)
from loans.payments.merchant_settlement import (
    merchant_payouts_send,
    merchant_settlement_dates_due,
)
from loans.payments.merchant_settlement import (
    merchant_settle as merchant_settle_service,
)
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def merchant_settle() -> dict[str, Any]:
    """Settle the closed dates not settled yet, then hand over the payouts due (beat)."""
    now = timezone.now()
    dates = merchant_settlement_dates_due()
    for day in dates:
        merchant_settle_service(business_date=day, now=now)
    run = merchant_payouts_send(business_date=business_date_current(), now=now)
    return {"dates": [day.isoformat() for day in dates], "sent": run.sent}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def merchant_payouts_query() -> int:
    """Ask the bank about payouts whose outcome is unknown (beat); return how many were asked."""
    run = merchant_payouts_query_service(now=timezone.now())
    return run.settled + run.failed + run.unknown
