"""Auto-debit stopped on the bank's answer: the binding switched off, the borrower told (§11).

On CARD_INVALID, CARD_FROZEN or AGREEMENT_REVOKED the card cannot be charged again: the binding
is switched off by the system (``CardBindingChannel.SYSTEM``, audited like any switch-off) and
the borrower gets a notice of kind AUTO_DEBIT_STOPPED on the reminder channels (email and SMS
where they have an address), sent by the reminder sender as the payout-failure notice is; for a
revolving bill, a bill reminder of kind CARD_STOPPED, sent with the bill reminders.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from accounts.models import Borrower
from loans.payments.card_bindings import card_binding_revoke
from loans.payments.models import CardBinding, CardBindingChannel, CollectionAttempt
from loans.revolving.models import BillReminder, BillReminderKind
from loans.servicing.models import Installment, Loan, Reminder, ReminderKind
from loans.servicing.services.delivery import reachable_channels

logger = logging.getLogger(__name__)


def auto_debit_stop(*, attempt: CollectionAttempt, as_of: date, now: datetime) -> None:
    """Switch the attempt's binding off (by the system) and queue the borrower's notice."""
    binding = CardBinding.objects.get(pk=attempt.binding_id)
    card_binding_revoke(binding=binding, channel=CardBindingChannel.SYSTEM, actor=None)
    loan = attempt.loan
    if loan is None:  # a bill's attempt: the bill's notice, sent with the bill reminders
        _bill_notice_queue(attempt, as_of, now)
        logger.info(
            "auto-debit stopped for revolving account %s: %s", attempt.account_id, attempt.outcome
        )
        return
    _notice_queue(attempt, loan, as_of, now)
    logger.info("auto-debit stopped for loan %s: %s", loan.pk, attempt.outcome)


def _bill_notice_queue(attempt: CollectionAttempt, as_of: date, now: datetime) -> None:
    account_id, statement_id = attempt.account_id, attempt.statement_id
    if account_id is None or statement_id is None:  # pragma: no cover - a bill's attempt has both
        return
    borrower = Borrower.objects.get(credit_line__revolving_account__id=account_id)
    BillReminder.objects.bulk_create(
        [
            BillReminder(
                statement_id=statement_id,
                account_id=account_id,
                kind=BillReminderKind.CARD_STOPPED,
                channel=channel,
                business_date=as_of,
                language=borrower.language,
                send_after=now,
            )
            for channel in reachable_channels(borrower)
        ],
        ignore_conflicts=True,  # once per bill and channel (bill_reminder_once_per_channel)
    )


def _notice_queue(attempt: CollectionAttempt, loan: Loan, as_of: date, now: datetime) -> None:
    installment = (
        Installment.objects.filter(loan=loan, due_date__gte=attempt.due_date)
        .order_by("due_date", "number")
        .first()
    )
    if installment is None:  # pragma: no cover - a series always collects an installment
        return
    borrower = loan.borrower
    Reminder.objects.bulk_create(
        [
            Reminder(
                installment=installment,
                loan=loan,
                kind=ReminderKind.AUTO_DEBIT_STOPPED,
                channel=channel,
                business_date=as_of,
                language=borrower.language,
                send_after=now,
            )
            for channel in reachable_channels(borrower)
        ],
        ignore_conflicts=True,  # once per installment and channel (reminder_once_per_channel)
    )
