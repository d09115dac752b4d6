"""Daily interest accrual and interest for days elapsed (PRODUCT §2.3 and §2.5)."""

from datetime import date, timedelta
from decimal import Decimal

from loans.domain.dates import days_between
from loans.domain.errors import DomainError
from loans.domain.money import ZERO, decimal_context, require_decimal, round_money

ONE_DAY = timedelta(days=1)


class InvalidAccrualPeriod(DomainError):
    """A period to accrue over is empty or its interest or accrued amount is negative."""


def accrued_through(
    *, period_interest: Decimal, period_start: date, due_date: date, as_of: date
) -> Decimal:
    """Return the interest of [period_start, due_date) earned through the end of ``as_of``.

    round(I * days(start, as_of + 1) / days(start, due)), HALF_UP to the fen (PRODUCT §2.3):
    0.00 before the period, exactly I from its last day (due - 1) on. Raises InvalidAccrualPeriod.
    """
    return _pro_rata(period_interest, period_start, due_date, as_of + ONE_DAY)


def interest_before(
    *, period_interest: Decimal, period_start: date, due_date: date, as_of: date
) -> Decimal:
    """Return the interest of the period for the days before ``as_of`` (算头不算尾, PRODUCT §2.5).

    round(I * days(start, as_of) / days(start, due)), HALF_UP to the fen, clamped to [0, I]:
    what a payoff on ``as_of`` owes for this period. Raises InvalidAccrualPeriod.
    """
    return _pro_rata(period_interest, period_start, due_date, as_of)


def accrual_delta(
    *,
    period_interest: Decimal,
    period_start: date,
    due_date: date,
    as_of: date,
    already_accrued: Decimal,
) -> Decimal:
    """Return the amount to post for ``as_of``: accrued_through(as_of) - already_accrued.

    In CNY, exact (both sides are whole fen). 0.00 when ``as_of`` was already accrued, so a rerun
    posts nothing (PRODUCT §2.3). Negative only if more than the schedule was accrued (e.g. the
    period's interest was lowered): the caller must then reverse, not post. Raises
    InvalidAccrualPeriod.
    """
    _require_non_negative(already_accrued, name="Already accrued interest")
    target = accrued_through(
        period_interest=period_interest, period_start=period_start, due_date=due_date, as_of=as_of
    )
    with decimal_context():
        return target - already_accrued


def _pro_rata(interest: Decimal, start: date, due: date, end: date) -> Decimal:
    """Return round(interest * days(start, end) / days(start, due)), end clamped to the period."""
    _require_non_negative(interest, name="Period interest")
    period_days = days_between(start, due)
    if period_days <= 0:
        raise InvalidAccrualPeriod(f"Period {start} to {due} has no days to accrue over.")
    elapsed = min(max(days_between(start, end), 0), period_days)
    with decimal_context():
        return round_money(interest * elapsed / period_days)


def _require_non_negative(amount: Decimal, *, name: str) -> None:
    require_decimal(amount, name=name)
    if amount < ZERO:
        raise InvalidAccrualPeriod(f"{name} must not be negative, got {amount}.")
