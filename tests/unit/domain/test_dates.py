from datetime import date

import pytest

from loans.domain.dates import DateOutOfRange, add_months, days_between, due_dates


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2027, 1, 31), 2, date(2027, 3, 31)),  # from the original day, not from Feb 28
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months_keeps_the_day_clamped_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_out_of_range():
    with pytest.raises(DateOutOfRange):
        add_months(date(9999, 12, 1), 1)


def test_due_dates_of_a_month_end_start():
    assert due_dates(date(2027, 1, 31), 4) == (
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    )


def test_due_dates_of_a_leap_day_start():
    dues = due_dates(date(2028, 2, 29), 12)
    assert dues[:2] == (date(2028, 3, 29), date(2028, 4, 29))
    assert dues[-1] == date(2029, 2, 28)


def test_days_between_is_half_open():
    assert days_between(date(2027, 1, 1), date(2027, 2, 1)) == 31
    assert days_between(date(2028, 2, 1), date(2028, 3, 1)) == 29
    assert days_between(date(2027, 1, 2), date(2027, 1, 1)) == -1
