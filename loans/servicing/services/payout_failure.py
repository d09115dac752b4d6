"""Undo a disbursed loan whose payout the bank refused (PRODUCT §11 "Payout failures").

The loan is cancelled (``CANCELLED``, reason ``PAYOUT_FAILED``) and its books left as if it had
never been drawn: every entry that charged it since disbursement (the disbursement, a settled
payout, interest accruals, fees, penalties and the waivers against them) is reversed by an entry
linked to the original, never edited (PRODUCT §3). Money the borrower paid meanwhile is owed
back: it moves to the overpayment liability (refundable) first, so no receivable goes below zero.

The link: an entry of this loan alone is reversed whole (``reverses``); a close-of-business
entry holds many loans' lines and a general-ledger total, so this loan's share of it is
reversed by an entry keyed ``payout-failed:<loan>:<original>`` (one per loan and original).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from loans.ledger.models import AccountCode, EntryType, JournalEntry, JournalLine
from loans.ledger.services import Line, credit, debit, entry_mirror_lines
from loans.servicing.models import (
    CreditLine,
    Loan,
    LoanCancelReason,
    LoanEvent,
    LoanEventType,
    LoanStatus,
    Reminder,
    ReminderKind,
)
from loans.servicing.services.delivery import reachable_channels
from loans.servicing.services.posting import BALANCE_FIELDS, loan_entry_post
from loans.servicing.services.states import LoanTransitionRefused

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")

# What the loan was charged and is undone. Repayments, advances applied and refunds moved real
# money and stay; what they paid becomes the overpayment liability.
CHARGE_ENTRY_TYPES = (
    EntryType.DISBURSEMENT,
    EntryType.PAYOUT_SETTLED,
    EntryType.INTEREST_ACCRUAL,
    EntryType.FEE_DUE,
    EntryType.PENALTY,
    EntryType.WAIVER,
)
RECEIVABLES = (
    AccountCode.PRINCIPAL_RECEIVABLE,
    AccountCode.INTEREST_RECEIVABLE,
    AccountCode.FEE_RECEIVABLE,
    AccountCode.PENALTY_RECEIVABLE,
)


@transaction.atomic
def loan_payout_failure_cancel(*, loan: Loan, as_of: date, reason_code: str, now: datetime) -> bool:
    """Cancel an active loan whose payout failed; return False if it was cancelled already.

    Reverses its charges on ``as_of``, restores its principal to the credit line, records the
    event ``loan.payout_failed`` and queues the borrower's notice (email and SMS, in their
    language, sent by the reminder sender from ``now``). Raises LoanTransitionRefused for a loan
    that is neither active nor cancelled for this reason (paid off, written off, never disbursed).
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status == LoanStatus.CANCELLED and loan.cancel_reason == LoanCancelReason.PAYOUT_FAILED:
        return False
    if loan.status != LoanStatus.ACTIVE:
        raise LoanTransitionRefused(f"Loan {loan.pk} is {loan.status}: it cannot be cancelled.")
    line = CreditLine.objects.select_for_update().get(pk=loan.credit_line_id)
    used = loan.principal_outstanding_amount
    originals = _charges(loan)
    _received_to_overpayment(loan, originals, as_of)
    for original in originals:
        _reverse_share(loan, original, as_of)
    loan.status = LoanStatus.CANCELLED
    loan.cancel_reason = LoanCancelReason.PAYOUT_FAILED
    loan.closed_date = as_of
    loan.days_past_due = 0
    loan.save(
        update_fields=["status", "cancel_reason", "closed_date", "days_past_due", "updated_at"]
    )
    # The line held what the loan had not repaid (PRODUCT §6): that much is free again.
    line.used_amount -= used
    line.save(update_fields=["used_amount", "updated_at"])
    LoanEvent.objects.create(
        loan=loan,
        event_type=LoanEventType.PAYOUT_FAILED,
        business_date=as_of,
        data={"reason": reason_code, "reversed_entries": [entry.pk for entry in originals]},
    )
    _notice_queue(loan, as_of, now)
    logger.info("loan %s cancelled: payout failed (%s)", loan.pk, reason_code)
    return True


def _charges(loan: Loan) -> list[JournalEntry]:
    """The loan's charge entries not reversed yet: credits to receivables (waivers) first."""
    entries = (
        JournalEntry.objects.filter(
            lines__loan=loan, entry_type__in=CHARGE_ENTRY_TYPES, reversed_by__isnull=True
        )
        .distinct()
        .order_by("id")
    )
    done = set(
        JournalEntry.objects.filter(key__startswith=f"payout-failed:{loan.pk}:").values_list(
            "key", flat=True
        )
    )
    todo = [entry for entry in entries if _share_key(loan, entry) not in done]
    # Reversing a waiver raises a receivable: done before the charges, so none dips below zero.
    return sorted(todo, key=lambda entry: (entry.entry_type != EntryType.WAIVER, entry.pk))


def _share_key(loan: Loan, entry: JournalEntry) -> str:
    return f"payout-failed:{loan.pk}:{entry.pk}"


def _loan_lines(loan: Loan, entry: JournalEntry) -> list[JournalLine]:
    return list(JournalLine.objects.filter(entry=entry, loan=loan).order_by("id"))


def _received_to_overpayment(loan: Loan, originals: list[JournalEntry], as_of: date) -> None:
    """Move what the borrower paid (and any advance held) to the overpayment liability.

    After the reversals a receivable would stand at its balance minus what the charges put on
    it; below zero, the difference was paid, and is owed back to the borrower.
    """
    charged: dict[str, Decimal] = defaultdict(Decimal)
    for line in JournalLine.objects.filter(entry__in=originals, loan=loan, account__in=RECEIVABLES):
        charged[line.account] += line.amount
    lines: list[Line] = []
    for account in RECEIVABLES:
        field, _sign = BALANCE_FIELDS[account]
        paid = charged[account] - getattr(loan, field)
        if paid > 0:
            lines.append(debit(account, paid))
    if loan.advance_amount:
        lines.append(debit(AccountCode.ADVANCE_LIABILITY, loan.advance_amount))
    total = sum((line.amount for line in lines), ZERO)
    if not total:
        return
    lines.append(credit(AccountCode.OVERPAYMENT_LIABILITY, total))
    loan_entry_post(
        entry_type=EntryType.MANUAL_ADJUSTMENT,
        value_date=as_of,
        loan=loan,
        lines=lines,
        key=f"payout-failed:{loan.pk}:received",
        memo=f"Payout failed: ¥{total} received on loan {loan.pk} is owed back",
    )


def _reverse_share(loan: Loan, original: JournalEntry, as_of: date) -> None:
    """Reverse the loan's part of ``original``: the whole entry if it is the loan's own."""
    if original.loan_id == loan.pk:
        loan_entry_post(
            entry_type=EntryType.REVERSAL,
            value_date=as_of,
            loan=loan,
            lines=entry_mirror_lines(original),
            key=_share_key(loan, original),
            reverses=original,
            memo=f"Payout failed: reversal of entry {original.pk}",
        )
        return
    _reverse_chunk_share(loan, original, as_of)


def _reverse_chunk_share(loan: Loan, original: JournalEntry, as_of: date) -> None:
    """Mirror the loan's lines of a close-of-business entry and its share of the total line.

    The total line carries no loan (the general ledger's daily total), so its mirror carries
    none either: the loan's sub-ledger holds only its own lines, as before.
    """
    mine = _loan_lines(loan, original)
    general = set(
        JournalLine.objects.filter(entry=original, loan__isnull=True).values_list(
            "account", flat=True
        )
    )
    if len(general) != 1:
        raise ValueError(f"Entry {original.pk} has no single general-ledger account to share.")
    share = sum((line.amount for line in mine), ZERO)
    # The entry is this loan's (its ledger page lists it); the total's mirror line is not.
    entry = JournalEntry.objects.create(
        entry_type=EntryType.REVERSAL,
        value_date=as_of,
        loan=loan,
        key=_share_key(loan, original),
        memo=f"Payout failed: reversal of loan {loan.pk}'s share of entry {original.pk}",
    )
    mirrored = [
        JournalLine(
            entry=entry,
            account=line.account,
            loan=loan,
            installment_number=line.installment_number,
            amount=-line.amount,
        )
        for line in mine
    ]
    if share:
        mirrored.append(JournalLine(entry=entry, account=general.pop(), amount=share))
    # One INSERT: the ledger's guard checks each entry's lines balance per statement.
    JournalLine.objects.bulk_create(mirrored)
    _balances_move(loan, [Line(AccountCode(line.account), line.amount) for line in mirrored])


def _balances_move(loan: Loan, lines: list[Line]) -> None:
    moves: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.account in BALANCE_FIELDS:
            field, sign = BALANCE_FIELDS[line.account]
            moves[field] += sign * line.amount
    if moves:
        Loan.objects.filter(pk=loan.pk).update(**{f: F(f) + d for f, d in moves.items()})
        loan.refresh_from_db(fields=list(moves))


def _notice_queue(loan: Loan, as_of: date, now: datetime) -> None:
    """Queue the borrower's notice on the reminder channels (sent by ``reminders_send_due``)."""
    first = loan.installments.order_by("number").first()
    if first is None:  # pragma: no cover - every drawn loan has a schedule
        return
    borrower = loan.borrower
    Reminder.objects.bulk_create(
        [
            Reminder(
                installment=first,
                loan=loan,
                kind=ReminderKind.PAYOUT_FAILED,
                channel=channel,
                business_date=as_of,
                language=borrower.language,
                send_after=now,
            )
            for channel in reachable_channels(borrower)
        ],
        ignore_conflicts=True,
    )
