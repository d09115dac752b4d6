"""Sending queued borrower messages: one loop for loan reminders and bill reminders.

A queued message is a row with a channel (email or SMS), a status and the delivery fields
(attempts, send_after, sent_at, provider_message_id, last_error). ``messages_send_due`` takes the
next one that is due under ``SKIP LOCKED`` (workers share the queue), composes it or learns why it
must not go, hands it to the email or SMS backend, and marks it, each in its own transaction: a
crash re-sends at most the one message in flight, and no message is held locked while others are
sent. A backend error is retried later; the message is FAILED after
``LENDPORTAL_REMINDER_MAX_ATTEMPTS``. What is stored and logged names no person: a fixed
cancellation reason, or the error's class name (a provider's message may quote the address).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet

from accounts.models import Borrower
from accounts.selectors import borrower_mobile_decrypt
from loans.servicing.models import ReminderChannel, ReminderStatus
from loans.servicing.notifications import email_send, sms_send

DELIVERY_FIELDS = ["status", "attempts", "sent_at", "send_after", "provider_message_id"]
DELIVERY_FIELDS += ["last_error"]


@dataclass(frozen=True, slots=True)
class Draft:
    """A message ready to go (subject and body), or the reason it must not (``refusal``)."""

    refusal: str = ""
    subject: str = ""
    body: str = ""


@dataclass(frozen=True, slots=True)
class Outbox[M: Model]:
    """One kind of queued message: its due ones at a time (locked, ``SKIP LOCKED``), how each is
    composed, to whom it goes, and the logger its outcomes go to."""

    log: logging.Logger
    due: Callable[[datetime], QuerySet[Any]]
    compose: Callable[[M], Draft]
    borrower: Callable[[M], Borrower]


def has_address(borrower: Borrower, channel: str) -> bool:
    """Return whether the borrower can be reached on the channel."""
    if channel == ReminderChannel.EMAIL:
        return bool(borrower.email)
    return bool(borrower.mobile_ciphertext)


def reachable_channels(borrower: Borrower) -> list[str]:
    """The reminder channels the borrower can be reached on (a notice goes on each)."""
    return [channel for channel in ReminderChannel.values if has_address(borrower, channel)]


def no_address(channel: str) -> str:
    """The cancellation reason of a message to a channel the borrower no longer has."""
    return f"no {channel.lower()} address"


def messages_send_due[M: Model](outbox: Outbox[M], *, now: datetime, limit: int) -> int:
    """Send up to ``limit`` of the outbox's due messages; return how many were sent."""
    sent = 0
    for _ in range(limit):
        status = _send_next(outbox, now=now)
        if status is None:
            break
        sent += status == ReminderStatus.SENT
    return sent


@transaction.atomic
def _send_next[M: Model](outbox: Outbox[M], *, now: datetime) -> ReminderStatus | None:
    message: Any = outbox.due(now).first()
    if message is None:
        return None
    draft = outbox.compose(message)
    if draft.refusal:
        return _finish(outbox, message, ReminderStatus.CANCELLED, error=draft.refusal)
    try:
        message_id = _deliver(outbox.borrower(message), message.channel, draft)
    except Exception as error:  # noqa: BLE001 - any backend error is recorded and retried
        return _fail(outbox, message, now=now, error=error)
    message.attempts += 1
    message.sent_at = now
    message.provider_message_id = message_id[:100]
    return _finish(outbox, message, ReminderStatus.SENT)


def _deliver(borrower: Borrower, channel: str, draft: Draft) -> str:
    if channel == ReminderChannel.EMAIL:
        return email_send(to=borrower.email, subject=draft.subject, body=draft.body)
    # Stored encrypted (issue #16): decrypted only to hand to the SMS backend, never logged.
    mobile = borrower_mobile_decrypt(borrower=borrower)
    return sms_send(to=mobile, text=f"{settings.LENDPORTAL_SMS_SIGNATURE}{draft.body}")


def _fail[M: Model](
    outbox: Outbox[M], message: Any, *, now: datetime, error: Exception
) -> ReminderStatus:
    message.attempts += 1
    message.last_error = f"attempt {message.attempts}: {type(error).__name__}"[:200]
    if message.attempts >= settings.LENDPORTAL_REMINDER_MAX_ATTEMPTS:
        return _finish(outbox, message, ReminderStatus.FAILED, error=message.last_error)
    delay = settings.LENDPORTAL_REMINDER_RETRY_SECONDS * message.attempts
    message.send_after = now + timedelta(seconds=delay)
    return _finish(outbox, message, ReminderStatus.QUEUED, error=message.last_error)


def _finish[M: Model](
    outbox: Outbox[M], message: Any, status: ReminderStatus, *, error: str = ""
) -> ReminderStatus:
    # A message sent on a retry keeps the error of the attempt before, for the back office.
    message.status = status
    if error:
        message.last_error = error
    message.save(update_fields=DELIVERY_FIELDS)
    outbox.log.info(
        "reminder %s %s %s: %s", message.pk, message.kind, message.channel, status.value
    )
    return status
