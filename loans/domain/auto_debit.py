"""Auto-debit timing and splitting (代扣, PRODUCT §11): when to charge again, and how to split.

Pure: no clock, no database. Times are aware datetimes in the schedule's zone (Beijing,
``Asia/Shanghai``): a wall time there is what the rule states ("again at 12:00 and 18:00").

The default schedule, for an installment due on D: D 08:00 (the first attempt), D 12:00 and
D 18:00 (same-day retries), 08:00 on each of D+1 … D+7, then D+15 and D+30 at 08:00 (days past
due 15 and 30, counted in calendar days from the due date). Nothing is sent at or after 21:00.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

FEN = Decimal("0.01")
BEIJING = "Asia/Shanghai"
EIGHT, NOON = time.fromisoformat("08:00"), time.fromisoformat("12:00")
EIGHTEEN, TWENTY_ONE = time.fromisoformat("18:00"), time.fromisoformat("21:00")

DEFAULT_RETRY_SCHEDULE: Mapping[str, object] = {
    "first_at": "08:00",
    "same_day_retries": ["12:00", "18:00"],
    "daily_retry_days": 7,
    "daily_at": "08:00",
    "days_past_due_retries": [15, 30],
    "window_end": "21:00",
}


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When an auto-debit series charges: the due date's times, then one a day, then by DPD."""

    first_at: time = EIGHT
    same_day_retries: tuple[time, ...] = (NOON, EIGHTEEN)
    daily_retry_days: int = 7
    daily_at: time = EIGHT
    days_past_due_retries: tuple[int, ...] = (15, 30)
    window_end: time = TWENTY_ONE
    zone: str = BEIJING

    def __post_init__(self) -> None:
        day_times = (self.first_at, *self.same_day_retries)
        if any(b <= a for a, b in pairwise(day_times)):
            raise ValueError("The due date's times must be strictly increasing.")
        if max(*day_times, self.daily_at) >= self.window_end:
            raise ValueError("Every attempt time must be before the window's end.")
        if self.daily_retry_days < 0:
            raise ValueError("daily_retry_days must not be negative.")
        days = self.days_past_due_retries
        if any(b <= a for a, b in pairwise(days)) or (days and days[0] <= self.daily_retry_days):
            raise ValueError("days_past_due_retries must rise and come after the daily retries.")


def retry_schedule_parse(data: Mapping[str, object]) -> RetrySchedule:
    """Build a RetrySchedule from the setting's dict (``LENDPORTAL_AUTO_DEBIT_RETRY_SCHEDULE``).

    Times are "HH:MM" strings, days whole numbers; a missing key takes the default. Raises
    ValueError on a malformed or inconsistent schedule.
    """
    merged = {**DEFAULT_RETRY_SCHEDULE, **data}
    unknown = set(merged) - set(DEFAULT_RETRY_SCHEDULE) - {"zone"}
    if unknown:
        raise ValueError(f"Unknown retry schedule keys: {sorted(unknown)}")
    return RetrySchedule(
        first_at=_time(merged["first_at"]),
        same_day_retries=tuple(_time(t) for t in _list(merged["same_day_retries"])),
        daily_retry_days=_int(merged["daily_retry_days"]),
        daily_at=_time(merged["daily_at"]),
        days_past_due_retries=tuple(_int(d) for d in _list(merged["days_past_due_retries"])),
        window_end=_time(merged["window_end"]),
        zone=str(merged.get("zone", BEIJING)),
    )


def _time(value: object) -> time:
    if not isinstance(value, str):
        raise ValueError(f"A time must be an 'HH:MM' string, got {value!r}")
    try:
        if len(value) != len("HH:MM"):
            raise ValueError(value)
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"A time must be an 'HH:MM' string, got {value!r}") from None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"A number of days must be a whole number, got {value!r}")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"Expected a list, got {value!r}")
    return list(value)


def attempt_times(schedule: RetrySchedule, due_date: date) -> list[datetime]:
    """Return every time a series for ``due_date`` may charge, in order (aware, schedule zone)."""
    zone = ZoneInfo(schedule.zone)
    times = [
        datetime.combine(due_date, at, tzinfo=zone)
        for at in (schedule.first_at, *schedule.same_day_retries)
    ]
    days = [*range(1, schedule.daily_retry_days + 1), *schedule.days_past_due_retries]
    times += [
        datetime.combine(due_date + timedelta(days=n), schedule.daily_at, tzinfo=zone) for n in days
    ]
    return times


def next_attempt_at(schedule: RetrySchedule, due_date: date, after: datetime) -> datetime | None:
    """Return the first charge time of the series strictly after ``after`` (aware), or None.

    None once the last retry (days past due 30 by default) has passed: the series stops.
    """
    return next((at for at in attempt_times(schedule, due_date) if at > after), None)


def next_open_attempt_at(
    schedule: RetrySchedule, due_date: date, *, after: datetime, now: datetime
) -> datetime | None:
    """Return the first charge time after ``after`` whose day's window is still open at ``now``.

    For an attempt that was not sent before its window closed: its replacement is the next
    time of the series that can still be sent (possibly already due), or None.
    """
    return next(
        (
            at
            for at in attempt_times(schedule, due_date)
            if at > after and window_closes_at(schedule, at) > now
        ),
        None,
    )


def window_closes_at(schedule: RetrySchedule, at: datetime) -> datetime:
    """Return when the sending window of ``at``'s day (in the schedule's zone) closes."""
    zone = ZoneInfo(schedule.zone)
    local = at.astimezone(zone)
    return datetime.combine(local.date(), schedule.window_end, tzinfo=zone)


def split_amount(amount: Decimal, limit: Decimal) -> list[Decimal]:
    """Split ``amount`` (yuan, whole fen, > 0) into the fewest parts of at most ``limit``.

    The parts are as equal as the fen allows (the first ones a fen larger), each > 0, and sum
    to ``amount`` exactly. ``limit`` is rounded down to the fen; raises ValueError if that
    leaves less than a fen, or if ``amount`` is not positive whole fen.
    """
    limit = _split_check(amount, limit)
    fens = int(amount / FEN)
    limit_fens = int(limit / FEN)
    count = -(-fens // limit_fens)
    base, extra = divmod(fens, count)
    return [(base + (1 if i < extra else 0)) * FEN for i in range(count)]


def split_capped(
    amount: Decimal, limit: Decimal, *, max_parts: int
) -> tuple[list[Decimal], Decimal]:
    """Split ``amount`` under ``limit`` into at most ``max_parts`` parts; return them and the rest.

    Within the cap: ``split_amount``'s parts and a rest of 0. Over it (a bank's limit tiny
    beside the amount): ``max_parts`` parts of the whole limit, and the rest left for later.
    Raises ValueError as ``split_amount`` does, or if ``max_parts`` < 1.
    """
    if max_parts < 1:
        raise ValueError(f"The cap must allow at least one part, got {max_parts}")
    limit = _split_check(amount, limit)
    if amount > limit * max_parts:
        return [limit] * max_parts, amount - limit * max_parts
    return split_amount(amount, limit), Decimal("0.00")


def _split_check(amount: Decimal, limit: Decimal) -> Decimal:
    """Return ``limit`` rounded down to the fen; raise ValueError for what cannot be split."""
    if amount <= 0 or amount != amount.quantize(FEN):
        raise ValueError(f"The amount must be positive and in whole fen, got {amount}")
    limit = limit.quantize(FEN, rounding=ROUND_DOWN)
    if limit < FEN:
        raise ValueError(f"The limit must be at least one fen, got {limit}")
    return limit


def half_limit(amount: Decimal) -> Decimal:
    """Return the limit to split under when the bank names none: half, rounded up to the fen."""
    return (amount / 2).quantize(FEN, rounding=ROUND_UP)
