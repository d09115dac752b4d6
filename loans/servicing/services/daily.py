"""One loan's day, loan by loan: interest accrual, fees falling due, advances applied.

These are the reference implementations of close-of-business steps (PRODUCT §2.3, §3, §4);
the nightly batch (issue #4) does the same set-based, and its tests compare against these.
Each posting is keyed per (loan, date), so running a day twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from loans.domain.accrual import accrued_through_from
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import Line, credit, debit
from loans.servicing.models import Installment, Loan, LoanStatus
from loans.servicing.services.advances import advance_apply, advance_total
from loans.servicing.services.installments import Change, changes_apply
from loans.servicing.services.posting import loan_entry_post
from loans.servicing.services.states import loan_transition


def _accrual_target(row: Installment, as_of: date) -> Decimal:
    return accrued_through_from(
        period_interest=row.interest_amount,
        accrual_base=row.accrual_base_amount,
        accrual_start=row.accrual_start_date,
        due_date=row.due_date,
        as_of=as_of,
    )


def _post_once(key: str, **kwargs: object) -> JournalEntry | None:
    """Post unless an entry with ``key`` exists already (a rerun of the same day)."""
    if JournalEntry.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return loan_entry_post(key=key, **kwargs)  # type: ignore[arg-type]
    except IntegrityError:
        return None  # a concurrent run posted it first


@transaction.atomic
def loan_interest_accrue(*, loan: Loan, as_of: date) -> Decimal:
    """Accrue the loan's interest through the end of ``as_of`` (PRODUCT §2.3); return the amount.

    Posts only the difference to what is accrued already, per installment, as one entry keyed
    ``accrual:<loan>:<date>``.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    key = f"accrual:{loan.pk}:{as_of.isoformat()}"
    if loan.status != LoanStatus.ACTIVE or JournalEntry.objects.filter(key=key).exists():
        return Decimal("0.00")
    changes, lines = [], []
    for row in loan.installments.filter(paid_date__isnull=True, accrual_start_date__lte=as_of):
        delta = _accrual_target(row, as_of) - row.interest_accrued_amount
        if delta > 0:
            changes.append(Change(row.number, "interest_accrued_amount", delta))
            lines += [debit(AccountCode.INTEREST_RECEIVABLE, delta, row.number)]
    total = sum((change.delta for change in changes), Decimal("0.00"))
    if total:
        lines.append(credit(AccountCode.INTEREST_INCOME, total))
        _post_once(key, entry_type=EntryType.INTEREST_ACCRUAL, value_date=as_of, loan=loan,
                   lines=lines)  # fmt: skip
        changes_apply(loan=loan, changes=changes)
    return total


@transaction.atomic
def loan_fees_charge(*, loan: Loan, as_of: date) -> Decimal:
    """Charge the fees of installments falling due on or before ``as_of`` (PRODUCT §3)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    key = f"fee:{loan.pk}:{as_of.isoformat()}"
    if loan.status != LoanStatus.ACTIVE or JournalEntry.objects.filter(key=key).exists():
        return Decimal("0.00")
    rows = loan.installments.filter(paid_date__isnull=True, due_date__lte=as_of)
    changes = [
        Change(r.number, "fee_charged_amount", r.fee_amount - r.fee_charged_amount)
        for r in rows
        if r.fee_amount > r.fee_charged_amount
    ]
    total = sum((c.delta for c in changes), Decimal("0.00"))
    if total:
        lines: list[Line] = [debit(AccountCode.FEE_RECEIVABLE, c.delta, c.number) for c in changes]
        lines.append(credit(AccountCode.FEE_INCOME, total))
        _post_once(key, entry_type=EntryType.FEE_DUE, value_date=as_of, loan=loan, lines=lines)
        changes_apply(loan=loan, changes=changes)
    return total


@transaction.atomic
def loan_advance_apply(*, loan: Loan, as_of: date) -> Decimal:
    """Apply the advance held to what is due on or before ``as_of``, by the loan's rules.

    Keyed ``advance:<loan>:<date>``: applying the same date twice changes nothing.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    key = f"advance:{loan.pk}:{as_of.isoformat()}"
    if loan.status != LoanStatus.ACTIVE or not loan.advance_amount:
        return Decimal("0.00")
    if JournalEntry.objects.filter(key=key).exists():
        return Decimal("0.00")
    entry = advance_apply(loan=loan, as_of=as_of, key=key)
    return Decimal("0.00") if entry is None else advance_total(entry)


@transaction.atomic
def loan_close_if_paid(*, loan: Loan, as_of: date) -> bool:
    """Close an active loan whose installments are all settled; return whether it closed."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if (
        loan.status != LoanStatus.ACTIVE
        or loan.installments.filter(paid_date__isnull=True).exists()
    ):
        return False
    loan_transition(loan=loan, to=LoanStatus.PAID_OFF)
    loan.closed_date = as_of
    loan.save(update_fields=["status", "closed_date", "updated_at"])
    return True
