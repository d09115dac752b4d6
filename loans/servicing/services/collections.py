"""Waivers, write-off with a second approver, recoveries and refunds (PRODUCT §2.4, §3)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from accounts.models import User
from loans.domain.allocation import Component
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType, JournalLine
from loans.ledger.services import credit, debit
from loans.servicing.models import (
    CreditLine,
    CreditLineStatus,
    FreezeReason,
    Installment,
    Loan,
    LoanStatus,
)
from loans.servicing.selectors import installment_balance
from loans.servicing.services.dry_run import log_committed
from loans.servicing.services.installments import Change, changes_apply, paid_dates_refresh
from loans.servicing.services.posting import loan_entry_post
from loans.servicing.services.states import loan_transition

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")

WAIVABLE = {
    Component.PENALTY: (AccountCode.PENALTY_RECEIVABLE, "penalty_waived_amount"),
    Component.FEE: (AccountCode.FEE_RECEIVABLE, "fee_waived_amount"),
    Component.INTEREST: (AccountCode.INTEREST_RECEIVABLE, "interest_waived_amount"),
}


class WaiverRefused(LendingError):
    code = "waiver_refused"


class WriteOffRefused(LendingError):
    code = "write_off_refused"


class RecoveryRefused(LendingError):
    code = "recovery_refused"


class RefundRefused(LendingError):
    code = "refund_refused"


@transaction.atomic
def waiver_post(
    *,
    loan: Loan,
    installment_number: int,
    component: Component,
    amount: Decimal,
    as_of: date,
    user: User,
    reason: str,
) -> Loan:
    """Waive penalty, fee or accrued interest owed on one installment (Dr waivers).

    Raises WaiverRefused for principal, a closed loan, or more than is owed.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    row = waiver_check(
        loan=loan, installment_number=installment_number, component=component, amount=amount
    )
    account, field = WAIVABLE[component]
    loan_entry_post(
        entry_type=EntryType.WAIVER,
        value_date=as_of,
        loan=loan,
        lines=[debit(AccountCode.WAIVERS, amount, row.number), credit(account, amount, row.number)],
        memo=reason,
        user=user,
    )
    changes_apply(loan=loan, changes=[Change(row.number, field, amount)])
    paid_dates_refresh(loan=loan, as_of=as_of)
    log_committed(logger, "waiver of %s on loan %s by user %s", component, loan.pk, user.pk)
    return loan


def waiver_check(
    *, loan: Loan, installment_number: int, component: Component, amount: Decimal
) -> Installment:
    """Return the installment to waive on, or raise WaiverRefused.

    Only penalty, fees and interest, on an active loan, at most what is owed, in whole fen.
    """
    if component not in WAIVABLE:
        raise WaiverRefused(
            "Only penalty, fees and interest can be waived; principal is written off."
        )
    if loan.status != LoanStatus.ACTIVE:
        raise WaiverRefused(f"Loan {loan.pk} is {loan.status}.")
    row = Installment.objects.filter(loan=loan, number=installment_number).first()
    if row is None:
        raise WaiverRefused(f"Loan {loan.pk} has no installment {installment_number}.")
    owed = installment_balance(row).outstanding(component)
    if not Decimal("0") < amount <= owed or amount != amount.quantize(Decimal("0.01")):
        raise WaiverRefused(f"Waive between ¥0.01 and the ¥{owed} owed, in whole fen.")
    return row


@transaction.atomic
def write_off_post(*, loan_id: int, officer: User, as_of: date, memo: str) -> Loan:
    """Post the write-off of an approved request (call only through an approval).

    Principal to credit losses; accrued interest, fees and penalty back against their income;
    the credit line is frozen. Raises LoanTransitionRefused when the loan is no longer active.
    """
    loan = Loan.objects.select_for_update().get(pk=loan_id)
    loan_transition(loan=loan, to=LoanStatus.WRITTEN_OFF)
    principal = loan.principal_outstanding_amount
    loan_entry_post(
        entry_type=EntryType.WRITE_OFF,
        value_date=as_of,
        loan=loan,
        lines=[
            debit(AccountCode.CREDIT_LOSSES, principal),
            credit(AccountCode.PRINCIPAL_RECEIVABLE, principal),
            debit(AccountCode.INTEREST_INCOME, loan.interest_receivable_amount),
            credit(AccountCode.INTEREST_RECEIVABLE, loan.interest_receivable_amount),
            debit(AccountCode.FEE_INCOME, loan.fee_receivable_amount),
            credit(AccountCode.FEE_RECEIVABLE, loan.fee_receivable_amount),
            debit(AccountCode.PENALTY_INCOME, loan.penalty_receivable_amount),
            credit(AccountCode.PENALTY_RECEIVABLE, loan.penalty_receivable_amount),
        ],
        memo=memo,
        user=officer,
    )
    loan.closed_date = as_of
    loan.save(update_fields=["status", "closed_date", "updated_at"])
    line = CreditLine.objects.select_for_update().get(pk=loan.credit_line_id)
    line.used_amount -= principal
    line.status, line.frozen_reason = CreditLineStatus.FROZEN, FreezeReason.WRITTEN_OFF
    line.frozen_on = line.frozen_on or as_of
    line.save(update_fields=["used_amount", "status", "frozen_reason", "frozen_on", "updated_at"])
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.LOAN_WRITTEN_OFF,
        data={"loan": loan.pk, "principal_written_off": str(principal), "date": as_of.isoformat()},
    )
    log_committed(logger, "loan %s written off by user %s", loan.pk, officer.pk)
    return loan


@transaction.atomic
def recovery_post(
    *, loan: Loan, amount: Decimal, as_of: date, user: User, reference: str = ""
) -> Loan:
    """Record money recovered on a written-off loan, in one entry.

    Dr cash the amount; Cr recoveries up to what is left to recover (``recovery_remaining``),
    Cr overpayment liability for the rest: money beyond what the borrower owed at the write-off
    is theirs, refundable by ``overpayment_refund`` (PRODUCT §2.5, §3). Raises RecoveryRefused.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.WRITTEN_OFF:
        raise RecoveryRefused(
            f"Loan {loan.pk} is {loan.status}; recoveries are for written-off loans."
        )
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RecoveryRefused(f"The amount must be positive and in whole fen, got {amount}.")
    recovered = min(amount, recovery_remaining(loan=loan))
    loan_entry_post(
        entry_type=EntryType.RECOVERY,
        value_date=as_of,
        loan=loan,
        lines=[
            debit(AccountCode.CASH, amount),
            credit(AccountCode.RECOVERIES, recovered),
            credit(AccountCode.OVERPAYMENT_LIABILITY, amount - recovered),
        ],
        memo=f"Recovery {reference}".strip(),
        user=user,
    )
    return loan


_WRITTEN_OFF_ACCOUNTS = [
    str(a)
    for a in (
        AccountCode.PRINCIPAL_RECEIVABLE,
        AccountCode.INTEREST_RECEIVABLE,
        AccountCode.FEE_RECEIVABLE,
        AccountCode.PENALTY_RECEIVABLE,
    )
]


def recovery_remaining(*, loan: Loan) -> Decimal:
    """Return what the write-off took off the loan's books less what was recovered since.

    Written off: every receivable the write-off entry cleared (principal, and the interest, fees
    and penalty owed then), i.e. what the borrower owed. Recovered: the loan's net credits to
    recoveries. Never below 0.00.
    """
    totals = JournalLine.objects.filter(loan_id=loan.pk).aggregate(
        written_off=Sum(
            "amount",
            filter=Q(
                entry__entry_type=EntryType.WRITE_OFF,
                account__in=_WRITTEN_OFF_ACCOUNTS,
                amount__lt=0,
            ),
        ),
        recovered=Sum("amount", filter=Q(account=AccountCode.RECOVERIES)),
    )
    written_off = -(totals["written_off"] or ZERO)
    recovered = -(totals["recovered"] or ZERO)
    return max(written_off - recovered, ZERO)


@transaction.atomic
def overpayment_refund(
    *, loan: Loan, amount: Decimal, as_of: date, user: User | None = None
) -> Loan:
    """Pay an overpayment back to the borrower (Dr overpayment liability, Cr cash)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if not Decimal("0") < amount <= loan.overpayment_amount:
        raise RefundRefused(f"Refund between ¥0.01 and the ¥{loan.overpayment_amount} held.")
    loan_entry_post(
        entry_type=EntryType.REFUND,
        value_date=as_of,
        loan=loan,
        lines=[debit(AccountCode.OVERPAYMENT_LIABILITY, amount), credit(AccountCode.CASH, amount)],
        user=user,
    )
    return loan
