"""Days past due, buckets, penalty interest and write-off eligibility (PRODUCT §2.4, §12)."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from loans.domain.dates import days_between
from loans.domain.errors import DomainError
from loans.domain.money import decimal_context, require_decimal, round_money
from loans.domain.rate_cap import DEFAULT_RATE_CAP

DEFAULT_GRACE_DAYS = 3
DEFAULT_PENALTY_MULTIPLIER = Decimal("1.5")
DEFAULT_WRITE_OFF_DAYS = 180
DAYS_PER_YEAR = 360  # PRODUCT §2: daily rate = annual rate / 360 (PBOC convention)

# Each non-working day mapped to the next working day (loans.calendar); a date not in it is a
# working day. Empty: every day works, as when no calendar year is loaded.
NextWorkingDays = Mapping[date, date]
EVERY_DAY_WORKS: NextWorkingDays = MappingProxyType({})


class InvalidPenaltyTerms(DomainError):
    """A penalty input (days, multiplier, cap, overdue principal) is negative."""


class Bucket(StrEnum):
    """Delinquency bucket by days past due (PRODUCT §2.4)."""

    CURRENT = "CURRENT"
    M1 = "M1"
    M2 = "M2"
    M3 = "M3"
    M4_PLUS = "M4_PLUS"


def pay_by_date(due_date: date, *, next_working_days: NextWorkingDays = EVERY_DAY_WORKS) -> date:
    """Return the last day on which paying an installment due on ``due_date`` counts as on time.

    The due date itself on a working day; on a non-working day, the next working day (PRODUCT
    §12: the schedule does not move, but a payment by the end of that day is on time).
    """
    return next_working_days.get(due_date, due_date)


def days_past_due(
    *,
    oldest_unpaid_due_date: date | None,
    as_of: date,
    next_working_days: NextWorkingDays = EVERY_DAY_WORKS,
) -> int:
    """Return as_of - the pay-by date of the oldest unpaid installment in days, at least 0.

    0 if none. The pay-by date is the due date, or the next working day for a due date on a
    non-working day (PRODUCT §12), so a due date on Sunday 7 February 2027 paid by the end of
    the next working day is never past due, and unpaid it is 1 day past due on the day after
    that working day. Since the pay-by dates rise with the due dates, the oldest installment's
    is the earliest.
    """
    if oldest_unpaid_due_date is None:
        return 0
    pay_by = pay_by_date(oldest_unpaid_due_date, next_working_days=next_working_days)
    return max(days_between(pay_by, as_of), 0)


def bucket_for(days_past_due: int) -> Bucket:
    """Return CURRENT (0), M1 (1-30), M2 (31-60), M3 (61-90) or M4_PLUS (>90).

    Raises InvalidPenaltyTerms for negative days.
    """
    _require_non_negative_days(days_past_due, name="Days past due")
    if days_past_due == 0:
        return Bucket.CURRENT
    if days_past_due <= 30:
        return Bucket.M1
    if days_past_due <= 60:
        return Bucket.M2
    if days_past_due <= 90:
        return Bucket.M3
    return Bucket.M4_PLUS


def penalty_annual_rate(
    *,
    annual_rate: Decimal,
    multiplier: Decimal = DEFAULT_PENALTY_MULTIPLIER,
    cap: Decimal = DEFAULT_RATE_CAP,
) -> Decimal:
    """Return min(annual_rate * multiplier, cap), a fraction per year, unrounded.

    PRODUCT §2.4: contract rate * 1.5 (PBOC allows +30% to +50%), never above the cap.
    Raises InvalidPenaltyTerms for a negative rate, multiplier or cap.
    """
    for value, name in ((annual_rate, "Annual rate"), (multiplier, "Multiplier"), (cap, "Cap")):
        _require_non_negative(value, name=name)
    with decimal_context():
        return min(annual_rate * multiplier, cap)


def daily_penalty(
    *,
    overdue_principal: Decimal,
    annual_rate: Decimal,
    multiplier: Decimal = DEFAULT_PENALTY_MULTIPLIER,
    cap: Decimal = DEFAULT_RATE_CAP,
) -> Decimal:
    """Return one day's penalty: round(overdue principal * penalty rate / 360), HALF_UP, CNY.

    Raises InvalidPenaltyTerms for negative inputs.
    """
    _require_non_negative(overdue_principal, name="Overdue principal")
    rate = penalty_annual_rate(annual_rate=annual_rate, multiplier=multiplier, cap=cap)
    with decimal_context():
        return round_money(overdue_principal * rate / DAYS_PER_YEAR)


def penalty_for_date(
    *,
    overdue_principal: Decimal,
    annual_rate: Decimal,
    days_past_due: int,
    grace_days: int = DEFAULT_GRACE_DAYS,
    multiplier: Decimal = DEFAULT_PENALTY_MULTIPLIER,
    cap: Decimal = DEFAULT_RATE_CAP,
) -> Decimal:
    """Return the penalty to charge for the date on which the loan is ``days_past_due``.

    CNY, each day's amount rounded HALF_UP first. 0.00 while days_past_due ≤ grace_days; on the
    day it reaches grace_days + 1, (grace_days + 1) daily amounts, because once past grace the
    penalty runs "from the first overdue day" (PRODUCT §2.4); after that one daily amount.
    Raises InvalidPenaltyTerms for negative inputs.
    """
    _require_non_negative_days(days_past_due, name="Days past due")
    _require_non_negative_days(grace_days, name="Grace days")
    if days_past_due <= grace_days:
        return round_money(Decimal("0"))
    daily = daily_penalty(
        overdue_principal=overdue_principal, annual_rate=annual_rate, multiplier=multiplier, cap=cap
    )
    days_charged = grace_days + 1 if days_past_due == grace_days + 1 else 1
    with decimal_context():
        return daily * days_charged


def write_off_eligible(*, days_past_due: int, write_off_days: int = DEFAULT_WRITE_OFF_DAYS) -> bool:
    """Tell whether a loan this many days past due may be written off (DPD ≥ 180 by default)."""
    return days_past_due >= write_off_days


def _require_non_negative(value: Decimal, *, name: str) -> None:
    require_decimal(value, name=name)
    if value < 0:
        raise InvalidPenaltyTerms(f"{name} must not be negative, got {value}.")


def _require_non_negative_days(days: int, *, name: str) -> None:
    if days < 0:
        raise InvalidPenaltyTerms(f"{name} must not be negative, got {days}.")
