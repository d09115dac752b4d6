import decimal
from datetime import date
from decimal import Decimal

import pytest

from loans.domain.errors import DomainError
from loans.domain.schedule import InvalidLoanTerms, RepaymentMethod, build_schedule
from tests.unit.domain.builders import rows, schedule

EI = RepaymentMethod.EQUAL_INSTALLMENT


def test_equal_installment_published_example():
    # ¥10,000, 6%/year, 12 months: r = 0.005, (1.005)^-12 = 0.94190534,
    # A = 10000 * 0.005 / (1 - 0.94190534) = 50 / 0.05809466 = 860.664 -> 860.66.
    s = schedule("10000", "0.06", 12, start_date=date(2026, 12, 1))
    assert rows(s)[0] == ("810.66", "50.00", "0.00", "860.66", "9189.34")  # 10000 * 0.005 = 50.00
    # 9189.34 * 0.005 = 45.9467 -> 45.95; 860.66 - 45.95 = 814.71; 9189.34 - 814.71 = 8374.63
    assert rows(s)[1] == ("814.71", "45.95", "0.00", "860.66", "8374.63")
    assert all(row[3] == "860.66" for row in rows(s)[:-1])
    # Last takes B(11) = 856.42 with interest 856.42 * 0.005 = 4.2821 -> 4.28.
    assert rows(s)[-1] == ("856.42", "4.28", "0.00", "860.70", "0.00")
    assert (s.total_principal, s.total_interest) == (Decimal("10000.00"), Decimal("327.96"))
    assert s.total_repayment == Decimal("10327.96")  # 11 * 860.66 + 860.70


def test_equal_installment_18_percent_matches_the_api_example():
    # PRODUCT §7 uses a 916.80 repayment: 10000 * 0.015 / (1 - 1.015^-12) = 916.7999 -> 916.80.
    s = schedule("10000", "0.18", 12)
    assert rows(s)[0] == ("766.80", "150.00", "0.00", "916.80", "9233.20")
    assert rows(s)[-1] == ("903.26", "13.55", "0.00", "916.81", "0.00")  # 903.26*0.015=13.5489
    assert s.total_interest == Decimal("1001.61")


def test_month_end_start_dates_and_periods():
    s = schedule("10000", "0.06", 12, start_date=date(2027, 1, 31))
    dues = [i.due_date for i in s.installments]
    assert dues[:4] == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]
    assert dues[-1] == date(2028, 1, 31)
    assert [i.period_start for i in s.installments[:3]] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
    # Interest is monthly (r = annual / 12), not by days: February costs as much as March.
    assert rows(s) == rows(schedule("10000", "0.06", 12, start_date=date(2026, 12, 1)))


def test_leap_day_start():
    s = schedule("100", "0.12", 12, start_date=date(2028, 2, 29))
    dues = [i.due_date for i in s.installments]
    assert dues[:3] == [date(2028, 3, 29), date(2028, 4, 29), date(2028, 5, 29)]
    assert dues[-1] == date(2029, 2, 28)


def test_hundred_yuan_three_months():
    # r = 0.01; A = 100 * 0.01 / (1 - 1.01^-3) = 1 / 0.0294098 = 34.0022 -> 34.00.
    s = schedule("100", "0.12", 3, start_date=date(2028, 2, 29))
    assert rows(s) == [
        ("33.00", "1.00", "0.00", "34.00", "67.00"),
        ("33.33", "0.67", "0.00", "34.00", "33.67"),  # 67.00 * 0.01 = 0.67
        ("33.67", "0.34", "0.00", "34.01", "0.00"),  # 33.67 * 0.01 = 0.3367 -> 0.34
    ]


def test_thirty_thousand_over_24_months_at_23_9_percent():
    # r = 0.239 / 12 = 0.0199166..; A = round(30000 r / (1 - (1 + r)^-24)) = 1584.64;
    # first interest 30000 * 0.0199166.. = 597.50.
    s = schedule("30000", "0.239", 24)
    assert rows(s)[0] == ("987.14", "597.50", "0.00", "1584.64", "29012.86")
    assert rows(s)[-1] == ("1553.57", "30.94", "0.00", "1584.51", "0.00")
    assert s.total_interest == Decimal("8031.23")


def test_zero_rate_equal_installment_splits_principal_and_last_takes_the_rest():
    s = schedule("1000", "0", 3)
    assert rows(s) == [
        ("333.33", "0.00", "0.00", "333.33", "666.67"),
        ("333.33", "0.00", "0.00", "333.33", "333.34"),
        ("333.34", "0.00", "0.00", "333.34", "0.00"),
    ]


def test_one_installment():
    s = schedule("100", "0.12", 1)
    assert rows(s) == [("100.00", "1.00", "0.00", "101.00", "0.00")]
    assert s.installments[0].due_date == date(2027, 1, 1)


def test_equal_principal():
    # 10000 / 12 = 833.333 -> 833.33; last 10000 - 11 * 833.33 = 833.37.
    s = schedule("10000", "0.06", 12, RepaymentMethod.EQUAL_PRINCIPAL)
    assert rows(s)[:3] == [
        ("833.33", "50.00", "0.00", "883.33", "9166.67"),
        ("833.33", "45.83", "0.00", "879.16", "8333.34"),  # 9166.67 * 0.005 = 45.83335
        ("833.33", "41.67", "0.00", "875.00", "7500.01"),  # 8333.34 * 0.005 = 41.6667
    ]
    assert rows(s)[-1] == ("833.37", "4.17", "0.00", "837.54", "0.00")  # 833.37*0.005=4.16685
    assert s.total_interest == Decimal("325.00")


def test_interest_only():
    s = schedule("10000", "0.18", 12, RepaymentMethod.INTEREST_ONLY)
    assert rows(s)[:11] == [("0.00", "150.00", "0.00", "150.00", "10000.00")] * 11
    assert rows(s)[11] == ("10000.00", "150.00", "0.00", "10150.00", "0.00")
    assert s.total_interest == Decimal("1800.00")


def test_bullet_is_one_installment_at_month_n():
    s = schedule("10000", "0.18", 12, RepaymentMethod.BULLET, start_date=date(2027, 1, 31))
    assert s.term == 12
    assert rows(s) == [("10000.00", "1800.00", "0.00", "11800.00", "0.00")]  # 10000*0.015*12
    only = s.installments[0]
    assert (only.number, only.period_start, only.due_date) == (
        1,
        date(2027, 1, 31),
        date(2028, 1, 31),
    )


def test_installment_fee_charges_no_interest_and_records_rate_zero():
    # 10000 * 0.006 = 60.00 each month, principal as EQUAL_PRINCIPAL.
    s = schedule("10000", "0.18", 12, RepaymentMethod.INSTALLMENT_FEE, fee_rate="0.006")
    assert s.annual_rate == Decimal("0")
    assert rows(s)[0] == ("833.33", "0.00", "60.00", "893.33", "9166.67")
    assert rows(s)[-1] == ("833.37", "0.00", "60.00", "893.37", "0.00")
    assert (s.total_interest, s.total_fees, s.total_repayment) == (
        Decimal("0.00"),
        Decimal("720.00"),
        Decimal("10720.00"),
    )


def test_fee_rate_on_an_interest_bearing_method_adds_a_fee_to_every_installment():
    s = schedule("5000", "0.12", 3, fee_rate="0.01")
    assert rows(s) == [
        ("1650.11", "50.00", "50.00", "1750.11", "3349.89"),
        ("1666.61", "33.50", "50.00", "1750.11", "1683.28"),
        ("1683.28", "16.83", "50.00", "1750.11", "0.00"),
    ]
    bullet = schedule("5000", "0.12", 3, RepaymentMethod.BULLET, fee_rate="0.01")
    assert bullet.total_fees == Decimal("50.00")  # one installment, one fee


def test_principal_is_capped_at_the_balance_when_rounding_overshoots():
    # 100 / 360 = 0.2777.. -> 0.28, and 0.28 * 359 = 100.52 > 100: from month 358 on
    # (357 * 0.28 = 99.96) only 0.04 is left, then nothing; no part is ever negative.
    s = schedule("100", "0", 360, RepaymentMethod.EQUAL_PRINCIPAL)
    parts = [i.principal for i in s.installments]
    assert parts[356] == Decimal("0.28")
    assert parts[357] == Decimal("0.04")
    assert set(parts[358:]) == {Decimal("0.00")}
    assert s.total_principal == Decimal("100.00")
    assert min(i.remaining_principal for i in s.installments) == Decimal("0.00")


def test_schedule_ignores_the_global_decimal_context():
    expected = rows(schedule("30000", "0.239", 24))
    with decimal.localcontext(decimal.Context(prec=4, rounding=decimal.ROUND_FLOOR)):
        assert rows(schedule("30000", "0.239", 24)) == expected


def test_method_may_be_given_as_its_string_value():
    s = build_schedule(
        principal=Decimal("100.00"),
        annual_rate=Decimal("0.12"),
        term=1,
        method="BULLET",  # type: ignore[arg-type]
        start_date=date(2026, 12, 1),
    )
    assert s.method is RepaymentMethod.BULLET


@pytest.mark.parametrize(
    ("principal", "annual_rate", "term", "fee_rate", "message"),
    [
        ("0", "0.1", 12, "0", "Principal must be a positive amount in whole fen, got 0."),
        ("-100", "0.1", 12, "0", "Principal must be a positive amount in whole fen"),
        ("100.001", "0.1", 12, "0", "Principal must be a positive amount in whole fen"),
        ("1E+13", "0.1", 12, "0", "Principal must be a positive amount in whole fen"),
        ("100", "0.1", 0, "0", "Term must be 1 to 360 months, got 0."),
        ("100", "0.1", 361, "0", "Term must be 1 to 360 months, got 361."),
        ("100", "-0.01", 12, "0", "Annual rate must be at least 0 and below 1, got -0.01."),
        ("100", "1", 12, "0", "Annual rate must be at least 0 and below 1, got 1."),
        ("100", "0.1", 12, "-0.001", "Fee rate must be at least 0 and below 1, got -0.001."),
        ("100", "0.1", 12, "1", "Fee rate must be at least 0 and below 1, got 1."),
    ],
)
def test_invalid_terms_are_refused(principal, annual_rate, term, fee_rate, message):
    with pytest.raises(InvalidLoanTerms, match=message.replace(".", r"\.")) as error:
        schedule(principal, annual_rate, term, fee_rate=fee_rate)
    assert isinstance(error.value, DomainError)
    assert "\n" not in str(error.value)


def test_float_and_nan_inputs_are_refused():
    with pytest.raises(TypeError):
        build_schedule(
            principal=100.0,  # type: ignore[arg-type]
            annual_rate=Decimal("0.1"),
            term=12,
            method=EI,
            start_date=date(2026, 12, 1),
        )
    with pytest.raises(DomainError):
        schedule("NaN", "0.1", 12)
    with pytest.raises(TypeError):
        schedule("100", "0.1", True)
