"""The settings of a revolving product (PRODUCT §10 defaults) and the errors of this package."""

from dataclasses import dataclass, field
from decimal import Decimal

from loans.domain.delinquency import (
    DAYS_PER_YEAR,
    DEFAULT_GRACE_DAYS,
    DEFAULT_PENALTY_MULTIPLIER,
)
from loans.domain.errors import DomainError
from loans.domain.money import decimal_context, require_decimal
from loans.domain.rate_cap import DEFAULT_RATE_CAP, check_rate_cap

# Fee per installment by number of installments (PRODUCT §10): about 2.5%, 4.5%, 6.5%, 8.8% in all.
DEFAULT_INSTALLMENT_FEE_RATES: tuple[tuple[int, Decimal], ...] = (
    (3, Decimal("0.0083")),
    (6, Decimal("0.0075")),
    (9, Decimal("0.0072")),
    (12, Decimal("0.0073")),
)
DAYS_IN_YEAR = 365  # PRODUCT §10: 0.05% a day is "18.25% a year" as an APR
MAX_DUE_DAYS = 27  # S + 27 ≤ 28 + 27 stays before the next statement date (S ≤ 28)


class InvalidRevolvingTerms(DomainError):
    """A revolving product setting or a statement day is out of its range."""


@dataclass(frozen=True, slots=True)
class RevolvingTerms:
    """A revolving product's price and days; field names follow RevolvingProduct's columns.

    ``daily_rate`` is a fraction per day (0.0005 = 0.05%); as an APR it is daily_rate * 365
    (18.25%, PRODUCT §10), checked against ``rate_cap`` on construction. Raises
    InvalidRevolvingTerms or RateCapExceeded.
    """

    daily_rate: Decimal = Decimal("0.0005")
    due_days: int = 9
    minimum_payment_rate: Decimal = Decimal("0.10")
    grace_days: int = DEFAULT_GRACE_DAYS
    penalty_multiplier: Decimal = DEFAULT_PENALTY_MULTIPLIER
    rate_cap: Decimal = DEFAULT_RATE_CAP
    bill_installment_minimum: Decimal = Decimal("100.00")
    installment_fee_rates: tuple[tuple[int, Decimal], ...] = field(
        default=DEFAULT_INSTALLMENT_FEE_RATES
    )

    def __post_init__(self) -> None:
        for value, name in (
            (self.daily_rate, "Daily rate"),
            (self.minimum_payment_rate, "Minimum payment rate"),
            (self.penalty_multiplier, "Penalty multiplier"),
            (self.rate_cap, "Rate cap"),
            (self.bill_installment_minimum, "Bill installment minimum"),
        ):
            require_decimal(value, name=name)
            if value < 0:
                raise InvalidRevolvingTerms(f"{name} must not be negative, got {value}.")
        if not 0 < self.minimum_payment_rate <= 1:
            raise InvalidRevolvingTerms("Minimum payment rate must be above 0 and at most 1.")
        if not 1 <= self.due_days <= MAX_DUE_DAYS:
            raise InvalidRevolvingTerms(f"Due days must be 1 to {MAX_DUE_DAYS}.")
        if self.grace_days < 0:
            raise InvalidRevolvingTerms("Grace days must not be negative.")
        # PRODUCT §10: the daily rate is "checked against the cap as an APR".
        check_rate_cap(annual_rate=self.annual_rate, apr=self.apr, cap=self.rate_cap)

    @property
    def annual_rate(self) -> Decimal:
        """Return daily_rate * 360: the contract rate of PRODUCT §2 (daily = annual / 360).

        The penalty rule of §2.4 multiplies it, so the daily penalty rate is
        min(daily_rate * multiplier, cap / 360).
        """
        with decimal_context():
            return self.daily_rate * DAYS_PER_YEAR

    @property
    def apr(self) -> Decimal:
        """Return daily_rate * 365, the yearly cost checked against the cap (§10: 18.25%)."""
        with decimal_context():
            return self.daily_rate * DAYS_IN_YEAR

    def fee_rate_for(self, term: int) -> Decimal:
        """Return the fee per installment of a ``term``-month plan.

        Raises InvalidRevolvingTerms for a term not in the fee table (3, 6, 9, 12 by default).
        """
        for months, rate in self.installment_fee_rates:
            if months == term:
                return rate
        offered = ", ".join(str(months) for months, _ in self.installment_fee_rates)
        raise InvalidRevolvingTerms(f"Installment plans run {offered} months, not {term}.")


def require_statement_day(statement_day: int) -> int:
    """Return ``statement_day`` if it is 1 to 28 (every month has it).

    Raises InvalidRevolvingTerms otherwise.
    """
    if isinstance(statement_day, bool) or not isinstance(statement_day, int):
        raise TypeError(f"statement_day must be an int, not {type(statement_day).__name__}")
    if not 1 <= statement_day <= 28:
        raise InvalidRevolvingTerms(f"Statement day must be 1 to 28, got {statement_day}.")
    return statement_day
