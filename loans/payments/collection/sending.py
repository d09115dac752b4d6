"""Sending a chunk's due attempts (PRODUCT §11): lock, check, commit SENDING, charge, record.

Each attempt goes in its own short transaction: the attempt is locked (SKIP LOCKED: a
duplicate task passes over it) and then its loan; what is due is computed again, so a
borrower's own payment since planning lowers the amount or cancels the attempt; an attempt
whose binding is off, whose loan is closed or whose window has closed is cancelled (the last
with its replacement planned); one whose loan has another attempt in flight waits. Otherwise it
is committed SENDING with its amount and time, and only then charged, outside any transaction,
under the shared rate limit. The answer is recorded by ``attempt_outcome_record``. A worker that
dies between the commit and the answer leaves it SENDING: the query sweep asks the gateway by
its key, and nothing ever charges it again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.domain.auto_debit import window_closes_at
from loans.payments.collection.amounts import amount_collectable
from loans.payments.collection.bills import (
    BillTaken,
    bill_amount_collectable,
    bill_attempt_sending,
    bill_attempt_take,
)
from loans.payments.collection.followups import attempt_window_retry_plan
from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.collection.ratelimit import gateway_rate_wait
from loans.payments.collection.runs import collection_run_finish
from loans.payments.collection.timing import retry_schedule
from loans.payments.gateway import ChargeOutcome, ChargeResult, Gateway, gateway
from loans.payments.models import (
    AttemptCancelReason,
    AttemptStatus,
    CardBinding,
    CardBindingStatus,
    CollectionAttempt,
)
from loans.revolving.models import RevolvingAccountStatus
from loans.servicing.models import Loan, LoanStatus
from loans.servicing.services.locked_reads import installments_unpaid_read

logger = logging.getLogger(__name__)

ATTEMPT = CollectionAttempt._meta.db_table
BINDING = CardBinding._meta.db_table
LOAN = Loan._meta.db_table


@dataclass(frozen=True, slots=True)
class _Ready:
    key: str
    agreement_reference: str
    amount: Decimal


def collection_chunk_send(*, run_id: int, chunk: int, now: datetime | None = None) -> Counter[str]:
    """Send every due PLANNED attempt of a run's chunk; return the tally of what became of them.

    Due: scheduled at or before ``now`` (default: the clock, read for each attempt). Parts
    and retries that fall due while the chunk is sent are sent in the same call. Keys of the
    tally: succeeded, failed, pending, cancelled, waiting (another attempt of the loan in
    flight), skipped (taken by another process).
    """
    tried: set[int] = set()
    tally: Counter[str] = Counter()
    backend = gateway()
    while True:
        due = _due_ids(run_id, chunk, now or timezone.now(), tried)
        if not due:
            break
        tried.update(due)
        tally += _attempts_send(due, now, backend, settings.LENDPORTAL_AUTO_DEBIT_SENDERS)
    collection_run_finish(run_id=run_id, now=now or timezone.now())
    return tally


def _attempts_send(
    attempt_ids: list[int], now: datetime | None, backend: Gateway, senders: int
) -> Counter[str]:
    """Send ``attempt_ids`` on ``senders`` threads at once (1: here, one after the other).

    A send spends most of its time waiting (the gateway's answer, the commits' flush to disk),
    not computing: threads overlap the waits (issue #17's bench). Each thread has its own
    database connection, closed when it ends; the attempt's and the loan's row locks keep
    them apart exactly as they keep two workers apart. The first error stops nothing already
    sent and is raised here once every thread has ended (Celery then retries the chunk).
    """
    if senders <= 1 or len(attempt_ids) == 1:
        return Counter(
            attempt_send(attempt_id=attempt_id, now=now, backend=backend)
            for attempt_id in attempt_ids
        )
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for attempt_id in attempt_ids:
        work.put(attempt_id)
    results = [_SenderResult() for _ in range(min(senders, len(attempt_ids)))]
    threads = [threading.Thread(target=_sender, args=(work, now, backend, r)) for r in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [result.error for result in results if result.error is not None]
    if errors:
        raise errors[0]
    return sum((result.tally for result in results), Counter())


@dataclass(slots=True)
class _SenderResult:
    tally: Counter[str] = field(default_factory=Counter)
    error: BaseException | None = None


def _sender(
    work: queue.SimpleQueue[int], now: datetime | None, backend: Gateway, result: _SenderResult
) -> None:
    try:
        while True:
            try:
                attempt_id = work.get_nowait()
            except queue.Empty:
                return
            result.tally[attempt_send(attempt_id=attempt_id, now=now, backend=backend)] += 1
    except BaseException as error:  # noqa: BLE001 - raised again by the chunk's thread
        result.error = error
    finally:
        connection.close()


def _due_ids(run_id: int, chunk: int, now: datetime, tried: set[int]) -> list[int]:
    rows = CollectionAttempt.objects.filter(
        run_id=run_id, chunk=chunk, status=AttemptStatus.PLANNED, scheduled_at__lte=now
    ).order_by("scheduled_at", "id")
    return [pk for pk in rows.values_list("pk", flat=True) if pk not in tried]


def attempt_send(
    *, attempt_id: int, now: datetime | None = None, backend: Gateway | None = None
) -> str:
    """Send one PLANNED attempt if it may go (see the module); return what became of it."""
    prepared = _prepare(attempt_id, now or timezone.now())
    if isinstance(prepared, str):
        return prepared
    backend = backend or gateway()
    gateway_rate_wait(gateway_name=backend.name)
    try:
        result = backend.charge(
            key=prepared.key,
            agreement_reference=prepared.agreement_reference,
            amount=prepared.amount,
        )
    except Exception:  # the adapter promised not to raise: the outcome is unknown
        logger.warning("charge of attempt %s raised: outcome unknown", prepared.key, exc_info=True)
        result = ChargeResult(key=prepared.key, outcome=ChargeOutcome.PENDING)
    attempt = attempt_outcome_record(
        key=prepared.key,
        outcome=result.outcome,
        gateway_reference=result.gateway_reference,
        decided_by="answer",
        now=now,
        single_payment_limit=result.single_payment_limit,
    )
    return str(attempt.status).lower()


# One statement takes the attempt (SKIP LOCKED: a duplicate task passes over it), its binding
# and its loan (waiting for the loan's lock, taken second as everywhere), whether another
# attempt of the loan is in flight, and the open business date. Plain SQL: the ORM spent
# longer compiling the seven reads this replaces than PostgreSQL spent running them (#17).
_TAKE_SQL = f"""
SELECT a.key, a.loan_id, a.due_date, a.part, a.amount, a.scheduled_at, b.status,
       b.agreement_reference, l.status, l.advance_amount,
       EXISTS (SELECT FROM {ATTEMPT} f
               WHERE f.loan_id = a.loan_id AND f.status IN ('SENDING', 'PENDING')),
       (SELECT "current_date" FROM loans_businessdate WHERE id = 1)
FROM {ATTEMPT} a
JOIN {BINDING} b ON b.id = a.binding_id
JOIN {LOAN} l ON l.id = a.loan_id
WHERE a.id = %s AND a.status = 'PLANNED' AND a.scheduled_at <= %s
FOR UPDATE OF a SKIP LOCKED
FOR UPDATE OF l
"""  # noqa: S608 - the interpolated parts are table names

# Committed SENDING only if no other attempt of the loan is in flight, checked again here: the
# take's EXISTS saw the database as it was before it waited for the loan's lock, and a sibling
# (a part sent by another thread) may have gone SENDING meanwhile. Under the loan's lock no
# other can go in flight now.
_SENDING_SQL = f"""
UPDATE {ATTEMPT} a SET status = 'SENDING', amount = %(amount)s, sent_at = %(now)s
WHERE a.id = %(id)s AND NOT EXISTS (
    SELECT FROM {ATTEMPT} f WHERE f.loan_id = %(loan)s AND f.status IN ('SENDING', 'PENDING'))
"""  # noqa: S608 - the interpolated part is a table name


@dataclass(frozen=True, slots=True)
class _Taken:
    """The attempt as ``_TAKE_SQL`` reads it, under its lock and its loan's."""

    attempt_id: int
    key: str
    loan_id: int
    due_date: date
    part: bool
    amount: Decimal
    scheduled_at: datetime
    binding_status: str
    agreement_reference: str
    loan_status: str
    advance: Decimal
    other_in_flight: bool
    business_date: date


@transaction.atomic
def _prepare(attempt_id: int, now: datetime) -> _Ready | str:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [attempt_id, now])
        row = cursor.fetchone()
    if row is None:
        bill = bill_attempt_take(attempt_id=attempt_id, now=now)
        return "skipped" if bill is None else _prepare_bill(attempt_id, bill, now)
    taken = _Taken(attempt_id, *row)
    refusal = _refusal(
        taken.loan_status == LoanStatus.ACTIVE,
        AttemptCancelReason.LOAN_NOT_ACTIVE,
        taken.binding_status,
        taken.scheduled_at,
        now,
    )
    if refusal is not None:
        return _cancel(attempt_id, refusal, now)
    if taken.other_in_flight:
        return "waiting"  # one in flight per loan: this one stays PLANNED for a later pass
    as_of = taken.business_date
    amount = amount_collectable(
        rows=installments_unpaid_read(loan=Loan(pk=taken.loan_id)),
        advance=taken.advance,
        due_by=max(as_of, taken.due_date),
        as_of=as_of,
    )
    if taken.part:
        amount = min(amount, taken.amount)
    if amount <= 0:
        return _cancel(attempt_id, AttemptCancelReason.NOTHING_DUE, now)
    with connection.cursor() as cursor:
        cursor.execute(
            _SENDING_SQL, {"amount": amount, "now": now, "id": attempt_id, "loan": taken.loan_id}
        )
        if cursor.rowcount == 0:
            return "waiting"
    return _Ready(taken.key, taken.agreement_reference, amount)


def _prepare_bill(attempt_id: int, taken: BillTaken, now: datetime) -> _Ready | str:
    refusal = _refusal(
        taken.account_status == RevolvingAccountStatus.ACTIVE,
        AttemptCancelReason.ACCOUNT_CLOSED,
        taken.binding_status,
        taken.scheduled_at,
        now,
    )
    if refusal is not None:
        return _cancel(attempt_id, refusal, now)
    if taken.other_in_flight:
        return "waiting"  # one in flight per account
    amount = bill_amount_collectable(taken=taken)
    if amount <= 0:
        return _cancel(attempt_id, AttemptCancelReason.NOTHING_DUE, now)
    if not bill_attempt_sending(
        attempt_id=attempt_id, account_id=taken.account_id, amount=amount, now=now
    ):
        return "waiting"
    return _Ready(taken.key, taken.agreement_reference, amount)


def _refusal(
    active: bool,
    closed: AttemptCancelReason,
    binding_status: str,
    scheduled_at: datetime,
    now: datetime,
) -> AttemptCancelReason | None:
    """Why an attempt may not go: its loan or account (``active``, else ``closed``), its
    binding, its window."""
    if not active:
        return closed
    if binding_status != CardBindingStatus.ACTIVE:
        return AttemptCancelReason.AUTO_DEBIT_OFF
    if now >= window_closes_at(retry_schedule(), scheduled_at):
        return AttemptCancelReason.WINDOW_CLOSED
    return None


def _cancel(attempt_id: int, reason: AttemptCancelReason, now: datetime) -> str:
    """Cancel the attempt (rare: read through the ORM); the window's replacement if closed."""
    attempt = CollectionAttempt.objects.get(pk=attempt_id)
    attempt.status = AttemptStatus.CANCELLED
    attempt.cancel_reason = reason
    attempt.decided_at = now
    attempt.save(update_fields=["status", "cancel_reason", "decided_at"])
    if reason == AttemptCancelReason.WINDOW_CLOSED:
        attempt_window_retry_plan(attempt=attempt, now=now)
    logger.info("attempt %s not sent: %s", attempt.key, reason)
    return "cancelled"
