"""Fixtures of the ledger tests: a disbursed loan whose payout settled."""

from __future__ import annotations

from typing import Any

import pytest

from loans.calendar.models import BusinessDate
from loans.servicing.models import Loan
from tests.factories.loans import DRAW_DATE, draw


@pytest.fixture
def loan(django_capture_on_commit_callbacks: Any) -> Loan:
    """A disbursed loan whose payout settled: a DISBURSEMENT and a PAYOUT_SETTLED entry."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw()
    loan.refresh_from_db()
    return loan
