"""Annualized rate of the whole cost (PRODUCT §2.2): 12 * the monthly IRR, by Decimal bisection."""

from decimal import Decimal

from loans.domain.money import decimal_context, round_rate
from loans.domain.schedule import RepaymentMethod, Schedule

# Bisection stops once the monthly-rate bracket is narrower than this: 12 * 1e-15 is far below
# the 6th decimal the APR is stored with (PRODUCT §2.2).
TOLERANCE = Decimal("1e-15")


def annual_percentage_rate(schedule: Schedule) -> Decimal:
    """Return the APR of ``schedule`` as a fraction, 6 decimals, ROUND_HALF_UP (PRODUCT §2.2).

    Cash flows: +principal at month 0, -total of each installment at its month (BULLET's single
    installment at month n). A schedule costing nothing has APR 0.
    """
    payments = monthly_payments(schedule)
    with decimal_context():
        if sum(payments) <= schedule.principal:
            return round_rate(Decimal("0"))
        return round_rate(12 * _monthly_irr(schedule.principal, payments))


def monthly_payments(schedule: Schedule) -> tuple[Decimal, ...]:
    """Return what is paid at months 1..n (index 0 is month 1), zero where nothing is due."""
    payments = [Decimal("0")] * schedule.term
    for installment in schedule.installments:
        month = schedule.term if schedule.method is RepaymentMethod.BULLET else installment.number
        payments[month - 1] += installment.total
    return tuple(payments)


def net_present_value(
    principal: Decimal, payments: tuple[Decimal, ...], monthly: Decimal
) -> Decimal:
    """Return principal - Σ payment(k) / (1 + monthly)^k at precision 40 (no rounding point)."""
    with decimal_context():
        discount = 1 / (1 + monthly)
        factor = Decimal("1")
        value = principal
        for payment in payments:
            factor *= discount
            value -= payment * factor
        return value


def _monthly_irr(principal: Decimal, payments: tuple[Decimal, ...]) -> Decimal:
    # NPV rises with the rate (all payments are outflows after month 0): at 0 it is ≤ 0 because
    # the borrower repays at least the principal; double the upper bound until NPV turns positive.
    low, high = Decimal("0"), Decimal("1")
    while net_present_value(principal, payments, high) < 0:
        low, high = high, high * 2
    while high - low >= TOLERANCE:
        middle = (low + high) / 2
        if net_present_value(principal, payments, middle) < 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2
