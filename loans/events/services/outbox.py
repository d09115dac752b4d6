"""The outbox of partner events (PRODUCT §7): written in the transaction of the change.

Each event gets one delivery per matching active webhook subscription of its partner, in the
same transaction; loans.events.services.webhooks sends them after commit (the task
EventsConfig.ready registers with ``outbox_sender_register``). Events are written while the
loan's row is locked, so a loan's events are numbered in the order they commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.events.models import WebhookEventType
from loans.logs import request_id_current

# Close-of-business events partners hear of (the write-off candidate flag is internal).
COB_EVENT_TYPES = (
    WebhookEventType.INSTALLMENT_OVERDUE,
    WebhookEventType.LOAN_BUCKET_CHANGED,
    WebhookEventType.LOAN_PAID_OFF,
)


# The deliveries of the events in ``new`` (id, partner_id, loan_id, event_type): one per
# matching active subscription of the event's partner.
_DELIVERIES_INSERT = """
    INSERT INTO loans_webhookdelivery
        (event_id, subscription_id, loan_id, status, attempt_count, next_attempt_at,
         deadline_at, last_error, created_at)
    SELECT new.id, s.id, new.loan_id, 'PENDING', 0, now(), %(deadline)s, '', now()
    FROM new JOIN loans_webhooksubscription s
         ON s.partner_id = new.partner_id AND s.is_active
        AND (s.event_types = '[]'::jsonb OR s.event_types ? new.event_type)
"""


_EVENT_INSERT = (
    """
    WITH new AS (
        INSERT INTO loans_outboxevent (partner_id, loan_id, event_type, data, request_id)
        VALUES (%(partner)s, %(loan)s, %(type)s, %(data)s::jsonb, %(request_id)s)
        RETURNING id, partner_id, loan_id, event_type
    )
    """  # noqa: S608 - constant SQL; the values are parameters
    + _DELIVERIES_INSERT
)
# The chunk's close-of-business events of partners' loans, each copied once.
_COB_EVENTS_INSERT = (
    """
    WITH new AS (
        INSERT INTO loans_outboxevent
            (partner_id, loan_id, event_type, data, source_event_id)
        SELECT l.partner_id, e.loan_id, e.event_type,
               jsonb_build_object('loan', e.loan_id, 'business_date', e.business_date)
               || CASE WHEN e.installment_number > 0
                       THEN jsonb_build_object('installment', e.installment_number)
                       ELSE '{}'::jsonb END
               || e.data,
               e.id
        FROM loans_loanevent e JOIN loans_loan l ON l.id = e.loan_id
        WHERE e.business_date = %(day)s AND e.loan_id BETWEEN %(first)s AND %(last)s
          AND l.partner_id IS NOT NULL AND e.event_type = ANY(%(types)s)
        ORDER BY e.id
        ON CONFLICT (source_event_id) DO NOTHING
        RETURNING id, partner_id, loan_id, event_type
    )
    """  # noqa: S608 - constant SQL; the values are parameters
    + _DELIVERIES_INSERT
)


def outbox_event_write(
    *,
    partner_id: int | None,
    event_type: WebhookEventType,
    data: dict[str, Any],
    loan_id: int | None = None,
) -> None:
    """Record an event for the partner and queue its deliveries; nothing without a partner.

    One statement writes the event and its deliveries (it runs in every repayment).
    """
    if partner_id is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _EVENT_INSERT,
            {
                "partner": partner_id,
                "loan": loan_id,
                "type": str(event_type),
                "data": json.dumps(data),
                "request_id": request_id_current(),  # sent with the webhook (#21)
                "deadline": _deadline(),
            },
        )
    _send_after_commit()


def outbox_from_loan_events(*, first_loan_id: int, last_loan_id: int, business_date: Any) -> int:
    """Copy a chunk's close-of-business events of partners' loans to the outbox (set-based).

    Runs in the chunk's transaction; a rerun copies nothing twice (one row per loan event).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _COB_EVENTS_INSERT,
            {
                "day": business_date,
                "first": first_loan_id,
                "last": last_loan_id,
                "types": [str(t) for t in COB_EVENT_TYPES],
                "deadline": _deadline(),
            },
        )
        count = int(cursor.rowcount)
    if count:
        _send_after_commit()
    return count


def outbox_events_insert_select(*, select_sql: str, params: dict[str, Any]) -> None:
    """Record the events a SELECT returns, set-based, with their deliveries, in one statement.

    ``select_sql`` returns (partner_id, event_type, data jsonb), one row per event; rows
    without a partner are skipped. Close of business's revolving events use it (issue #18); the
    caller makes sure a rerun selects nothing twice.
    """
    sql = (
        f"""
        WITH new AS (
            INSERT INTO loans_outboxevent (partner_id, loan_id, event_type, data)
            SELECT e.partner_id, NULL, e.event_type, e.data
            FROM ({select_sql}) AS e(partner_id, event_type, data)
            WHERE e.partner_id IS NOT NULL
            RETURNING id, partner_id, loan_id, event_type
        )
        """  # noqa: S608 - the caller's constant SQL; the values are parameters
        + _DELIVERIES_INSERT
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "deadline": _deadline()})
    _send_after_commit()


def _deadline() -> Any:
    return timezone.now() + timedelta(hours=settings.LENDPORTAL_WEBHOOK_RETRY_HOURS)


# One sequencer at a time: numbers are handed out in the order rows became visible.
_SEQUENCE_LOCK = 0x0B7B0C5E


@transaction.atomic
def outbox_events_sequence(*, limit: int = 10_000) -> int:
    """Number the committed events not numbered yet, in id order, after the highest number.

    Serialised by an advisory lock; each run sees only committed rows, so an event that commits
    after a run gets a higher number than every event that run numbered. Returns the count.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEQUENCE_LOCK])
        cursor.execute(
            """
            WITH base AS (SELECT coalesce(max(sequence), 0) AS top FROM loans_outboxevent),
            todo AS (
                SELECT id, row_number() OVER (ORDER BY id) AS n
                FROM loans_outboxevent WHERE sequence IS NULL ORDER BY id LIMIT %(limit)s
            )
            UPDATE loans_outboxevent o SET sequence = base.top + todo.n
            FROM todo, base WHERE o.id = todo.id
            """,
            {"limit": limit},
        )
        return int(cursor.rowcount)


# What runs after a commit that wrote events: the webhook sender's task, registered by
# EventsConfig.ready (the outbox does not import the tasks that import it).
_senders: list[Callable[[], object]] = []


def outbox_sender_register(sender: Callable[[], object]) -> None:
    """Run ``sender`` after every commit that wrote events (once, however often registered)."""
    if sender not in _senders:
        _senders.append(sender)


def _send_after_commit() -> None:
    if settings.LENDPORTAL_WEBHOOK_SEND_ON_COMMIT:
        transaction.on_commit(_queue_sender, robust=True)


def _queue_sender() -> None:
    for sender in _senders:
        sender()
