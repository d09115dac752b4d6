"""Reads of the business calendar."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils import timezone

from loans.calendar.models import BusinessDate


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
