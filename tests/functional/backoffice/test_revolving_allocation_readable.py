"""A revolving payment's allocation reads as people read it on its change page (#23): the bill
or purchase, the part paid with its amount in ¥, and the step of PRODUCT §10, in both
languages; no code and no JSON (the page scan found them raw)."""

from __future__ import annotations

from django.utils import translation

from loans.backoffice.readable import json_readable

ALLOCATION = [
    {"part": "FEES", "step": "FEES", "amount": "27.00", "purchase_id": None,
     "statement_date": "2026-10-17"},
    {"part": "REVOLVING_PRINCIPAL", "step": "MINIMUM", "amount": "129.90", "purchase_id": None,
     "statement_date": "2026-10-17"},
    {"part": "REVOLVING_PRINCIPAL", "step": "UNBILLED_PURCHASES", "amount": "1169.10",
     "purchase_id": 12, "statement_date": None},
]  # fmt: skip


def test_a_revolving_allocation_in_english():
    with translation.override("en"):
        text = json_readable(ALLOCATION)

    assert text == (
        "Bill of 2026-10-17: fees ¥27.00 (fees); "
        "Bill of 2026-10-17: revolving principal ¥129.90 (minimum payment); "
        "Purchase 12: revolving principal ¥1,169.10 (Unbilled purchases)"
    )


def test_a_revolving_allocation_in_chinese():
    with translation.override("zh-hans"):
        text = json_readable(ALLOCATION)

    assert text == (
        "2026-10-17 账单: 手续费 ¥27.00 (手续费); "
        "2026-10-17 账单: 循环本金 ¥129.90 (最低还款额); "
        "消费 12: 循环本金 ¥1,169.10 (未出账消费)"
    )
