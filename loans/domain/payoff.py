"""What it takes to close a loan on a date (PRODUCT §2.5): 算头不算尾, no prepayment fee."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loans.domain.accrual import interest_before
from loans.domain.money import ZERO, decimal_context, sum_amounts


@dataclass(frozen=True, slots=True)
class OutstandingInstallment:
    """One installment of a live loan as the ledger sees it; amounts in CNY."""

    period_start: date
    due_date: date
    scheduled_interest: Decimal
    interest_paid: Decimal
    principal_outstanding: Decimal
    fee_outstanding: Decimal
    penalty_outstanding: Decimal


@dataclass(frozen=True, slots=True)
class PayoffQuote:
    """The amounts that close a loan on a date, per component, in CNY."""

    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalty: Decimal

    @property
    def total(self) -> Decimal:
        """Return principal + interest + fees + penalty."""
        return sum_amounts((self.principal, self.interest, self.fees, self.penalty))


def payoff_quote(*, installments: Sequence[OutstandingInstallment], as_of: date) -> PayoffQuote:
    """Return what the borrower pays to close the loan on ``as_of`` (PRODUCT §2.5).

    Principal: all outstanding. Interest: unpaid interest for the days before ``as_of`` of every
    period (whole periods when due on or before ``as_of``, pro rata HALF_UP for the current one,
    none for future ones), never below 0. Fees: of installments due on or before ``as_of``.
    Penalty: all. No prepayment fee. Raises InvalidAccrualPeriod for an empty period.
    """
    return PayoffQuote(
        principal=sum_amounts(i.principal_outstanding for i in installments),
        interest=sum_amounts(_interest_owed(i, as_of) for i in installments),
        fees=sum_amounts(i.fee_outstanding for i in installments if i.due_date <= as_of),
        penalty=sum_amounts(i.penalty_outstanding for i in installments),
    )


def _interest_owed(installment: OutstandingInstallment, as_of: date) -> Decimal:
    # interest_before clamps: the whole interest once due_date <= as_of, nothing before the
    # period starts, and the days before as_of in between (算头不算尾).
    earned = interest_before(
        period_interest=installment.scheduled_interest,
        period_start=installment.period_start,
        due_date=installment.due_date,
        as_of=as_of,
    )
    with decimal_context():
        return max(earned - installment.interest_paid, ZERO)
