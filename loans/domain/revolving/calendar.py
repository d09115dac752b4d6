"""Statement dates, cycles and due dates of a revolving account (PRODUCT §10).

The cycle billed on statement date S is the half-open range [previous statement date, S): its
first day is the previous statement date, its last day S - 1 (PRODUCT §10 "… S - 1]"; STYLE.md
"periods are half-open"). So every day belongs to exactly one cycle, and an event on a statement
date goes on the next bill. The due date is S + due_days (9: the 10th for S = 1).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from loans.domain.dates import add_months
from loans.domain.delinquency import EVERY_DAY_WORKS, NextWorkingDays, pay_by_date
from loans.domain.revolving.terms import RevolvingTerms, require_statement_day


@dataclass(frozen=True, slots=True)
class Cycle:
    """The days billed on ``statement_date``: [start, statement_date), the end excluded."""

    start: date
    statement_date: date

    @property
    def last_day(self) -> date:
        """Return the last day of the cycle, statement_date - 1."""
        return self.statement_date - timedelta(days=1)

    def contains(self, day: date) -> bool:
        """Tell whether ``day`` falls in [start, statement_date)."""
        return self.start <= day < self.statement_date


def statement_date_in(*, statement_day: int, year: int, month: int) -> date:
    """Return the statement date of ``month``: day S of it (S is 1-28, so every month has it)."""
    return date(year, month, require_statement_day(statement_day))


def next_statement_date(*, after: date, statement_day: int) -> date:
    """Return the first statement date strictly after ``after``.

    This is the bill an event on ``after`` goes on, and an account opened on ``after`` has it as
    its first statement date.
    """
    this_month = statement_date_in(statement_day=statement_day, year=after.year, month=after.month)
    return this_month if this_month > after else add_months(this_month, 1)


def previous_statement_date(statement_date: date) -> date:
    """Return the statement date one month before ``statement_date`` (exact: day ≤ 28)."""
    return add_months(statement_date, -1)


def cycle_of(statement_date: date) -> Cycle:
    """Return the cycle billed on ``statement_date``: [previous statement date, statement_date)."""
    return Cycle(previous_statement_date(statement_date), statement_date)


def due_date_for(statement_date: date, *, terms: RevolvingTerms) -> date:
    """Return statement_date + due_days (PRODUCT §10: S + 9, the 10th for S = 1)."""
    return statement_date + timedelta(days=terms.due_days)


def pay_by_for(
    statement_date: date,
    *,
    terms: RevolvingTerms,
    next_working_days: NextWorkingDays = EVERY_DAY_WORKS,
) -> date:
    """Return the last day a bill's payment counts as on time (PRODUCT §12).

    The due date, or the next working day when the due date is not one; the interest-free check
    and the overdue check both run at the close of this day.
    """
    return pay_by_date(
        due_date_for(statement_date, terms=terms), next_working_days=next_working_days
    )


def interest_free_days(*, purchase_date: date, statement_day: int, terms: RevolvingTerms) -> int:
    """Return the days from a purchase through its bill's due date, both counted.

    A purchase on day S + 1 of a 31-day month: 30 days to the next statement date, then S itself
    through S + 9, 10 more: 40 days (PRODUCT §10 "up to 40 days"). On the statement date itself
    the purchase goes on the next bill: 41 days.
    """
    statement_date = next_statement_date(after=purchase_date, statement_day=statement_day)
    return (due_date_for(statement_date, terms=terms) - purchase_date).days + 1
