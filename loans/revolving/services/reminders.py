"""Reminders of bills (PRODUCT §10: bill ready, due soon, due today, overdue).

``bill_reminders_queue`` runs at close of business, once the date's bills are cut: one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the bills that a kind's trigger date may
reach, so a rerun, a duplicate delivery or a caught-up date queues nothing twice (the unique
constraint on bill, kind and channel). ``bill_reminders_send_due`` sends them through the email
and SMS backends of loan reminders (``loans.servicing.notifications``), each in its own
transaction under ``SKIP LOCKED``, with the same quiet hours, retries and privacy rules
(docs/reminders.md).

What a bill still owes is the statement's balance left: the unpaid parts of the bill and of the
earlier bills of its account (payments take the oldest first). A bill that owes nothing gets no
reminder; an overdue reminder goes only while its minimum (with the earlier bills' unpaid
minimum) is unpaid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, QuerySet, Sum
from django.template.loader import render_to_string

from loans.revolving.models import (
    BillReminder,
    BillReminderKind,
    RevolvingAccountStatus,
    RevolvingProduct,
    Statement,
)
from loans.servicing.models import ReminderChannel, ReminderStatus
from loans.servicing.services.delivery import (
    Draft,
    Outbox,
    has_address,
    messages_send_due,
    no_address,
)
from loans.servicing.services.reminders import (
    LANGUAGES,
    amount_format,
    date_format,
    sms_quiet_hours,
    sms_send_after,
)

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
# A missed date is caught up this many days back (as loan reminders, docs/reminders.md).
CATCH_UP_DAYS = 7
# A due date rolls to a working day at most this many days later (calendar_day's constraint).
ROLL_DAYS = 15
DUE_SOON_DAYS = 3
# Kinds about the coming due date: never queued after it.
BEFORE_DUE_KINDS = frozenset(
    {BillReminderKind.BILL_READY, BillReminderKind.DUE_SOON, BillReminderKind.DUE_TODAY}
)

# Each kind's trigger date: the statement date, the due date - 3, the due date, the day after
# the pay-by date (a due date on a non-working day moves the overdue day, PRODUCT §12).
_QUEUE_SQL = """
WITH candidate AS MATERIALIZED (
    SELECT s.id, s.account_id, k.kind, k.needs_minimum, l.borrower_id, s.statement_date
    FROM revolving_statement s
    JOIN revolving_revolvingaccount a ON a.id = s.account_id
    JOIN loans_creditline l ON l.id = a.credit_line_id
    CROSS JOIN LATERAL (VALUES
        (%(bill_ready)s, s.statement_date, true, false),
        (%(due_soon)s, s.due_date - %(due_soon_days)s, true, false),
        (%(due_today)s, s.due_date, true, false),
        (%(overdue)s, s.pay_by_date + 1, false, true)
    ) AS k(kind, trigger_date, before_due_only, needs_minimum)
    WHERE s.statement_date BETWEEN %(earliest)s AND %(day)s
      AND a.status = %(active)s
      AND k.trigger_date BETWEEN %(day)s - %(catch_up)s AND %(day)s
      AND (NOT k.before_due_only OR %(day)s <= s.due_date)
)
INSERT INTO revolving_billreminder
    (statement_id, account_id, kind, channel, business_date, language, send_after,
     status, attempts, sent_at, provider_message_id, last_error)
SELECT c.id, c.account_id, c.kind, ch.channel, %(day)s, b.language,
       CASE WHEN ch.channel = %(sms)s THEN %(sms_send_after)s ELSE %(now)s END,
       %(status)s, 0, %(sent_at)s::timestamptz, '', ''
FROM candidate c
CROSS JOIN LATERAL (
    SELECT coalesce(sum(e.revolving_principal_unpaid_amount
                        + e.installment_principal_unpaid_amount + e.fees_unpaid_amount
                        + e.interest_unpaid_amount + e.penalty_unpaid_amount), 0) AS amount,
           coalesce(sum(e.minimum_unpaid_amount), 0) AS minimum
    FROM revolving_statement e
    WHERE e.account_id = c.account_id AND e.statement_date <= c.statement_date
) o
JOIN accounts_borrower b ON b.id = c.borrower_id
JOIN (VALUES (%(email)s), (%(sms)s)) AS ch(channel)
    ON (ch.channel = %(email)s AND b.email <> '')
    OR (ch.channel = %(sms)s AND b.mobile_ciphertext <> '')
WHERE CASE WHEN c.needs_minimum THEN o.minimum > 0 ELSE o.amount > 0 END
ON CONFLICT (statement_id, kind, channel) DO NOTHING
"""


@transaction.atomic
def bill_reminders_queue(*, business_date: date, now: datetime) -> int:
    """Queue the reminders of bills due by ``business_date``; return how many were queued.

    A kind is queued when its trigger date is on or before the date and at most CATCH_UP_DAYS
    before it (a missed date is caught up, never doubled); the kinds about the due date only
    until the due date; only for active accounts and bills that still owe (the minimum, for
    OVERDUE). Email when the borrower has an address, SMS to the mobile, which waits for 08:00
    Beijing time when queued in quiet hours. Called by close of business after the cut.
    """
    params = _queue_params(business_date, now)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, params)
        return int(cursor.rowcount)


def bill_reminders_history_record(*, through: date, sent_at: datetime) -> int:
    """Record as sent the reminders close of business would have queued through ``through``.

    For a seeded portfolio: its first close of business then queues only its own date's.
    """
    params = _queue_params(through, sent_at)
    params.update(status=ReminderStatus.SENT.value, sent_at=sent_at, sms_send_after=sent_at)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, params)
        return int(cursor.rowcount)


def _queue_params(day: date, now: datetime) -> dict[str, Any]:
    longest = RevolvingProduct.objects.aggregate(days=Max("due_days"))["days"] or 27
    return {
        "day": day,
        # The oldest statement date whose overdue trigger can still be caught up.
        "earliest": day - timedelta(days=CATCH_UP_DAYS + 1 + longest + ROLL_DAYS),
        "catch_up": CATCH_UP_DAYS,
        "due_soon_days": DUE_SOON_DAYS,
        "now": now,
        "sms_send_after": sms_send_after(now=now),
        "bill_ready": BillReminderKind.BILL_READY.value,
        "due_soon": BillReminderKind.DUE_SOON.value,
        "due_today": BillReminderKind.DUE_TODAY.value,
        "overdue": BillReminderKind.OVERDUE.value,
        "active": RevolvingAccountStatus.ACTIVE.value,
        "email": ReminderChannel.EMAIL.value,
        "sms": ReminderChannel.SMS.value,
        "status": ReminderStatus.QUEUED.value,
        "sent_at": None,
    }


@dataclass(frozen=True, slots=True)
class BillOwing:
    """What a bill still owes: its statement balance left, and its minimum left."""

    amount: Decimal
    minimum: Decimal


def bill_owing(*, statement: Statement) -> BillOwing:
    """Return what is unpaid of the bill and of the earlier bills of its account."""
    totals = Statement.objects.filter(
        account_id=statement.account_id, statement_date__lte=statement.statement_date
    ).aggregate(
        revolving=Sum("revolving_principal_unpaid_amount"),
        installments=Sum("installment_principal_unpaid_amount"),
        fees=Sum("fees_unpaid_amount"),
        interest=Sum("interest_unpaid_amount"),
        penalty=Sum("penalty_unpaid_amount"),
        minimum=Sum("minimum_unpaid_amount"),
    )
    minimum = totals.pop("minimum") or ZERO
    return BillOwing(amount=sum((v or ZERO for v in totals.values()), ZERO), minimum=minimum)


def bill_reminders_send_due(*, now: datetime, limit: int = 1000) -> int:
    """Send up to ``limit`` queued bill reminders whose time has come; return how many were sent.

    Through the loan reminders' sending loop (``loans.servicing.services.delivery``: one
    transaction each under ``SKIP LOCKED``, retries, FAILED after the last attempt). A reminder of
    a bill paid since, of a closed account, or for a channel the borrower no longer has is
    cancelled; SMS waits while ``now`` is in quiet hours.
    """
    return messages_send_due(_OUTBOX, now=now, limit=limit)


def _due(now: datetime) -> QuerySet[BillReminder]:
    due = (
        BillReminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("statement", "account__credit_line__borrower")
        .filter(status=ReminderStatus.QUEUED, send_after__lte=now)
        .order_by("send_after", "id")
    )
    return due.exclude(channel=ReminderChannel.SMS) if sms_quiet_hours(at=now) else due


def _compose(reminder: BillReminder) -> Draft:
    owing = bill_owing(statement=reminder.statement)
    refusal = _cancel_reason(reminder, owing)
    if refusal:
        return Draft(refusal=refusal)
    subject, body = bill_reminder_render(reminder, owing=owing)
    return Draft(subject=subject, body=body)


def _cancel_reason(reminder: BillReminder, owing: BillOwing) -> str:
    """Return why a reminder must not go (a fixed reason: no personal data), or ""."""
    if reminder.account.status != RevolvingAccountStatus.ACTIVE:
        return f"account {reminder.account.status}"
    if reminder.kind == BillReminderKind.OVERDUE and owing.minimum <= 0:
        return "minimum paid"
    # Auto-debit being off concerns the next bills too: that notice goes even once this is paid.
    if owing.amount <= 0 and reminder.kind != BillReminderKind.CARD_STOPPED:
        return "bill paid"
    borrower = reminder.account.credit_line.borrower
    return "" if has_address(borrower, reminder.channel) else no_address(reminder.channel)


_OUTBOX: Outbox[BillReminder] = Outbox(
    log=logger,
    due=_due,
    compose=_compose,
    borrower=lambda reminder: reminder.account.credit_line.borrower,
)


@dataclass(frozen=True, slots=True)
class _BillMessage:
    account_number: str
    statement_date: str
    due_date: str
    amount: str
    minimum: str
    days_overdue: int


def bill_reminder_render(reminder: BillReminder, *, owing: BillOwing) -> tuple[str, str]:
    """Return the subject and body of a bill reminder in its language, from its template.

    The template's first line is the email subject, the rest the body (also the SMS text). It
    names the account by number, the dates and the amounts: no name, number or address.
    """
    language = reminder.language if reminder.language in LANGUAGES else LANGUAGES[0]
    statement = reminder.statement
    message = _BillMessage(
        account_number=str(reminder.account_id),
        statement_date=date_format(statement.statement_date, language=language),
        due_date=date_format(statement.due_date, language=language),
        amount=amount_format(owing.amount),
        minimum=amount_format(owing.minimum),
        days_overdue=max(0, (reminder.business_date - statement.pay_by_date).days),
    )
    text = render_to_string(
        f"reminders/bill_{reminder.kind.lower()}.{language}.txt", {"message": message}
    )
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()
