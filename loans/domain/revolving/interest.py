"""The interest-free check, revolving interest, overdue and penalty (PRODUCT §10, §2.4, §12).

Run by the close of business of each date, after the cut of a statement date:

1. Interest-free check at the close of a bill's pay-by date (its due date, or the next working
   day, §12): if any of the bill's own revolving principal is unpaid, charge
   round(unpaid * daily rate * days from the statement date through the due date, both counted)
   — 10 days by default — plus round(unpaid * daily rate) for each day after the due date
   through the pay-by date; from then on the bill bears interest.
2. Daily interest on each bill that bears interest, from the day after its pay-by date:
   round(base * daily rate), base = its unpaid revolving principal less its overdue unpaid
   minimum (that part bears penalty instead). Rounded per bill.
3. Overdue: a bill whose own minimum is unpaid after its pay-by date makes the account past due;
   days past due = date - the pay-by date of the oldest such bill (loans.domain.delinquency).
   Penalty on the account's overdue unpaid minimum by the §2.4 rule (penalty_for_date): none
   while DPD ≤ grace, then from the first overdue day, at min(annual rate * multiplier, cap)/360.

Installment principal and fees bear no revolving interest (their fee is their price). The two
bases are disjoint and the penalty rate is capped, so interest plus penalty on any yuan never
exceeds the cap.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from loans.domain.delinquency import Bucket, bucket_for, days_past_due, penalty_for_date
from loans.domain.money import ZERO, decimal_context, round_money, sum_amounts
from loans.domain.revolving.state import AccountState, Bill
from loans.domain.revolving.terms import RevolvingTerms


@dataclass(frozen=True, slots=True)
class DayCharges:
    """What the close of business of ``as_of`` charged and how the account stands after it."""

    as_of: date
    check_interest: Decimal
    daily_interest: Decimal
    penalty: Decimal
    days_past_due: int
    bucket: Bucket
    overdue_minimum: Decimal

    @property
    def interest(self) -> Decimal:
        """Return all revolving interest charged on ``as_of``."""
        return sum_amounts((self.check_interest, self.daily_interest))


def interest_at_check(
    *, unpaid: Decimal, statement_date: date, due_date: date, pay_by_date: date, daily_rate: Decimal
) -> Decimal:
    """Return the interest charged when a bill fails its interest-free check, CNY.

    round(unpaid * daily rate * days(statement date through due date, both counted)), plus one
    daily amount round(unpaid * daily rate) for each day after the due date through the pay-by
    date. ¥2,000 at 0.05% over 10 days: ¥10.00.
    """
    days = (due_date - statement_date).days + 1
    with decimal_context():
        lump = round_money(unpaid * daily_rate * days)
        return lump + (pay_by_date - due_date).days * daily_interest(
            unpaid=unpaid, daily_rate=daily_rate
        )


def daily_interest(*, unpaid: Decimal, daily_rate: Decimal) -> Decimal:
    """Return one day's revolving interest: round(unpaid * daily rate), HALF_UP, CNY."""
    with decimal_context():
        return round_money(unpaid * daily_rate)


def overdue_minimum(state: AccountState, *, as_of: date) -> tuple[Decimal, Bill | None]:
    """Return the unpaid minimum of bills past their pay-by date, and the oldest such bill."""
    overdue = [b for b in state.bills if b.pay_by_date < as_of and b.minimum_unpaid > 0]
    return sum_amounts(b.minimum_unpaid for b in overdue), (overdue[0] if overdue else None)


def day_close(
    state: AccountState, *, as_of: date, terms: RevolvingTerms
) -> tuple[AccountState, DayCharges]:
    """Charge the interest and penalty of ``as_of`` and report DPD (module docstring, steps 1-3).

    Run once per date, after the cut if ``as_of`` is a statement date. The charges wait,
    unbilled, for the next cut.
    """
    rows = [_bill_interest(bill, as_of, terms) for bill in state.bills]
    check_total = [check for _, check, _ in rows if check is not None]
    daily_total = [daily for _, _, daily in rows if daily is not None]
    bills = [bill for bill, _, _ in rows]
    overdue, oldest = overdue_minimum(state, as_of=as_of)
    dpd = days_past_due(oldest_unpaid_due_date=oldest.pay_by_date if oldest else None, as_of=as_of)
    penalty = ZERO if oldest is None else _penalty(overdue, dpd, terms)
    check, daily = sum_amounts(check_total), sum_amounts(daily_total)
    charges = DayCharges(as_of, check, daily, penalty, dpd, bucket_for(dpd), overdue)
    if not (check_total or daily_total or penalty):
        return state, charges  # nothing charged: the same state, no copy
    with decimal_context():
        new_state = replace(
            state,
            bills=tuple(bills),
            unbilled_interest=state.unbilled_interest + check + daily,
            unbilled_penalty=state.unbilled_penalty + penalty,
        )
    return new_state, charges


def _bill_interest(
    bill: Bill, as_of: date, terms: RevolvingTerms
) -> tuple[Bill, Decimal | None, Decimal | None]:
    """Return the bill after ``as_of``, its interest at the check and its daily interest."""
    if bill.pay_by_date == as_of and not bill.bears_interest and bill.revolving_principal > 0:
        check = interest_at_check(
            unpaid=bill.revolving_principal,
            statement_date=bill.statement_date,
            due_date=bill.due_date,
            pay_by_date=bill.pay_by_date,
            daily_rate=terms.daily_rate,
        )
        return replace(bill, bears_interest=True), check, None
    if bill.bears_interest and bill.pay_by_date < as_of:
        return bill, None, daily_interest(unpaid=_interest_base(bill), daily_rate=terms.daily_rate)
    return bill, None, None


def _penalty(overdue: Decimal, days: int, terms: RevolvingTerms) -> Decimal:
    return penalty_for_date(
        overdue_principal=overdue,
        annual_rate=terms.annual_rate,
        days_past_due=days,
        grace_days=terms.grace_days,
        multiplier=terms.penalty_multiplier,
        cap=terms.rate_cap,
    )


def _interest_base(bill: Bill) -> Decimal:
    # PRODUCT §10: the unpaid minimum bears penalty "instead of revolving interest"; only a bill
    # whose pay-by date has passed (the caller checks) can have an overdue minimum.
    with decimal_context():
        return max(bill.revolving_principal - bill.minimum_unpaid, ZERO)
