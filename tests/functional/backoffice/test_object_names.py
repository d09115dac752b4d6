# ruff: noqa: RUF001 - Chinese punctuation is full-width by design
"""The names the back office gives objects in titles, breadcrumbs and links (issue #23): money
as ¥1,000.00 and states as their labels, in the reader's language, never raw codes or 1000.00."""

from __future__ import annotations

import pytest
from django.utils import translation

from loans.origination.models import Payout
from loans.servicing.models import CreditLine
from tests.factories.loans import draw

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "line_name", "payout_name", "installment_name"),
    [
        (
            "zh-hans",
            "借款人 {b} 的授信额度：额度 ¥30,000.00，已用 ¥3,000.00",
            "贷款 {l} 的放款（",
            "贷款 {l} 第 1 期，{d} 到期",
        ),
        (
            "en",
            "Credit line of borrower {b}: ¥3,000.00 used of a ¥30,000.00 limit",
            "Payout of loan {l} (",
            "Loan {l}, installment 1, due {d}",
        ),
    ],
)
def test_credit_lines_payouts_and_installments_are_named_readably(
    language, line_name, payout_name, installment_name
):
    loan = draw(principal="3000.00", term=3)
    first = loan.installments.order_by("number").first()
    assert first is not None
    payout = Payout.objects.get(loan=loan)
    line = CreditLine.objects.get(borrower_id=loan.borrower_id)  # as the draw left it

    with translation.override(language):
        assert str(line) == line_name.format(b=loan.borrower_id)
        assert str(payout).startswith(payout_name.format(l=loan.pk))
        assert payout.status not in str(payout)  # the label, not the code
        assert str(first) == installment_name.format(l=loan.pk, d=first.due_date.isoformat())
