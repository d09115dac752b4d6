"""Reads of the business calendar: the open business date and the working days."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils import timezone

from loans.calendar.models import BusinessDate, CalendarDay, CalendarYear


def business_date_current() -> date:
    """Return the open business date, opening it at today's Beijing date the first time.

    Most requests read it, so the read is written out (the ORM's get_or_create compiled its
    SELECT on every call, several times what PostgreSQL spends on it).
    """
    with connection.cursor() as cursor:
        cursor.execute('SELECT "current_date" FROM loans_businessdate WHERE id = 1')
        row = cursor.fetchone()
    if row is not None:
        current: date = row[0]
        return current
    opened, _ = BusinessDate.objects.get_or_create(
        id=1, defaults={"current_date": timezone.localdate()}
    )
    return opened.current_date


def business_date_held() -> date:
    """Return the open business date, held (FOR SHARE) until the caller's transaction ends.

    Close of business cannot move the date while a draw or a capture dated on it is being
    written; those do not wait for each other.
    """
    with connection.cursor() as cursor:
        cursor.execute('SELECT "current_date" FROM loans_businessdate WHERE id = 1 FOR SHARE')
        row = cursor.fetchone()
    if row is not None:
        held: date = row[0]
        return held
    return business_date_current()


def next_working_days_between(start: date, end: date) -> dict[date, date]:
    """Map each non-working day in [start, end] to the next working day (PRODUCT §12).

    The mapping ``loans.domain.delinquency`` takes: a date not in it is a working day (so is
    every date of a year not loaded).
    """
    rows = CalendarDay.objects.filter(day__range=(start, end), is_working=False)
    return dict(rows.values_list("day", "following_working_date"))


def pay_by_date_for(due_date: date) -> date:
    """Return the last on-time day for an installment due on ``due_date`` (PRODUCT §12)."""
    return next_working_days_between(due_date, due_date).get(due_date, due_date)


def calendar_years_loaded() -> list[int]:
    """Return the years of the working calendar loaded, in order."""
    return list(CalendarYear.objects.order_by("year").values_list("year", flat=True))
