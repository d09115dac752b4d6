"""The shapes the log watch (tests/personal_data_in_logs.py) looks for, and what it lets by."""

from __future__ import annotations

import pytest

from tests.personal_data_in_logs import personal_data_in


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("borrower registered: id 11010519900517751X", ["identity number"]),
        ("card 6222020200000000006 bound", ["bank card"]),
        ("sms to 13900007511 sent", ["mobile number"]),
        ("mobile=+8613900007511", ["mobile number"]),
        ("borrower registered: borrower_id=1", []),
        ("card 622***********06 bound", []),  # the mask
        ("mobile 1**********11", []),
        ("epoch ms 1765012345678 and key AD12-20270215-0", []),  # 13 digits, not 11
        ("digest 3f13900007511ab and uuid 9c1390000751100a", []),  # inside hex
        ("collection run 2027-02-15 planned: 300000 new attempts", []),
    ],
)
def test_what_is_caught_and_what_is_not(line: str, kinds: list[str]) -> None:
    assert personal_data_in(line) == kinds
