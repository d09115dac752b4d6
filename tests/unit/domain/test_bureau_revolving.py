"""The 24-month string of a revolving account (PRODUCT §13, §10): docs/reporting.md's worked
example from its month-end figures, unknown months, the cap of 7, closing, the 24-month window."""

from loans.domain.bureau import Month
from loans.domain.bureau_revolving import revolving_code, revolving_history

MARCH_2027 = Month(2027, 3).index


def _months(*offsets: int) -> list[int]:
    return [MARCH_2027 + offset for offset in offsets]


def test_the_worked_example():
    # Bills due April to August (months 1-5 after March); overdue bills at each month end.
    terms = dict(zip(_months(0, 1, 2, 3, 4, 5, 6), [0, 0, 0, 1, 2, 0, 0], strict=True))

    text = revolving_history(
        opened_index=MARCH_2027,
        month_index=MARCH_2027 + 6,
        due_indexes=_months(1, 2, 3, 4, 5),
        overdue_terms=terms,
    )

    assert text == "*NN12N*"


def test_a_month_without_its_month_end_figures_is_unknown():
    text = revolving_history(
        opened_index=MARCH_2027,
        month_index=MARCH_2027 + 2,
        due_indexes=_months(1, 2),
        overdue_terms={MARCH_2027: 0, MARCH_2027 + 2: 0},
    )

    assert text == "*#N"


def test_eight_overdue_bills_are_reported_as_7_and_a_closed_month_as_c():
    assert revolving_code(overdue_terms=8, due_in_month=True, closed=False) == "7"
    assert revolving_code(overdue_terms=3, due_in_month=True, closed=True) == "C"
    assert revolving_code(overdue_terms=None, due_in_month=True, closed=False) == "#"


def test_the_string_keeps_the_last_24_months():
    month = MARCH_2027 + 30
    text = revolving_history(
        opened_index=MARCH_2027,
        month_index=month,
        due_indexes=range(MARCH_2027 + 1, month + 1),
        overdue_terms=dict.fromkeys(range(MARCH_2027, month + 1), 0),
        closed_index=month,
    )

    assert text == "N" * 23 + "C"
