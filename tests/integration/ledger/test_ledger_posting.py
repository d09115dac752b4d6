"""The ledger service guards the ledger before the database does (PRODUCT §3).

loan_entry_post refuses unbalanced, single-line and empty entries with nothing written, moves the
loan's balances by the lines it posts, returns the stored entry and posts a key once;
loan_entry_reverse posts the mirror of an entry once. The database's own guards are tested in
test_ledger_guards.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import EntryAlreadyReversed, EntryNotBalanced, credit, debit
from loans.servicing.models import Loan
from loans.servicing.services.posting import loan_entry_post, loan_entry_reverse
from tests.integration.ledger.snapshots import VALUE_DATE, balances, journal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(
            [
                debit(AccountCode.INTEREST_RECEIVABLE, Decimal("10.00")),
                credit(AccountCode.INTEREST_INCOME, Decimal("9.99")),
            ],
            id="off-by-a-fen",
        ),
        pytest.param([debit(AccountCode.INTEREST_RECEIVABLE, Decimal("10.00"))], id="one-line"),
        pytest.param(
            [
                debit(AccountCode.INTEREST_RECEIVABLE, Decimal("10.00")),
                credit(AccountCode.INTEREST_INCOME, Decimal("0.00")),
            ],
            id="one-line-after-dropping-zero",
        ),
        pytest.param([], id="no-lines"),
    ],
)
def test_entry_post_refuses_unbalanced_lines(loan: Loan, lines: list[Any]) -> None:
    before, loan_before = journal(), balances(loan)
    with pytest.raises(EntryNotBalanced):
        loan_entry_post(
            entry_type=EntryType.INTEREST_ACCRUAL, value_date=VALUE_DATE, loan=loan, lines=lines
        )
    assert journal() == before
    assert balances(loan) == loan_before


def test_entry_post_moves_the_loan_balances_by_its_lines(loan: Loan) -> None:
    before = balances(loan)
    loan_entry_post(
        entry_type=EntryType.INTEREST_ACCRUAL,
        value_date=VALUE_DATE,
        loan=loan,
        lines=[
            debit(AccountCode.INTEREST_RECEIVABLE, Decimal("12.34"), 1),
            credit(AccountCode.INTEREST_INCOME, Decimal("12.34"), 1),
        ],
    )
    assert balances(loan) == before | {"interest_receivable_amount": Decimal("12.34")}


def test_entry_post_returns_the_stored_entry_with_its_lines_in_order(loan: Loan) -> None:
    lines = [
        debit(AccountCode.CASH, Decimal("100.00")),
        credit(AccountCode.PRINCIPAL_RECEIVABLE, Decimal("60.00"), 2),
        credit(AccountCode.ADVANCE_LIABILITY, Decimal("10.00")),
        credit(AccountCode.PRINCIPAL_RECEIVABLE, Decimal("30.00"), 1),
    ]

    entry = loan_entry_post(
        entry_type=EntryType.REPAYMENT,
        value_date=VALUE_DATE,
        loan=loan,
        lines=lines,
        key="repayment-test-1",
        memo="Repayment r-1",
    )

    stored = JournalEntry.objects.get(pk=entry.pk)
    fields = ["entry_type", "value_date", "loan_id", "key", "memo", "posted_at", "reverses_id"]
    assert [getattr(entry, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert not entry._state.adding
    assert list(
        stored.lines.order_by("id").values_list("account", "installment_number", "amount", "loan")
    ) == [(line.account, line.installment_number, line.amount, loan.pk) for line in lines]
    after = journal()
    with pytest.raises(IntegrityError), transaction.atomic():  # the key posts once
        loan_entry_post(
            entry_type=EntryType.REPAYMENT,
            value_date=VALUE_DATE,
            loan=loan,
            lines=lines,
            key="repayment-test-1",
        )
    assert journal() == after


def test_entry_reverse_posts_the_mirror_once(loan: Loan) -> None:
    before = balances(loan)
    original = loan_entry_post(
        entry_type=EntryType.REPAYMENT,
        value_date=VALUE_DATE,
        loan=loan,
        lines=[
            debit(AccountCode.CASH, Decimal("300.00")),
            credit(AccountCode.PRINCIPAL_RECEIVABLE, Decimal("250.00"), 1),
            credit(AccountCode.ADVANCE_LIABILITY, Decimal("50.00")),
        ],
    )
    assert balances(loan) == before | {
        "principal_outstanding_amount": Decimal("9750.00"),
        "advance_amount": Decimal("50.00"),
    }

    reversal = loan_entry_reverse(entry=original, value_date=date(2027, 2, 2))

    assert reversal.reverses_id == original.pk
    assert reversal.entry_type == EntryType.REVERSAL
    assert reversal.loan_id == loan.pk
    assert reversal.value_date == date(2027, 2, 2)
    assert sorted(reversal.lines.values_list("account", "amount", "installment_number")) == sorted(
        (account, -amount, number)
        for account, amount, number in original.lines.values_list(
            "account", "amount", "installment_number"
        )
    )
    assert balances(loan) == before

    after_first = journal()
    with pytest.raises(EntryAlreadyReversed):
        loan_entry_reverse(entry=original, value_date=date(2027, 2, 3))
    assert journal() == after_first
    assert balances(loan) == before
