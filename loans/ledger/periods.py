"""Accounting periods (PRODUCT §13): months of the books that are closed.

An entry's period is the month of its booking date (``booking_date``, or its value date when it
has none). A closed month refuses entries booked in it: ``entry_post`` refuses them with
``PeriodClosed`` and PostgreSQL refuses them too (ledger migration 0006). A posting whose value
date falls in a closed month may ask to be booked late (``back_dated``): it is booked on the first
day of the first open month after its value date and keeps its value date.

Closing needs the month's last night closed by close of business (the caller passes the open
business date); reopening needs a second officer (``loans.approvals``: a request of kind
``PERIOD_REOPEN``, replayed through ``period_reopen``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from loans.errors import LendingError
from loans.ledger.models import AccountingPeriod


class PeriodClosed(LendingError):
    code = "period_closed"


class PeriodCloseRefused(LendingError):
    code = "period_close_refused"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of the month that starts on (or contains) ``month``."""
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return following - timedelta(days=1)


def month_parse(text: str) -> date:
    """``YYYY-MM`` → the first day of that month. Raises ValueError."""
    parts = text.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM.")
    return date(int(parts[0]), int(parts[1]), 1)


def closed_months() -> set[date]:
    """The first days of the months closed now."""
    return set(AccountingPeriod.objects.filter(closed=True).values_list("month", flat=True))


def period_is_closed(day: date) -> bool:
    return AccountingPeriod.objects.filter(month=month_start(day), closed=True).exists()


def booking_date_for(value_date: date, *, back_dated: bool) -> date | None:
    """The booking date of an entry with ``value_date``: None when its month is open.

    In a closed month: the first day of the first open month after it when ``back_dated``;
    otherwise PeriodClosed.
    """
    month = month_start(value_date)
    # One indexed read: the closed months from the value date's on (usually none).
    closed = set(
        AccountingPeriod.objects.filter(closed=True, month__gte=month).values_list(
            "month", flat=True
        )
    )
    if month not in closed:
        return None
    if not back_dated:
        raise PeriodClosed(
            f"The accounting period {month:%Y-%m} is closed: no entry may be dated "
            f"{value_date.isoformat()}."
        )
    while month in closed:
        month = month_end(month) + timedelta(days=1)
    return month


@transaction.atomic
def period_close(*, month: date, business_date: date, user: User | None = None) -> AccountingPeriod:
    """Close ``month`` (its first day): entries can no longer be booked in it.

    Refused (PeriodCloseRefused, nothing written) while close of business has not closed the
    month's last day (the open business date must be after it) or when the month is closed
    already.
    """
    month = month_start(month)
    last = month_end(month)
    if business_date <= last:
        raise PeriodCloseRefused(
            f"{month:%Y-%m} cannot be closed yet: close of business has not closed its last day "
            f"{last.isoformat()} (the open business date is {business_date.isoformat()})."
        )
    period = AccountingPeriod.objects.select_for_update().filter(month=month).first()
    now = timezone.now()
    if period is None:
        try:
            with transaction.atomic():
                return AccountingPeriod.objects.create(month=month, closed_at=now, closed_by=user)
        except IntegrityError as error:  # closed at the same moment by someone else
            raise PeriodCloseRefused(f"{month:%Y-%m} is already closed.") from error
    if period.closed:
        raise PeriodCloseRefused(f"{month:%Y-%m} is already closed.")
    period.closed = True
    period.closed_at = now
    period.closed_by = user
    period.save(update_fields=["closed", "closed_at", "closed_by"])
    return period


def period_reopen_check(*, month: date) -> AccountingPeriod:
    """The closed period of ``month``, locked; PeriodCloseRefused when it is not closed."""
    period = AccountingPeriod.objects.select_for_update().filter(month=month_start(month)).first()
    if period is None or not period.closed:
        raise PeriodCloseRefused(f"{month:%Y-%m} is not closed.")
    return period


@transaction.atomic
def period_reopen(*, month: date, user: User, reason: str) -> AccountingPeriod:
    """Reopen a closed month. Only the approvals' replay calls it (a second officer decided)."""
    period = period_reopen_check(month=month)
    period.closed = False
    period.reopened_at = timezone.now()
    period.reopened_by = user
    period.reopen_reason = reason
    period.save(update_fields=["closed", "reopened_at", "reopened_by", "reopen_reason"])
    return period
