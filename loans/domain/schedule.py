"""Repayment schedules (PRODUCT §2.1): the five methods, their rounding points, validation."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from loans.domain.dates import add_months, due_dates
from loans.domain.errors import DomainError
from loans.domain.money import (
    ZERO,
    decimal_context,
    is_whole_fen,
    require_decimal,
    round_money,
    sum_amounts,
)

MAX_TERM = 360
# A technical ceiling, far above any product (PRODUCT §1: lines up to ¥30,000), that keeps every
# intermediate product well inside the 40-digit working precision.
MAX_PRINCIPAL = Decimal("1000000000000.00")
MONTHS_PER_YEAR = 12


class InvalidLoanTerms(DomainError):
    """Principal, term or rates of a loan are outside what a schedule can be built for."""


class RepaymentMethod(StrEnum):
    """How principal and interest are spread over the installments (PRODUCT §2.1)."""

    EQUAL_INSTALLMENT = "EQUAL_INSTALLMENT"
    EQUAL_PRINCIPAL = "EQUAL_PRINCIPAL"
    INTEREST_ONLY = "INTEREST_ONLY"
    BULLET = "BULLET"
    INSTALLMENT_FEE = "INSTALLMENT_FEE"


@dataclass(frozen=True, slots=True)
class Installment:
    """One scheduled payment; amounts in CNY, already rounded to the fen."""

    number: int
    due_date: date
    period_start: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    remaining_principal: Decimal

    @property
    def total(self) -> Decimal:
        """Return principal + interest + fee."""
        return sum_amounts((self.principal, self.interest, self.fee))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A loan's installments and the terms they were built from."""

    principal: Decimal
    annual_rate: Decimal
    fee_rate: Decimal
    term: int
    method: RepaymentMethod
    start_date: date
    installments: tuple[Installment, ...]

    @property
    def total_principal(self) -> Decimal:
        """Return the sum of the principal parts (equals ``principal`` exactly)."""
        return sum_amounts(i.principal for i in self.installments)

    @property
    def total_interest(self) -> Decimal:
        """Return the sum of the interest parts."""
        return sum_amounts(i.interest for i in self.installments)

    @property
    def total_fees(self) -> Decimal:
        """Return the sum of the fees."""
        return sum_amounts(i.fee for i in self.installments)

    @property
    def total_repayment(self) -> Decimal:
        """Return everything the borrower pays: principal + interest + fees."""
        return sum_amounts(i.total for i in self.installments)


# (principal part, interest part) of one installment, in order.
type Split = tuple[Decimal, Decimal]


def build_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    term: int,
    method: RepaymentMethod,
    start_date: date,
    fee_rate: Decimal = Decimal("0"),
) -> Schedule:
    """Build the schedule of a loan disbursed on ``start_date`` (PRODUCT §2.1).

    Amounts in CNY rounded HALF_UP to the fen only at the rounding points of §2.1; rates are
    decimal fractions (annual_rate per year, fee_rate per installment). INSTALLMENT_FEE charges no
    interest, so its schedule records annual_rate 0. Raises InvalidLoanTerms.
    """
    method = RepaymentMethod(method)
    _validate_terms(principal=principal, annual_rate=annual_rate, term=term, fee_rate=fee_rate)
    # Exact (whole fen was just checked): only gives 10000 the exponent of 10000.00.
    principal = round_money(principal)
    # PRODUCT §2.1: INSTALLMENT_FEE has "no interest" whatever rate the caller passed.
    rate = Decimal("0") if method is RepaymentMethod.INSTALLMENT_FEE else annual_rate
    with decimal_context():
        splits = _SPLITTERS[method](principal, rate / MONTHS_PER_YEAR, term)
        # Extension for the interest-bearing methods: a fee rate adds round(P·f) to every
        # installment just as INSTALLMENT_FEE does (docs/money.md).
        fee = round_money(principal * fee_rate)
    dues = (add_months(start_date, term),) if method is RepaymentMethod.BULLET else None
    installments = _assemble(
        principal, splits, fee, start_date, dues or due_dates(start_date, term)
    )
    return Schedule(principal, rate, fee_rate, term, method, start_date, installments)


def _assemble(
    principal: Decimal, splits: list[Split], fee: Decimal, start: date, dues: tuple[date, ...]
) -> tuple[Installment, ...]:
    starts = (start, *dues[:-1])
    rows = []
    remaining = principal
    with decimal_context():
        for number, (part, interest) in enumerate(splits, start=1):
            remaining -= part
            due, period_start = dues[number - 1], starts[number - 1]
            rows.append(Installment(number, due, period_start, part, interest, fee, remaining))
    return tuple(rows)


def _amortize(
    principal: Decimal, monthly_rate: Decimal, term: int, scheduled: Callable[[Decimal], Decimal]
) -> list[Split]:
    """Split principal over ``term`` months; ``scheduled(interest)`` gives a month's principal."""
    rows = []
    balance = principal
    for number in range(1, term + 1):
        interest = round_money(balance * monthly_rate)
        # The last installment takes what is left (§2.1). Before it, rounding can make the
        # scheduled part exceed the balance (e.g. ¥100 over 360 months: 359 * 0.28 > 100), so the
        # part is capped at the balance: no component is negative, no balance below 0.00.
        part = balance if number == term else min(max(scheduled(interest), ZERO), balance)
        rows.append((part, interest))
        balance -= part
    return rows


def _equal_installment(principal: Decimal, monthly_rate: Decimal, term: int) -> list[Split]:
    if monthly_rate.is_zero():
        # §2.1: "With r = 0: principal = round(P/n), last takes the remainder."
        return _equal_principal(principal, monthly_rate, term)
    payment = round_money(principal * monthly_rate / (1 - (1 + monthly_rate) ** -term))
    return _amortize(principal, monthly_rate, term, lambda interest: payment - interest)


def _equal_principal(principal: Decimal, monthly_rate: Decimal, term: int) -> list[Split]:
    part = round_money(principal / term)
    return _amortize(principal, monthly_rate, term, lambda _interest: part)


def _interest_only(principal: Decimal, monthly_rate: Decimal, term: int) -> list[Split]:
    # The balance stays P until the last month, so round(B(k-1)·r) is round(P·r) (§2.1).
    return _amortize(principal, monthly_rate, term, lambda _interest: ZERO)


def _bullet(principal: Decimal, monthly_rate: Decimal, term: int) -> list[Split]:
    # §2.1: ONE installment at the end of n months, interest round(P·r·n).
    return [(principal, round_money(principal * monthly_rate * term))]


_SPLITTERS: dict[RepaymentMethod, Callable[[Decimal, Decimal, int], list[Split]]] = {
    RepaymentMethod.EQUAL_INSTALLMENT: _equal_installment,
    RepaymentMethod.EQUAL_PRINCIPAL: _equal_principal,
    RepaymentMethod.INTEREST_ONLY: _interest_only,
    RepaymentMethod.BULLET: _bullet,
    RepaymentMethod.INSTALLMENT_FEE: _equal_principal,
}


def _validate_terms(
    *, principal: Decimal, annual_rate: Decimal, term: int, fee_rate: Decimal
) -> None:
    require_decimal(principal, name="principal")
    if not ZERO < principal <= MAX_PRINCIPAL or not is_whole_fen(principal):
        raise InvalidLoanTerms(
            f"Principal must be a positive amount in whole fen, got {principal}."
        )
    if isinstance(term, bool) or not isinstance(term, int):
        raise TypeError(f"term must be an int, not {type(term).__name__}")
    if not 1 <= term <= MAX_TERM:
        raise InvalidLoanTerms(f"Term must be 1 to {MAX_TERM} months, got {term}.")
    _validate_rate(annual_rate, label="Annual rate")
    _validate_rate(fee_rate, label="Fee rate")


def _validate_rate(rate: Decimal, *, label: str) -> None:
    require_decimal(rate, name=label)
    if not 0 <= rate < 1:
        raise InvalidLoanTerms(f"{label} must be at least 0 and below 1, got {rate}.")
