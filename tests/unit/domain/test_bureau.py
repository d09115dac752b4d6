"""The bureau's month status and 24-month string (PRODUCT §13), against docs/reporting.md."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from loans.domain.bureau import (
    AccountFacts,
    InstallmentFacts,
    Month,
    history,
    month_figures,
    month_status,
    record_problems,
)

D = Decimal
DOCS = Path(__file__).resolve().parents[3] / "docs" / "reporting.md"


def _row(
    due: date, paid: date | None, unpaid: str = "0.00", principal: str = "0.00"
) -> InstallmentFacts:
    return InstallmentFacts(
        due_date=due,
        paid_date=paid,
        amount=D("1000.00"),
        unpaid_amount=D(unpaid),
        unpaid_principal=D(principal),
    )


# The worked example of docs/reporting.md: drawn 2027-01-10, 8 terms due on the 10th from
# February; on time three times, May and June unpaid, everything caught up on 20 July, paid
# off on 3 August.
SCHEDULE = [
    _row(date(2027, 2, 10), date(2027, 2, 10)),
    _row(date(2027, 3, 10), date(2027, 3, 9)),
    _row(date(2027, 4, 10), date(2027, 4, 10)),
    _row(date(2027, 5, 10), date(2027, 7, 20)),
    _row(date(2027, 6, 10), date(2027, 7, 20)),
    _row(date(2027, 7, 10), date(2027, 7, 20)),
    _row(date(2027, 8, 10), date(2027, 8, 3)),
    _row(date(2027, 9, 10), date(2027, 8, 3)),
]
PAID_OFF = AccountFacts(
    opened=date(2027, 1, 10), closed=date(2027, 8, 3), written_off=False, installments=SCHEDULE
)


def _documented_string() -> str:
    match = re.search(r"24-month string of August 2027: `([^`]+)`", DOCS.read_text())
    assert match, "docs/reporting.md lost its worked example"
    return match.group(1)


def test_the_worked_example_equals_the_one_in_the_docs():
    assert history(PAID_OFF, Month(2027, 8)) == "*NNN12NC"
    assert history(PAID_OFF, Month(2027, 8)) == _documented_string()


def test_each_month_of_the_example_alone():
    codes = [month_status(PAID_OFF, Month(2027, m)) for m in range(1, 9)]
    assert "".join(codes) == "*NNN12NC"
    # The string of an earlier month stops at that month.
    assert history(PAID_OFF, Month(2027, 6)) == "*NNN12"


def test_overdue_terms_cap_at_seven_and_the_string_keeps_24_months():
    rows = [_row(date(2025, m, 10), None) for m in range(2, 13)] + [
        _row(date(2026, m, 10), None) for m in range(1, 13)
    ]
    account = AccountFacts(
        opened=date(2025, 1, 10), closed=None, written_off=False, installments=rows
    )
    text = history(account, Month(2027, 1))
    assert len(text) == 24
    # Months 2025-02 .. 2027-01: 1..7 then 7 for ever (oldest month, 2025-01, dropped).
    assert text == "1234567" + "7" * 17


def test_written_off_ends_abnormally_and_due_on_the_last_day_is_not_yet_late():
    rows = [_row(date(2027, 1, 31), None, "500.00", "400.00"), _row(date(2027, 2, 28), None)]
    account = AccountFacts(
        opened=date(2026, 12, 31), closed=None, written_off=False, installments=rows
    )
    assert history(account, Month(2027, 2)) == "*N1"
    written_off = AccountFacts(
        opened=date(2026, 12, 31), closed=date(2027, 3, 5), written_off=True, installments=rows
    )
    assert history(written_off, Month(2027, 3)) == "*N1G"
    assert month_figures(written_off, Month(2027, 3)).overdue_terms == 0


def test_overdue_principal_by_band():
    end = date(2027, 6, 30)
    rows = [
        _row(date(2027, 6, 1), None, "100.00", "80.00"),  # 29 days: total only
        _row(date(2027, 5, 30), None, "100.00", "31.00"),  # 31 days
        _row(date(2027, 5, 1), None, "100.00", "60.00"),  # 60 days
        _row(date(2027, 4, 1), None, "100.00", "90.00"),  # 90 days
        _row(date(2027, 1, 1), None, "100.00", "180.00"),  # 180 days
        _row(date(2026, 12, 31), None, "100.00", "181.00"),  # 181 days
    ]
    assert [(end - r.due_date).days for r in rows] == [29, 31, 60, 90, 180, 181]
    account = AccountFacts(
        opened=date(2026, 12, 1), closed=None, written_off=False, installments=rows
    )
    figures = month_figures(account, Month(2027, 6))
    assert figures.overdue_principal_by_band == (D("91.00"), D("90.00"), D("180.00"), D("181.00"))
    assert figures.overdue_amount == D("600.00")
    assert (figures.overdue_terms, figures.status) == (6, "6")
    assert figures.amount_due == D("1000.00")


def test_record_problems():
    assert record_problems(name="王芳", has_identity=True, amounts=[D("1.00")]) == []
    assert [
        str(p) for p in record_problems(name=" ", has_identity=False, amounts=[D("-0.01")])
    ] == [
        "NAME_MISSING",
        "IDENTITY_MISSING",
        "AMOUNT_NEGATIVE",
    ]
