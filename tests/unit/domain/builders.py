"""Small builders shared by the money-core tests (no Django)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from loans.domain.prepayment import RemainingInstallment
from loans.domain.schedule import RepaymentMethod, Schedule, build_schedule


def schedule(
    principal: str,
    annual_rate: str,
    term: int,
    method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT,
    start_date: date = date(2026, 12, 1),
    fee_rate: str = "0",
) -> Schedule:
    return build_schedule(
        principal=Decimal(principal),
        annual_rate=Decimal(annual_rate),
        term=term,
        method=method,
        start_date=start_date,
        fee_rate=Decimal(fee_rate),
    )


def remaining_from(s: Schedule, first_number: int) -> tuple[RemainingInstallment, ...]:
    """The installments of ``s`` from number ``first_number`` on, as reamortise takes them."""
    return tuple(
        RemainingInstallment(
            number=i.number,
            period_start=i.period_start,
            due_date=i.due_date,
            principal=i.principal,
            interest=i.interest,
            fee=i.fee,
        )
        for i in s.installments[first_number - 1 :]
    )


def rows(s: Schedule) -> list[tuple[str, str, str, str, str]]:
    """Installments as (principal, interest, fee, total, remaining) strings, for exact asserts."""
    return [
        (str(i.principal), str(i.interest), str(i.fee), str(i.total), str(i.remaining_principal))
        for i in s.installments
    ]


def exact_npv(s: Schedule, annual: Fraction) -> Fraction:
    """NPV of the schedule's cash flows at annual/12 a month, in exact rational arithmetic.

    Independent of loans.domain.apr: its own month mapping and no Decimal context at all.
    """
    monthly = annual / 12
    value = Fraction(s.principal)
    for installment in s.installments:
        month = s.term if s.method is RepaymentMethod.BULLET else installment.number
        value -= Fraction(installment.total) / (1 + monthly) ** month
    return value


def assert_apr_is_the_rounded_root(s: Schedule, apr: Decimal) -> None:
    """The true IRR lies inside [apr - 0.0000005, apr + 0.0000005): NPV changes sign there."""
    half = Fraction(1, 2_000_000)
    assert exact_npv(s, Fraction(apr) - half) < 0 < exact_npv(s, Fraction(apr) + half)
