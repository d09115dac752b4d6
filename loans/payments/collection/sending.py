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
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.domain.auto_debit import window_closes_at
from loans.payments.collection.amounts import loan_amount_collectable
from loans.payments.collection.followups import attempt_window_retry_plan
from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.collection.ratelimit import gateway_rate_wait
from loans.payments.collection.runs import collection_run_finish
from loans.payments.collection.timing import retry_schedule
from loans.payments.gateway import ChargeOutcome, ChargeResult, Gateway, gateway
from loans.payments.models import (
    IN_FLIGHT,
    AttemptCancelReason,
    AttemptStatus,
    CardBindingStatus,
    CollectionAttempt,
)
from loans.servicing.models import Loan, LoanStatus

logger = logging.getLogger(__name__)


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


@transaction.atomic
def _prepare(attempt_id: int, now: datetime) -> _Ready | str:
    attempt = (
        CollectionAttempt.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("binding")
        .filter(pk=attempt_id, status=AttemptStatus.PLANNED, scheduled_at__lte=now)
        .first()
    )
    if attempt is None:
        return "skipped"
    loan = Loan.objects.select_for_update().get(pk=attempt.loan_id)
    refusal = _refusal(attempt, loan, now)
    if refusal is not None:
        return _cancel(attempt, refusal, now)
    if CollectionAttempt.objects.filter(loan_id=loan.pk, status__in=IN_FLIGHT).exists():
        return "waiting"  # one in flight per loan: this one stays PLANNED for a later pass
    as_of = business_date_current()
    amount = loan_amount_collectable(loan=loan, due_by=max(as_of, attempt.due_date), as_of=as_of)
    if attempt.part:
        amount = min(amount, attempt.amount)
    if amount <= 0:
        return _cancel(attempt, AttemptCancelReason.NOTHING_DUE, now)
    attempt.status = AttemptStatus.SENDING
    attempt.amount = amount
    attempt.sent_at = now
    attempt.save(update_fields=["status", "amount", "sent_at"])
    return _Ready(attempt.key, attempt.binding.agreement_reference, amount)


def _refusal(attempt: CollectionAttempt, loan: Loan, now: datetime) -> AttemptCancelReason | None:
    if loan.status != LoanStatus.ACTIVE:
        return AttemptCancelReason.LOAN_NOT_ACTIVE
    if attempt.binding.status != CardBindingStatus.ACTIVE:
        return AttemptCancelReason.AUTO_DEBIT_OFF
    if now >= window_closes_at(retry_schedule(), attempt.scheduled_at):
        return AttemptCancelReason.WINDOW_CLOSED
    return None


def _cancel(attempt: CollectionAttempt, reason: AttemptCancelReason, now: datetime) -> str:
    attempt.status = AttemptStatus.CANCELLED
    attempt.cancel_reason = reason
    attempt.decided_at = now
    attempt.save(update_fields=["status", "cancel_reason", "decided_at"])
    if reason == AttemptCancelReason.WINDOW_CLOSED:
        attempt_window_retry_plan(attempt=attempt, now=now)
    logger.info("attempt %s not sent: %s", attempt.key, reason)
    return "cancelled"
