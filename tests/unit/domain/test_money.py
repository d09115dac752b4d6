import decimal
from decimal import Decimal

import pytest

from loans.domain.errors import DomainError
from loans.domain.money import (
    CURRENCY,
    FEN,
    CurrencyMismatch,
    InvalidAmount,
    Money,
    format_money,
    format_rate,
    round_money,
    round_rate,
    sum_amounts,
)


def test_constants():
    assert CURRENCY == "CNY"
    assert str(FEN) == "0.01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),  # half up, not half even (PRODUCT §2)
        ("1.015", "1.02"),
        ("1.0049999", "1.00"),
        ("-1.005", "-1.01"),
        ("-0.004", "0.00"),  # never "-0.00"
        ("10000", "10000.00"),
    ],
)
def test_round_money_is_half_up_to_the_fen(value, expected):
    assert str(round_money(Decimal(value))) == expected


def test_round_rate_is_half_up_to_six_decimals():
    assert str(round_rate(Decimal("0.0000005"))) == "0.000001"
    assert str(round_rate(Decimal("0.18"))) == "0.180000"


def test_formatting():
    assert format_money(Decimal("1234.5")) == "1234.50"
    assert format_money(Money.of("0.125")) == "0.13"
    assert format_money(Decimal("1E+3")) == "1000.00"  # no exponent notation in JSON
    assert format_rate(Decimal("0.18")) == "0.180000"
    assert format_rate(Decimal("0")) == "0.000000"


def test_rounding_ignores_the_global_context():
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert str(round_money(Decimal("12345.675"))) == "12345.68"
        assert str(sum_amounts([Decimal("12345.67"), Decimal("0.01")])) == "12345.68"


def test_money_arithmetic_and_comparison():
    a, b = Money.of("12.34"), Money.of(5)
    assert a + b == Money(Decimal("17.34"))
    assert a - b == Money.of("7.34")
    assert -a == Money.of("-12.34")
    assert b < a
    assert a >= b
    assert Money.zero() == Money.of("0.00")
    assert Money.of("1.005").rounded() == Money.of("1.01")
    assert str(Money.of("3.5")) == "3.50 CNY"


def test_money_refuses_two_currencies():
    cny, usd = Money.of("1.00"), Money.of("1.00", "USD")
    with pytest.raises(CurrencyMismatch, match=r"^Cannot combine CNY and USD amounts\.$"):
        cny + usd
    with pytest.raises(CurrencyMismatch):
        cny - usd
    with pytest.raises(CurrencyMismatch):
        assert cny < usd
    assert cny != usd  # equality is value equality: different currencies are different values
    assert issubclass(CurrencyMismatch, DomainError)
    assert issubclass(DomainError, ValueError)


@pytest.mark.parametrize("bad", [1.5, 1, "1.00", None, True])
def test_money_refuses_anything_but_decimal(bad):
    with pytest.raises(TypeError):
        Money(bad)


def test_money_of_refuses_float_and_garbage():
    with pytest.raises(TypeError):
        Money.of(0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount, match=r"^'abc' is not an amount of money\.$"):
        Money.of("abc")
    with pytest.raises(InvalidAmount):
        Money(Decimal("NaN"))


def test_money_is_frozen():
    money = Money.of("1.00")
    with pytest.raises(AttributeError):
        money.amount = Decimal("2.00")  # type: ignore[misc]
    assert money == Money.of("1.00")
