from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from loans.domain.apr import annual_percentage_rate, monthly_payments, net_present_value
from loans.domain.schedule import RepaymentMethod
from tests.unit.domain.builders import assert_apr_is_the_rounded_root, exact_npv, schedule


def test_installment_fee_apr_is_about_13_percent():
    # The classic "0.6% a month looks like 7.2% a year" case: 10,000 over 12 months with a
    # 60.00 fee a month (893.33 x 11 + 893.37) costs 13.03% a year.
    s = schedule("10000", "0", 12, RepaymentMethod.INSTALLMENT_FEE, fee_rate="0.006")
    apr = annual_percentage_rate(s)
    assert apr == Decimal("0.130342")
    assert_apr_is_the_rounded_root(s, apr)  # exact rational NPV changes sign around it
    assert abs(exact_npv(s, Fraction(apr))) < Fraction(1, 100)  # NPV at the APR is ~ 0


def test_interest_only_apr_is_the_nominal_rate_exactly():
    # Interest 150.00 = 10000 * 0.015 exactly each month: the IRR is exactly 1.5% a month.
    s = schedule("10000", "0.18", 12, RepaymentMethod.INTEREST_ONLY)
    assert annual_percentage_rate(s) == Decimal("0.180000")
    assert exact_npv(s, Fraction(18, 100)) == 0


def test_equal_installment_apr_is_the_nominal_rate_up_to_fen_rounding():
    s = schedule("10000", "0.18", 12)
    apr = annual_percentage_rate(s)
    assert apr == Decimal("0.180002")  # the payment 916.7999 was rounded up to 916.80
    assert_apr_is_the_rounded_root(s, apr)


def test_equal_principal_apr():
    s = schedule("10000", "0.06", 12, RepaymentMethod.EQUAL_PRINCIPAL)
    apr = annual_percentage_rate(s)
    assert apr == Decimal("0.060000")
    assert_apr_is_the_rounded_root(s, apr)


def test_bullet_apr_compounds_monthly_over_n_months():
    # 11800.00 at month 12: (1 + m)^12 = 1.18, APR = 12 * (1.18^(1/12) - 1) = 0.16666116...
    s = schedule("10000", "0.18", 12, RepaymentMethod.BULLET)
    assert monthly_payments(s) == (Decimal("0"),) * 11 + (Decimal("11800.00"),)
    closed_form = 12 * ((Decimal("1.18").ln() / 12).exp() - 1)
    assert str(closed_form)[:10] == "0.16666116"
    assert annual_percentage_rate(s) == Decimal("0.166661")


def test_fee_on_an_interest_bearing_loan_raises_the_apr():
    s = schedule("5000", "0.12", 3, fee_rate="0.01")
    apr = annual_percentage_rate(s)
    assert apr == Decimal("0.297960")
    assert_apr_is_the_rounded_root(s, apr)


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_a_loan_that_costs_nothing_has_apr_zero(method):
    s = schedule("1000", "0", 7, method)
    assert annual_percentage_rate(s) == Decimal("0.000000")


def test_a_very_expensive_loan_expands_the_bracket():
    # 99.9% a year plus 99% of the principal as a fee each month: monthly IRR above 100%.
    s = schedule("1000", "0.999", 2, fee_rate="0.99")
    apr = annual_percentage_rate(s)
    assert apr > 12
    assert_apr_is_the_rounded_root(s, apr)


def test_npv_is_zero_at_the_irr_of_a_one_month_loan():
    # 100 -> 101 in a month: IRR exactly 1%.
    assert net_present_value(Decimal("100"), (Decimal("101"),), Decimal("0.01")) == 0


def test_apr_does_not_depend_on_start_date():
    a = schedule("10000", "0.18", 12, start_date=date(2027, 1, 31))
    b = schedule("10000", "0.18", 12, start_date=date(2026, 12, 1))
    assert annual_percentage_rate(a) == annual_percentage_rate(b)
