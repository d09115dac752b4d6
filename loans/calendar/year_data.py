"""A year of the PRC working calendar read from its data file (PRODUCT §12): pure, no Django.

The file (loans/calendar/data/YEAR.json, docs/calendar.md) lists the public holidays as ranges
and the make-up working days (调休上班); every other Saturday and Sunday is a rest day and every
other weekday a working day.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

ONE_DAY = timedelta(days=1)
# The longest run of non-working days accepted: the Spring Festival's is 9 at most, and close
# of business looks this far back for due dates rolled past a holiday (reminders).
MAX_NON_WORKING_RUN = 14
MAX_NAME_LENGTH = 40


class CalendarDataInvalid(ValueError):
    """A calendar data file cannot be loaded; the message says where and why."""


@dataclass(frozen=True, slots=True)
class YearDay:
    day: date
    kind: str  # loans.calendar.models.DayKind values
    name: str
    verified: bool

    @property
    def is_working(self) -> bool:
        return self.kind in ("WORKDAY", "MAKEUP_WORKDAY")


@dataclass(frozen=True, slots=True)
class YearData:
    year: int
    source: str
    verified: bool
    days: tuple[YearDay, ...]  # every date of the year, in order


def year_data_parse(text: str, *, year: int) -> YearData:
    """Parse and check a year's data file; raise CalendarDataInvalid with the reason."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise CalendarDataInvalid(
            f"not JSON: line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    if not isinstance(raw, dict):
        raise CalendarDataInvalid("the file must hold one JSON object")
    if raw.get("year") != year:
        raise CalendarDataInvalid(f"the file is for year {raw.get('year')!r}, not {year}")
    source = raw.get("source")
    verified = raw.get("verified")
    if not isinstance(source, str) or not source.strip():
        raise CalendarDataInvalid("'source' (the notice the dates come from) is missing")
    if not isinstance(verified, bool):
        raise CalendarDataInvalid("'verified' must be true or false")
    listed = _holidays(raw.get("holidays"), year=year)
    listed.update(_makeup_days(raw.get("makeup_workdays"), year=year, holidays=listed))
    days = tuple(
        listed.get(day) or YearDay(day, _plain_kind(day), "", verified) for day in _dates(year)
    )
    _check_runs(days)
    return YearData(year=year, source=source.strip(), verified=verified, days=days)


def following_working_date(day: date, *, is_working: Callable[[date], bool]) -> date:
    """Return ``day`` if it is a working day, else the first working day after it."""
    for _ in range(MAX_NON_WORKING_RUN + 2):
        if is_working(day):
            return day
        day += ONE_DAY
    raise CalendarDataInvalid(f"no working day within {MAX_NON_WORKING_RUN} days of {day}")


def weekday_rule(day: date) -> bool:
    """Whether ``day`` works by the weekly rule alone (a year not loaded): Monday to Friday,
    except New Year's Day, a public holiday every year."""
    return day.weekday() < 5 and (day.month, day.day) != (1, 1)


def _dates(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def _plain_kind(day: date) -> str:
    return "WEEKEND" if day.weekday() >= 5 else "WORKDAY"


def _entries(value: Any, *, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise CalendarDataInvalid(f"'{key}' must be a list of objects")
    return value


def _date(value: Any, *, year: int, where: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise CalendarDataInvalid(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error
    if day.year != year:
        raise CalendarDataInvalid(f"{where}: {day} is not in {year}")
    return day


def _name_and_verified(entry: dict[str, Any], *, key: str, where: str) -> tuple[str, bool]:
    name, verified = entry.get(key), entry.get("verified")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_LENGTH:
        raise CalendarDataInvalid(f"{where}: '{key}' must be 1 to {MAX_NAME_LENGTH} characters")
    if not isinstance(verified, bool):
        raise CalendarDataInvalid(f"{where}: 'verified' must be true or false")
    return name, verified


def _holidays(value: Any, *, year: int) -> dict[date, YearDay]:
    days: dict[date, YearDay] = {}
    for number, entry in enumerate(_entries(value, key="holidays"), start=1):
        where = f"holidays[{number}]"
        name, verified = _name_and_verified(entry, key="name", where=where)
        first = _date(entry.get("from"), year=year, where=f"{where}.from")
        last = _date(entry.get("to"), year=year, where=f"{where}.to")
        if last < first:
            raise CalendarDataInvalid(f"{where}: 'to' {last} is before 'from' {first}")
        day = first
        while day <= last:
            if day in days:
                raise CalendarDataInvalid(f"{where}: {day} is listed twice")
            days[day] = YearDay(day, "HOLIDAY", name, verified)
            day += ONE_DAY
    return days


def _makeup_days(value: Any, *, year: int, holidays: dict[date, YearDay]) -> dict[date, YearDay]:
    days: dict[date, YearDay] = {}
    for number, entry in enumerate(_entries(value, key="makeup_workdays"), start=1):
        where = f"makeup_workdays[{number}]"
        name, verified = _name_and_verified(entry, key="for", where=where)
        day = _date(entry.get("date"), year=year, where=f"{where}.date")
        if day in holidays or day in days:
            raise CalendarDataInvalid(f"{where}: {day} is listed twice")
        if day.weekday() < 5:
            raise CalendarDataInvalid(f"{where}: {day} is a weekday, not a weekend day")
        days[day] = YearDay(day, "MAKEUP_WORKDAY", name, verified)
    return days


def _check_runs(days: tuple[YearDay, ...]) -> None:
    run = 0
    for item in days:
        run = 0 if item.is_working else run + 1
        if run > MAX_NON_WORKING_RUN:
            raise CalendarDataInvalid(
                f"more than {MAX_NON_WORKING_RUN} non-working days in a row up to {item.day}"
            )
