"""Statement dates, cycles, due dates and product settings (PRODUCT §10, §12)."""

from datetime import date
from decimal import Decimal

import pytest

from loans.domain.rate_cap import RateCapExceeded
from loans.domain.revolving.calendar import (
    cycle_of,
    due_date_for,
    interest_free_days,
    next_statement_date,
    pay_by_for,
    statement_date_in,
)
from loans.domain.revolving.terms import InvalidRevolvingTerms, RevolvingTerms
from tests.unit.domain.revolving.support import TERMS


def test_due_date_is_the_10th_for_statement_day_1_and_s_plus_9_otherwise():
    assert due_date_for(date(2027, 2, 1), terms=TERMS) == date(2027, 2, 10)
    assert due_date_for(date(2027, 2, 28), terms=TERMS) == date(2027, 3, 9)
    assert due_date_for(date(2027, 1, 25), terms=RevolvingTerms(due_days=12)) == date(2027, 2, 6)


def test_the_cycle_is_half_open_from_the_previous_statement_date():
    cycle = cycle_of(date(2027, 3, 15))

    assert (cycle.start, cycle.last_day) == (date(2027, 2, 15), date(2027, 3, 14))
    inside = [date(2027, 2, 14), date(2027, 2, 15), date(2027, 3, 14), date(2027, 3, 15)]
    assert [cycle.contains(day) for day in inside] == [False, True, True, False]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2027, 1, 14), date(2027, 1, 15)),
        (date(2027, 1, 15), date(2027, 2, 15)),  # an event on S goes on the next bill
        (date(2027, 12, 20), date(2028, 1, 15)),
    ],
)
def test_next_statement_date(after, expected):
    assert next_statement_date(after=after, statement_day=15) == expected


def test_interest_free_days_depend_on_the_month():
    def days(on):
        return interest_free_days(purchase_date=on, statement_day=1, terms=TERMS)

    assert days(date(2027, 2, 2)) == 37  # February has 28 days: 27 + 10
    assert days(date(2027, 4, 2)) == 39
    assert days(date(2027, 1, 31)) == 11


def test_pay_by_moves_to_the_next_working_day():
    sunday_due = {date(2027, 2, 7): date(2027, 2, 8)}
    assert pay_by_for(date(2027, 1, 29), terms=TERMS) == date(2027, 2, 7)
    assert pay_by_for(date(2027, 1, 29), terms=TERMS, next_working_days=sunday_due) == date(
        2027, 2, 8
    )


@pytest.mark.parametrize("day", [0, 29, 31])
def test_statement_day_must_be_1_to_28(day):
    with pytest.raises(InvalidRevolvingTerms):
        statement_date_in(statement_day=day, year=2027, month=1)


def test_daily_rate_is_checked_against_the_cap_as_an_apr_of_365_days():
    assert TERMS.apr == Decimal("0.1825")
    assert RevolvingTerms(daily_rate=Decimal("0.00065")).apr == Decimal("0.23725")
    with pytest.raises(RateCapExceeded):
        RevolvingTerms(daily_rate=Decimal("0.00066"))  # 24.09%


def test_fee_table_and_refused_terms():
    assert [TERMS.fee_rate_for(n) for n in (3, 6, 9, 12)] == [
        Decimal("0.0083"),
        Decimal("0.0075"),
        Decimal("0.0072"),
        Decimal("0.0073"),
    ]
    with pytest.raises(InvalidRevolvingTerms):
        TERMS.fee_rate_for(24)
    with pytest.raises(InvalidRevolvingTerms):
        RevolvingTerms(due_days=28)
