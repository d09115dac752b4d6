"""Applying the advance a loan holds to what falls due (PRODUCT §2.5, §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from loans.domain.allocation import Component, allocate, rules_from_data
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import credit, debit
from loans.servicing.models import Loan
from loans.servicing.selectors import installment_balance
from loans.servicing.services.components import PAID_FIELD, RECEIVABLE, credit_line_release
from loans.servicing.services.installments import Change, changes_apply, paid_dates_refresh
from loans.servicing.services.posting import loan_entry_post


def advance_apply(*, loan: Loan, as_of: date, key: str | None) -> JournalEntry | None:
    """Apply the advance of a locked loan to installments due on or before ``as_of``.

    The caller holds the loan's row lock and its transaction. Returns the entry, or None when
    nothing was due.
    """
    rows = list(loan.installments.filter(paid_date__isnull=True, due_date__lte=as_of))
    allocation = allocate(
        amount=loan.advance_amount,
        installments=[installment_balance(r) for r in rows],
        as_of=as_of,
        rules=rules_from_data(loan.allocation_rules),
    )
    if not allocation.parts:
        return None
    lines = [debit(AccountCode.ADVANCE_LIABILITY, allocation.total_allocated)]
    lines += [credit(RECEIVABLE[p.component], p.amount, p.number) for p in allocation.parts]
    entry = loan_entry_post(
        entry_type=EntryType.ADVANCE_APPLIED,
        value_date=as_of,
        loan=loan,
        lines=lines,
        key=key,
        back_dated=True,  # replayed after a back-dated repayment: booked in the open period
    )
    changes_apply(
        loan=loan,
        changes=[Change(p.number, PAID_FIELD[p.component], p.amount) for p in allocation.parts],
    )
    paid_dates_refresh(loan=loan, as_of=as_of)
    credit_line_release(loan, allocation.total_for(Component.PRINCIPAL))
    return entry


def advance_total(entry: JournalEntry) -> Decimal:
    return sum((line.amount for line in entry.lines.all() if line.amount > 0), Decimal("0.00"))
