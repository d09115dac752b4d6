"""Amounts, rates and their rounding (PRODUCT §2): CNY, two decimals, ROUND_HALF_UP."""

import decimal
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Self

from loans.domain.errors import DomainError

CURRENCY = "CNY"
FEN = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.00")
PRECISION = 40

# Our own context, never the thread's global one, so that a caller lowering getcontext().prec
# cannot change a schedule (PRODUCT §2: only the stated rounding points round).
_CONTEXT = decimal.Context(
    prec=PRECISION,
    rounding=ROUND_HALF_UP,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


class InvalidAmount(DomainError):
    """An amount is not a finite decimal number."""


def decimal_context() -> AbstractContextManager[decimal.Context]:
    """Return a context manager for intermediate math: precision 40, traps on, HALF_UP."""
    return decimal.localcontext(_CONTEXT)


def require_decimal(value: object, *, name: str) -> Decimal:
    """Return ``value`` if it is a finite Decimal.

    Raises TypeError for float, int or anything else (money is never float, PRODUCT §2) and
    InvalidAmount for NaN or infinity.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise InvalidAmount(f"{name} must be a finite number, got {value}.")
    return value


def is_whole_fen(amount: Decimal) -> bool:
    """Tell whether ``amount`` has no digits beyond the fen (0.01)."""
    with decimal_context():
        return amount == amount.quantize(FEN, rounding=ROUND_HALF_UP)


def round_money(x: Decimal) -> Decimal:
    """Round to the fen (0.01 CNY), ROUND_HALF_UP (PRODUCT §2)."""
    with decimal_context():
        return _drop_negative_zero(x.quantize(FEN, rounding=ROUND_HALF_UP))


def round_rate(x: Decimal) -> Decimal:
    """Round a rate (a decimal fraction) to 6 decimals, ROUND_HALF_UP (PRODUCT §2.2)."""
    with decimal_context():
        return _drop_negative_zero(x.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP))


def format_money(x: "Decimal | Money") -> str:
    """Format an amount as a string with two decimals ("1234.50"), rounding HALF_UP."""
    amount = x.amount if isinstance(x, Money) else x
    return f"{round_money(amount):f}"


def format_rate(x: Decimal) -> str:
    """Format a rate as a decimal fraction with six decimals ("0.180000"), rounding HALF_UP."""
    return f"{round_rate(x):f}"


def sum_amounts(amounts: Iterable[Decimal]) -> Decimal:
    """Add amounts exactly (precision 40); an empty sum is 0.00."""
    with decimal_context():
        return sum(amounts, ZERO)


def _drop_negative_zero(x: Decimal) -> Decimal:
    # "-0.00" must never be shown or stored.
    return x.copy_abs() if x.is_zero() else x


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency; refuses float and mixing currencies (Oscar's ``Price``)."""

    amount: Decimal
    currency: str = CURRENCY

    def __post_init__(self) -> None:
        require_decimal(self.amount, name="Money amount")
        if not isinstance(self.currency, str) or not self.currency:
            raise TypeError("Money currency must be a non-empty str")

    @classmethod
    def of(cls, value: str | int | Decimal, currency: str = CURRENCY) -> Self:
        """Build Money from a string, int or Decimal (never float: TypeError).

        Raises InvalidAmount when the string is not a number.
        """
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise TypeError(f"Money.of needs str, int or Decimal, not {type(value).__name__}")
        try:
            amount = Decimal(value)
        except decimal.InvalidOperation:
            raise InvalidAmount(f"{value!r} is not an amount of money.") from None
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: str = CURRENCY) -> Self:
        """Return 0.00 in ``currency``."""
        return cls(ZERO, currency)

    def rounded(self) -> Self:
        """Return this amount rounded to the fen, ROUND_HALF_UP."""
        return type(self)(round_money(self.amount), self.currency)

    def _same_currency(self, other: "Money") -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} and {other.currency} amounts.")

    def __add__(self, other: object) -> Self:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        with decimal_context():
            return type(self)(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Self:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        with decimal_context():
            return type(self)(self.amount - other.amount, self.currency)

    def __neg__(self) -> Self:
        with decimal_context():
            return type(self)(-self.amount, self.currency)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{format_money(self.amount)} {self.currency}"
