"""Loading the working calendar a year at a time (PRODUCT §12; ``calendar_load``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.models import CalendarDay, CalendarYear
from loans.calendar.year_data import (
    CalendarDataInvalid,
    YearData,
    following_working_date,
    weekday_rule,
    year_data_parse,
)

SHIPPED_DATA = Path(__file__).resolve().parent / "data"


class CalendarYearNotShipped(LookupError):
    """No data file for the year asked for."""


@dataclass(frozen=True, slots=True)
class YearLoaded:
    year: int
    verified: bool
    counts: dict[str, int]  # days per kind
    replaced: int  # rows of the year there before
    unverified: tuple[date, ...]  # listed days not yet checked against the notice
    relinked: int  # days of the year before whose next working day moved


def calendar_years_shipped(data_dir: Path = SHIPPED_DATA) -> list[int]:
    """Return the years with a data file in ``data_dir``, in order."""
    return sorted(int(path.stem) for path in data_dir.glob("[0-9][0-9][0-9][0-9].json"))


def calendar_file_read(*, year: int, path: Path | None = None) -> tuple[YearData, str]:
    """Read and check the data file of ``year`` (the shipped one unless ``path``).

    Returns the parsed year and the file's sha256. Raises CalendarYearNotShipped without a file,
    CalendarDataInvalid for a file that cannot be loaded.
    """
    path = path or SHIPPED_DATA / f"{year}.json"
    if not path.is_file():
        shipped = ", ".join(map(str, calendar_years_shipped())) or "none"
        raise CalendarYearNotShipped(
            f"No calendar data for {year}: {path} does not exist (shipped years: {shipped})."
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CalendarDataInvalid(f"{path}: not UTF-8 text") from error
    try:
        return year_data_parse(text, year=year), hashlib.sha256(raw).hexdigest()
    except CalendarDataInvalid as error:
        raise CalendarDataInvalid(f"{path}: {error}") from error


@transaction.atomic
def calendar_year_load(*, year: int, path: Path | None = None) -> YearLoaded:
    """Replace the working calendar of ``year`` with its data file, in one transaction.

    Every date of the year gets a row with its kind and its following working day (itself on a
    working day). The days at the end of the year before that roll into this year are linked
    again; the days at the end of this year roll into the next by its rows if loaded, else by
    the weekly rule until it is. Loading the same file twice changes nothing. Raises
    CalendarYearNotShipped or CalendarDataInvalid, and then changes nothing.
    """
    data, checksum = calendar_file_read(year=year, path=path)
    CalendarYear.objects.select_for_update().filter(year=year).first()
    working = {item.day: item.is_working for item in data.days}
    outside = dict(
        CalendarDay.objects.filter(day__year__in=(year - 1, year + 1)).values_list(
            "day", "is_working"
        )
    )

    def is_working(day: date) -> bool:
        if day in working:
            return working[day]
        return outside.get(day, weekday_rule(day))

    replaced, _ = CalendarDay.objects.filter(day__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(
            day=item.day,
            kind=item.kind,
            is_working=item.is_working,
            following_working_date=following_working_date(item.day, is_working=is_working),
            name=item.name,
            verified=item.verified,
        )
        for item in data.days
    )
    relinked = _year_before_relink(year, is_working)
    _statistics_refresh()
    CalendarYear.objects.update_or_create(
        year=year,
        defaults={
            "source": data.source,
            "verified": data.verified,
            "checksum": checksum,
            "loaded_at": timezone.now(),
        },
    )
    counts: dict[str, int] = {}
    for item in data.days:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    unverified = tuple(item.day for item in data.days if not item.verified and item.name)
    return YearLoaded(year, data.verified, counts, replaced, unverified, relinked)


def _statistics_refresh() -> None:
    """Give the planner the calendar's statistics now, not at autovacuum's next pass.

    Close of business looks up each installment's pay-by date by key; without statistics the
    planner took the new table for a tiny one and scanned it once per installment (about 7x the
    nightly delinquency step at 1,000,000 loans). Only the table's owner may analyze it: run
    as the application's role this is skipped with a warning and autovacuum analyzes it soon.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE calendar_day")


def _year_before_relink(year: int, is_working: Callable[[date], bool]) -> int:
    """Re-point the last non-working days of ``year`` - 1 that roll into ``year``."""
    tail = CalendarDay.objects.filter(
        day__year=year - 1, is_working=False, following_working_date__gte=date(year, 1, 1)
    )
    moved = []
    for row in tail:
        following = following_working_date(row.day, is_working=is_working)
        if following != row.following_working_date:
            row.following_working_date = following
            moved.append(row)
    CalendarDay.objects.bulk_update(moved, ["following_working_date"])
    return len(moved)
