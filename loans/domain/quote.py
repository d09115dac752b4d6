"""A priced offer: schedule, APR and rate-cap check, and its JSON shape (PRODUCT §8)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loans.domain.apr import annual_percentage_rate
from loans.domain.money import CURRENCY, format_money, format_rate
from loans.domain.rate_cap import DEFAULT_RATE_CAP, check_rate_cap
from loans.domain.schedule import Installment, RepaymentMethod, Schedule, build_schedule


@dataclass(frozen=True, slots=True)
class Quote:
    """A schedule and its APR (a fraction with 6 decimals)."""

    schedule: Schedule
    apr: Decimal


def make_quote(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    term: int,
    method: RepaymentMethod,
    start_date: date,
    fee_rate: Decimal = Decimal("0"),
    rate_cap: Decimal = DEFAULT_RATE_CAP,
) -> Quote:
    """Build the schedule, compute its APR and check both rates against ``rate_cap``.

    The cap applies to the rate the schedule charges (0 for INSTALLMENT_FEE) and to the APR
    (PRODUCT §2.2). Raises InvalidLoanTerms or RateCapExceeded.
    """
    schedule = build_schedule(
        principal=principal,
        annual_rate=annual_rate,
        term=term,
        method=method,
        start_date=start_date,
        fee_rate=fee_rate,
    )
    apr = annual_percentage_rate(schedule)
    check_rate_cap(annual_rate=schedule.annual_rate, apr=apr, cap=rate_cap)
    return Quote(schedule=schedule, apr=apr)


def quote_as_dict(quote: Quote) -> dict[str, object]:
    """Return the quote as the JSON-ready dict of PRODUCT §8: money and rates as strings."""
    schedule = quote.schedule
    return {
        "principal": format_money(schedule.principal),
        "currency": CURRENCY,
        "annual_rate": format_rate(schedule.annual_rate),
        "fee_rate": format_rate(schedule.fee_rate),
        "term": schedule.term,
        "method": str(schedule.method),
        "start_date": schedule.start_date.isoformat(),
        "apr": format_rate(quote.apr),
        "total_interest": format_money(schedule.total_interest),
        "total_fees": format_money(schedule.total_fees),
        "total_repayment": format_money(schedule.total_repayment),
        "installments": [_installment_as_dict(i) for i in schedule.installments],
    }


def _installment_as_dict(installment: Installment) -> dict[str, object]:
    return {
        "number": installment.number,
        "due_date": installment.due_date.isoformat(),
        "principal": format_money(installment.principal),
        "interest": format_money(installment.interest),
        "fee": format_money(installment.fee),
        "total": format_money(installment.total),
        "remaining_principal": format_money(installment.remaining_principal),
    }
