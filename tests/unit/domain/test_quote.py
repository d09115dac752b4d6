import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from loans.domain.errors import DomainError
from loans.domain.quote import Quote, make_quote, quote_as_dict
from loans.domain.rate_cap import (
    DEFAULT_RATE_CAP,
    RateCapExceeded,
    check_rate_cap,
    format_percent,
)
from loans.domain.schedule import InvalidLoanTerms, RepaymentMethod


def quote(**overrides: Any) -> Quote:
    terms: dict[str, Any] = {
        "principal": Decimal("10000"),
        "annual_rate": Decimal("0.18"),
        "term": 12,
        "method": RepaymentMethod.EQUAL_INSTALLMENT,
        "start_date": date(2026, 12, 1),
    }
    return make_quote(**(terms | overrides))


def test_quote_as_dict_has_exactly_the_product_shape():
    data = quote_as_dict(quote())
    assert list(data) == [
        "principal",
        "currency",
        "annual_rate",
        "fee_rate",
        "term",
        "method",
        "start_date",
        "apr",
        "total_interest",
        "total_fees",
        "total_repayment",
        "installments",
    ]
    assert {k: v for k, v in data.items() if k != "installments"} == {
        "principal": "10000.00",
        "currency": "CNY",
        "annual_rate": "0.180000",
        "fee_rate": "0.000000",
        "term": 12,
        "method": "EQUAL_INSTALLMENT",
        "start_date": "2026-12-01",
        "apr": "0.180002",
        "total_interest": "1001.61",
        "total_fees": "0.00",
        "total_repayment": "11001.61",
    }
    installments = data["installments"]
    assert isinstance(installments, list)
    assert installments[0] == {
        "number": 1,
        "due_date": "2027-01-01",
        "principal": "766.80",
        "interest": "150.00",
        "fee": "0.00",
        "total": "916.80",
        "remaining_principal": "9233.20",
    }
    assert installments[-1]["remaining_principal"] == "0.00"
    assert json.loads(json.dumps(data)) == data  # JSON-ready as it is


def test_installment_fee_quote_shows_rate_zero_and_its_apr():
    data = quote_as_dict(quote(method=RepaymentMethod.INSTALLMENT_FEE, fee_rate=Decimal("0.006")))
    assert (data["annual_rate"], data["fee_rate"], data["apr"]) == (
        "0.000000",
        "0.006000",
        "0.130342",
    )
    assert (data["total_interest"], data["total_fees"]) == ("0.00", "720.00")


def test_bullet_quote_has_one_installment():
    data = quote_as_dict(quote(method=RepaymentMethod.BULLET))
    assert data["term"] == 12
    assert data["installments"] == [
        {
            "number": 1,
            "due_date": "2027-12-01",
            "principal": "10000.00",
            "interest": "1800.00",
            "fee": "0.00",
            "total": "11800.00",
            "remaining_principal": "0.00",
        }
    ]


def test_annual_rate_above_the_cap_is_refused():
    with pytest.raises(
        RateCapExceeded, match=r"^Annual rate 25\.00% exceeds the 24\.00% cap \(PBOC 2021 No\. 3\)$"
    ):
        quote(annual_rate=Decimal("0.25"))


def test_apr_above_the_cap_is_refused_even_when_the_rate_is_below_it():
    # 12% plus a 1% monthly fee: APR 29.796%.
    with pytest.raises(RateCapExceeded, match=r"^APR 29\.80% exceeds the 24\.00% cap") as error:
        quote(
            principal=Decimal("5000"), annual_rate=Decimal("0.12"), term=3, fee_rate=Decimal("0.01")
        )
    assert (error.value.label, error.value.rate, error.value.cap) == (
        "APR",
        Decimal("0.297960"),
        Decimal("0.24"),
    )
    assert isinstance(error.value, DomainError)


def test_a_product_cap_can_be_lower_than_the_platform_cap():
    with pytest.raises(RateCapExceeded, match=r"^Annual rate 18\.00% exceeds the 15\.00% cap"):
        quote(rate_cap=Decimal("0.15"))
    with pytest.raises(RateCapExceeded, match=r"^APR 19\.37% exceeds the 17\.00% cap"):
        quote(
            method=RepaymentMethod.INSTALLMENT_FEE,
            fee_rate=Decimal("0.009"),
            rate_cap=Decimal("0.17"),
        )


def test_check_rate_cap_allows_equality_and_shows_more_digits_when_needed():
    check_rate_cap(annual_rate=Decimal("0.24"), apr=Decimal("0.240000"))
    with pytest.raises(RateCapExceeded, match=r"^APR 24\.0001% exceeds the 24\.00% cap"):
        check_rate_cap(annual_rate=Decimal("0.2"), apr=Decimal("0.240001"))
    assert str(DEFAULT_RATE_CAP) == "0.24"
    assert format_percent(Decimal("0.253449")) == "25.34%"


def test_rate_exactly_at_the_cap_can_fail_on_apr_through_fen_rounding():
    # 10,000 at 24% over 12 months: A = 945.5959.. -> 945.60 is rounded up, so the APR is
    # 0.240001 > 0.24. The cap is applied as written (PRODUCT §2.2): such a quote is refused.
    with pytest.raises(RateCapExceeded, match=r"^APR 24\.0001% exceeds"):
        quote(annual_rate=Decimal("0.24"))


def test_invalid_terms_come_before_the_cap():
    with pytest.raises(InvalidLoanTerms):
        quote(term=0, annual_rate=Decimal("0.5"))
