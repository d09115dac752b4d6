"""The collection run's clock conventions: Beijing wall times, keys, the configured schedule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from loans.domain.auto_debit import BEIJING, RetrySchedule, retry_schedule_parse

ZONE = ZoneInfo(BEIJING)


def retry_schedule() -> RetrySchedule:
    """Return the configured schedule (``LENDPORTAL_AUTO_DEBIT_RETRY_SCHEDULE``)."""
    return retry_schedule_parse(settings.LENDPORTAL_AUTO_DEBIT_RETRY_SCHEDULE)


def beijing_date(at: datetime) -> date:
    """Return the Beijing calendar date of an aware datetime."""
    return at.astimezone(ZONE).date()


def first_attempt_at(business_date: date) -> datetime:
    """Return when a date's first attempts are due: its first time (08:00 Beijing)."""
    return datetime.combine(business_date, retry_schedule().first_at, tzinfo=ZONE)


def attempt_key(
    *, loan_id: int | None, due_date: date, sequence: int, account_id: int | None = None
) -> str:
    """Return an attempt's key, the gateway's merchant order number: ``AD{loan}-{yyyymmdd}-{n}``
    for a loan's installments, ``AB{revolving account}-{yyyymmdd}-{n}`` for its bills."""
    if loan_id is None:
        return f"AB{account_id}-{due_date:%Y%m%d}-{sequence}"
    return f"AD{loan_id}-{due_date:%Y%m%d}-{sequence}"
