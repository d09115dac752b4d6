"""What one night of close of business decides for one loan: days past due, bucket, penalty.

The same rules as the nightly batch (loans.cob.services.steps: delinquency, penalty), for one
loan at a time, so a correction can restate nights already closed (issue #17: a back-dated
repayment or a reversal replays penalty, days past due and bucket as well as interest).
PRODUCT §2.4 and §12:

- an installment is overdue on night D when it is unsettled and its due date is before D;
- days past due = D - the pay-by date of the oldest overdue installment (the due date, or the
  next working day after a non-working one), at least 0;
- while days past due ≤ grace nothing is charged; past grace each overdue installment with
  principal unpaid and its pay-by date before D is charged round(unpaid principal * penalty
  rate / 360), HALF_UP; on the first night past grace, that amount once for each day since its
  pay-by date (the penalty runs "from the first overdue day").
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from loans.domain.dates import days_between
from loans.domain.delinquency import (
    EVERY_DAY_WORKS,
    Bucket,
    NextWorkingDays,
    bucket_for,
    daily_penalty,
    days_past_due,
    pay_by_date,
)
from loans.domain.money import decimal_context


@dataclass(frozen=True, slots=True)
class NightInstallment:
    """An installment as it stands when the night closes."""

    number: int
    due_date: date
    unpaid_principal: Decimal
    settled: bool


@dataclass(frozen=True, slots=True)
class PenaltyTerms:
    """The loan's penalty terms (copied from the product at the draw)."""

    annual_rate: Decimal
    multiplier: Decimal
    cap: Decimal
    grace_days: int


@dataclass(frozen=True, slots=True)
class NightClose:
    """Days past due and bucket on the night, and the penalty it charges per installment."""

    days_past_due: int
    bucket: Bucket
    penalties: dict[int, Decimal] = field(default_factory=dict)

    @property
    def penalty_total(self) -> Decimal:
        return sum(self.penalties.values(), Decimal("0.00"))


def night_close(
    *,
    installments: Sequence[NightInstallment],
    night: date,
    terms: PenaltyTerms,
    next_working_days: NextWorkingDays = EVERY_DAY_WORKS,
) -> NightClose:
    """Return what closing ``night`` decides for a loan whose installments stand so.

    Penalties are CNY, each day's amount rounded HALF_UP before it is multiplied; only
    installments charged more than 0.00 appear. Raises InvalidPenaltyTerms for negative terms.
    """
    overdue = [row for row in installments if not row.settled and row.due_date < night]
    oldest = min((row.due_date for row in overdue), default=None)
    late = days_past_due(
        oldest_unpaid_due_date=oldest, as_of=night, next_working_days=next_working_days
    )
    penalties: dict[int, Decimal] = {}
    if late > terms.grace_days:
        for row in overdue:
            amount = _penalty(row, night, late, terms, next_working_days)
            if amount > 0:
                penalties[row.number] = amount
    return NightClose(days_past_due=late, bucket=bucket_for(late), penalties=penalties)


def _penalty(
    row: NightInstallment,
    night: date,
    late: int,
    terms: PenaltyTerms,
    next_working_days: NextWorkingDays,
) -> Decimal:
    pay_by = pay_by_date(row.due_date, next_working_days=next_working_days)
    if row.unpaid_principal <= 0 or pay_by >= night:
        return Decimal("0.00")
    daily = daily_penalty(
        overdue_principal=row.unpaid_principal,
        annual_rate=terms.annual_rate,
        multiplier=terms.multiplier,
        cap=terms.cap,
    )
    days = days_between(pay_by, night) if late == terms.grace_days + 1 else 1
    with decimal_context():
        return daily * days
