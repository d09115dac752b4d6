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


def accrued_through_from(
    *,
    period_interest: Decimal,
    accrual_base: Decimal,
    accrual_start: date,
    due_date: date,
    as_of: date,
) -> Decimal:
    """Return the interest of an installment earned through the end of ``as_of``, from a base.

    For an installment re-amortised by a prepayment on ``accrual_start`` (PRODUCT §2.5):
    base + round((I - base) * days(accrual_start, as_of + 1) / days(accrual_start, due)),
    HALF_UP to the fen. ``accrual_base`` (the interest settled for the days before
    accrual_start) before accrual_start, exactly I from the last day (due - 1) on. With base 0
    and accrual_start = period start it is ``accrued_through``. Raises InvalidAccrualPeriod.
    """
    return _pro_rata_from(period_interest, accrual_base, accrual_start, due_date, as_of + ONE_DAY)


def interest_before_from(
    *,
    period_interest: Decimal,
    accrual_base: Decimal,
    accrual_start: date,
    due_date: date,
    as_of: date,
) -> Decimal:
    """Return the interest of a re-amortised installment for the days before ``as_of`` (算头不算尾).

    base + round((I - base) * days(accrual_start, as_of) / days(accrual_start, due)), HALF_UP
    to the fen, the day count clamped to the period: what a payoff or a further prepayment on
    ``as_of`` owes for this installment (PRODUCT §2.5). Equals accrued_through_from(as_of - 1).
    Raises InvalidAccrualPeriod.
    """
    return _pro_rata_from(period_interest, accrual_base, accrual_start, due_date, as_of)


def _pro_rata(interest: Decimal, start: date, due: date, end: date) -> Decimal:
    """Return round(interest * days(start, end) / days(start, due)), end clamped to the period."""
    _require_non_negative(interest, name="Period interest")
    return _share(interest, start, due, end)


def _pro_rata_from(interest: Decimal, base: Decimal, start: date, due: date, end: date) -> Decimal:
    """Return base + round((interest - base) * days(start, end) / days(start, due)), clamped."""
    _require_non_negative(interest, name="Period interest")
    _require_non_negative(base, name="Accrual base")
    with decimal_context():
        # round_money is exact for whole-fen amounts; it only gives 0 the exponent of 0.00.
        return round_money(base + _share(interest - base, start, due, end))


def _share(amount: Decimal, start: date, due: date, end: date) -> Decimal:
    """Return round(amount * days(start, end) / days(start, due)), end clamped to the period."""
    period_days = days_between(start, due)
    if period_days <= 0:
        raise InvalidAccrualPeriod(f"Period {start} to {due} has no days to accrue over.")
    elapsed = min(max(days_between(start, end), 0), period_days)
    with decimal_context():
        return round_money(amount * elapsed / period_days)


def _require_non_negative(amount: Decimal, *, name: str) -> None:
    require_decimal(amount, name=name)
    if amount < ZERO:
        raise InvalidAccrualPeriod(f"{name} must not be negative, got {amount}.")
