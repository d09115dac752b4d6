"""Due dates and day counts (PRODUCT §2): monthly on the disbursement day, clamped to month end."""

import calendar
from datetime import MAXYEAR, MINYEAR, date

from loans.domain.errors import DomainError


class DateOutOfRange(DomainError):
    """A computed date falls outside the calendar Python can represent."""


def add_months(start: date, months: int) -> date:
    """Return ``start`` moved by ``months`` months, keeping its day, clamped to the month's end.

    Always computed from ``start`` itself, never chained, so Jan 31 + 1 is Feb 28/29 and
    Jan 31 + 2 is Mar 31 (PRODUCT §2: "in a month without that day, its last day").
    Raises DateOutOfRange past year 9999.
    """
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    if not MINYEAR <= year <= MAXYEAR:
        raise DateOutOfRange(f"{start.isoformat()} plus {months} months is out of range.")
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(start.day, last_day))


def due_dates(start: date, term: int) -> tuple[date, ...]:
    """Return the ``term`` monthly due dates after ``start``; the k-th is add_months(start, k)."""
    return tuple(add_months(start, k) for k in range(1, term + 1))


def days_between(a: date, b: date) -> int:
    """Return the number of days in the half-open range [a, b) (negative when b < a)."""
    return (b - a).days


def age_on(*, birth_date: date, as_of: date) -> int:
    """Return a person's age in whole years on ``as_of`` (a Feb 29 birthday counts on Mar 1)."""
    before_birthday = (as_of.month, as_of.day) < (birth_date.month, birth_date.day)
    return as_of.year - birth_date.year - int(before_birthday)
