"""Repayment reminders (PRODUCT §5): queued set-based at close of business, sent by workers.

``reminders_queue`` is one step of a COB chunk: one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
over the chunk's loans, so a rerun, a duplicate delivery or a caught-up date queues nothing twice
(the unique constraint on installment, kind and channel). ``reminders_send_due`` is called by a
Celery beat task; several workers share the queue through ``SKIP LOCKED``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string

from loans.calendar.selectors import pay_by_date_for
from loans.servicing.models import (
    REMINDER_BEFORE_DUE_KINDS,
    REMINDER_OFFSET_DAYS,
    LoanEventType,
    LoanStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from loans.servicing.selectors import installment_amount_due
from loans.servicing.services.delivery import (
    Draft,
    Outbox,
    has_address,
    messages_send_due,
    no_address,
)

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
# SMS quiet hours, Beijing time: no SMS from 21:00 until 08:00 (PRODUCT §5).
QUIET_HOURS_START = time(21, 0)
QUIET_HOURS_END = time(8, 0)
LANGUAGES = ("zh-hans", "en")
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ZERO = Decimal("0.00")

# A missed date is caught up for this many days back; a reminder whose trigger date is older
# than that would be stale ("1 day overdue" a month late) and is not queued.
CATCH_UP_DAYS = 7
# A due date rolls to a working day at most this many days later (calendar_day's constraint).
ROLL_DAYS = 15

# The unpaid installments of the chunk that may call for a reminder are picked first (a few
# per cent of them), then joined to their borrowers by primary key. The overdue kinds count from
# the pay-by date: the due date, or the next working day after a non-working one (PRODUCT §12,
# calendar_day); DUE_SOON and DUE_TODAY from the due date, which does not move.
_QUEUE_SQL = """
WITH due AS MATERIALIZED (
    SELECT i.id, i.loan_id, i.due_date, l.borrower_id,
           coalesce((SELECT c.following_working_date FROM calendar_day c
                     WHERE c.day = i.due_date), i.due_date) AS pay_by_date
    FROM loans_loan l JOIN loans_installment i ON i.loan_id = l.id
    WHERE l.id BETWEEN %(first)s AND %(last)s AND l.status = %(active)s
      AND i.loan_id BETWEEN %(first)s AND %(last)s
      AND i.paid_date IS NULL
      AND i.due_date <= %(latest_due)s AND i.due_date >= %(earliest_due)s
)
INSERT INTO loans_reminder
    (installment_id, loan_id, kind, channel, business_date, language, send_after,
     status, attempts, sent_at, provider_message_id, last_error)
SELECT d.id, d.loan_id, k.kind, c.channel, %(day)s, b.language,
       CASE WHEN c.channel = %(sms)s THEN %(sms_send_after)s ELSE %(now)s END,
       %(status)s, 0, %(sent_at)s::timestamptz, '', ''
FROM due d
JOIN accounts_borrower b ON b.id = d.borrower_id
CROSS JOIN unnest(%(kinds)s::text[], %(offsets)s::int[], %(before_due)s::bool[])
    AS k(kind, offset_days, before_due_only)
JOIN (VALUES (%(email)s), (%(sms)s)) AS c(channel)
    ON (c.channel = %(email)s AND b.email <> '')
    OR (c.channel = %(sms)s AND b.mobile_ciphertext <> '')
CROSS JOIN LATERAL (
    SELECT CASE WHEN k.before_due_only THEN d.due_date ELSE d.pay_by_date END
               + k.offset_days AS trigger_date
) t
WHERE t.trigger_date <= %(day)s
  AND t.trigger_date >= %(day)s - %(catch_up)s
  AND (NOT k.before_due_only OR %(day)s <= d.due_date)
ON CONFLICT (installment_id, kind, channel) DO NOTHING
"""


def sms_quiet_hours(*, at: datetime) -> bool:
    """Return whether ``at`` falls in the SMS quiet hours, 21:00 to 08:00 Beijing time.

    Raises ValueError for a naive datetime (it would be read in the server's zone).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Reminder times must be aware datetimes.")
    local = at.astimezone(BEIJING).time()
    return local >= QUIET_HOURS_START or local < QUIET_HOURS_END


def sms_send_after(*, now: datetime) -> datetime:
    """Return when an SMS queued at ``now`` may go: ``now``, or the next 08:00 Beijing time."""
    if not sms_quiet_hours(at=now):
        return now
    local = now.astimezone(BEIJING)
    day = local.date() if local.time() < QUIET_HOURS_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_HOURS_END, tzinfo=BEIJING)


@transaction.atomic
def reminders_queue(
    *, first_loan_id: int, last_loan_id: int, business_date: date, now: datetime
) -> int:
    """Queue the reminders due by ``business_date`` for active loans with ids in [first, last].

    Every kind whose trigger date (due - 3, due, pay-by + 1, + 7, + 30; the pay-by date is the
    due date or, on a non-working day, the next working day: PRODUCT §12) is on or before the date,
    and no more than CATCH_UP_DAYS before it, for unpaid installments, so a missed date is
    caught up; DUE_SOON and DUE_TODAY only until the due date. Email when the borrower has an
    address, SMS to the mobile; SMS queued in quiet hours waits for 08:00 Beijing time. Returns
    the number of reminders queued (new rows).
    """
    params = _queue_params(first_loan_id, last_loan_id, business_date, now)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, params)
        return int(cursor.rowcount)


def reminders_history_record(
    *, first_loan_id: int, last_loan_id: int, through: date, sent_at: datetime
) -> int:
    """Record as sent the reminders close of business would have queued through ``through``.

    For a seeded portfolio (``loans.management.seeding.portfolio``) that stands as if COB had
    run every
    night: the next date then queues only its own reminders. Returns the number recorded.
    """
    params = _queue_params(first_loan_id, last_loan_id, through, sent_at)
    params.update(status=ReminderStatus.SENT.value, sent_at=sent_at, sms_send_after=sent_at)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, params)
        return int(cursor.rowcount)


def _queue_params(first: int, last: int, day: date, now: datetime) -> dict[str, Any]:
    kinds = list(REMINDER_OFFSET_DAYS)
    offsets = [REMINDER_OFFSET_DAYS[kind] for kind in kinds]
    return {
        "first": first,
        "last": last,
        "day": day,
        "latest_due": day - timedelta(days=min(offsets)),
        "earliest_due": day - timedelta(days=max(offsets) + CATCH_UP_DAYS + ROLL_DAYS),
        "catch_up": CATCH_UP_DAYS,
        "now": now,
        "sms_send_after": sms_send_after(now=now),
        "kinds": kinds,
        "offsets": offsets,
        "before_due": [kind in REMINDER_BEFORE_DUE_KINDS for kind in kinds],
        "email": ReminderChannel.EMAIL.value,
        "sms": ReminderChannel.SMS.value,
        "status": ReminderStatus.QUEUED.value,
        "sent_at": None,
        "active": LoanStatus.ACTIVE.value,
    }


def reminders_send_due(*, now: datetime, limit: int = 1000) -> int:
    """Send up to ``limit`` queued reminders whose time has come; return the number sent.

    Through the shared sending loop (``delivery``: one transaction each under ``SKIP LOCKED``,
    retries, FAILED after the last attempt). Reminders of paid installments or closed loans are
    cancelled; SMS waits while ``now`` is in quiet hours.
    """
    return messages_send_due(_OUTBOX, now=now, limit=limit)


def _due(now: datetime) -> QuerySet[Reminder]:
    due = (
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("installment", "loan__borrower")
        .filter(status=ReminderStatus.QUEUED, send_after__lte=now)
        .order_by("send_after", "id")
    )
    return due.exclude(channel=ReminderChannel.SMS) if sms_quiet_hours(at=now) else due


def _compose(reminder: Reminder) -> Draft:
    refusal = _cancel_reason(reminder)
    if refusal:
        return Draft(refusal=refusal)
    subject, body = _render(reminder)
    return Draft(subject=subject, body=body)


def _cancel_reason(reminder: Reminder) -> str:
    """Return why a reminder must not go (stored in last_error: no personal data), or ""."""
    reachable = has_address(reminder.loan.borrower, reminder.channel)
    if reminder.kind in (ReminderKind.PAYOUT_FAILED, ReminderKind.AUTO_DEBIT_STOPPED):
        # Notices (PRODUCT §11): a cancelled loan, auto-debit stopped; not a due date's reminder.
        return "" if reachable else no_address(reminder.channel)
    if reminder.installment.paid_date is not None:
        return "installment paid"
    if reminder.loan.status != LoanStatus.ACTIVE:
        return f"loan {reminder.loan.status}"
    return "" if reachable else no_address(reminder.channel)


_OUTBOX: Outbox[Reminder] = Outbox(
    log=logger, due=_due, compose=_compose, borrower=lambda reminder: reminder.loan.borrower
)


@dataclass(frozen=True, slots=True)
class _Message:
    loan_number: str
    installment_number: int
    term: int
    due_date: str
    amount: str
    days_overdue: int


def reminder_render(reminder: Reminder) -> tuple[str, str]:
    """Return the subject and body of a reminder as it was sent (the portal lists them)."""
    return _render(reminder)


def _render(reminder: Reminder) -> tuple[str, str]:
    """Return the subject and body of a reminder in its language, from its kind's template.

    The template's first line is the email subject, the rest the body (also the SMS text).
    """
    language = reminder.language if reminder.language in LANGUAGES else LANGUAGES[0]
    installment = reminder.installment
    message = _Message(
        loan_number=str(reminder.loan_id),
        installment_number=installment.number,
        term=reminder.loan.term,
        due_date=date_format(installment.due_date, language=language),
        amount=amount_format(installment_amount_due(installment)),
        days_overdue=max(0, (reminder.business_date - pay_by_date_for(installment.due_date)).days),
    )
    context: dict[str, Any] = {"message": message}
    if reminder.kind == ReminderKind.PAYOUT_FAILED:
        context = _payout_failed_context(reminder, message, language)
    text = render_to_string(f"reminders/{reminder.kind.lower()}.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def _payout_failed_context(reminder: Reminder, message: _Message, language: str) -> dict[str, Any]:
    """The cancelled loan's notice: its principal, the date and the bank's reason code."""
    loan = reminder.loan
    event = loan.events.filter(event_type=LoanEventType.PAYOUT_FAILED).first()
    return {
        "message": replace(
            message,
            amount=amount_format(loan.principal_amount),
            due_date=date_format(reminder.business_date, language=language),
        ),
        "reason": event.data.get("reason", "") if event is not None else "",
    }


def amount_format(amount: Decimal) -> str:
    """Format yuan as ``¥1,234.50`` (amounts are already whole fen)."""
    return f"¥{amount:,.2f}"


def date_format(day: date, *, language: str) -> str:
    """Format a date as ``2027年1月1日`` in Chinese, ``1 January 2027`` in English."""
    if language == "en":
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"
