"""Celery tasks of reporting (STYLE.md "Celery")."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task

from loans.reporting.services.loan_stock import loan_stock_compact as loan_stock_compact_service
from loans.reporting.services.roll_rates import roll_rates_refresh as roll_rates_refresh_service
from loans.tasks import TRANSIENT


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def roll_rates_refresh(*, as_of: str) -> dict[str, Any]:
    """Work out the dashboard's roll rates of the 30 days through ``as_of`` (an ISO date)."""
    summary = roll_rates_refresh_service(as_of=date.fromisoformat(as_of))
    return {"as_of": as_of, "window_start": summary.window_start.isoformat()}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def loan_stock_compact() -> int:
    """Fold the dashboard's stock changes into one row per bucket."""
    return loan_stock_compact_service()
