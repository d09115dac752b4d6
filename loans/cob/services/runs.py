"""Close of business (PRODUCT §4): plan a date's chunks, close each chunk once, close the date.

A run for business date D splits the active loans into chunks by id range. Each chunk runs
every step in one transaction under its row lock and is marked DONE in it, so a duplicate
delivery, a rerun or a crash halfway changes nothing that was done and finishes what was not.
The date closes, and the business date moves to D + 1, only when every chunk is done; missed
dates are closed one at a time, in order.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.models import BusinessDate
from loans.cob.models import CobChunk, CobChunkStatus, CobRun, CobRunStatus
from loans.cob.services import steps as cob_steps
from loans.cob.services.steps import ChunkScope
from loans.errors import LendingError
from loans.metrics import cob_chunk_observe
from loans.reporting.services.classification import month_end_close
from loans.reporting.services.portfolio_days import portfolio_days_refresh_since
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.reminders import bill_reminders_queue
from loans.servicing.services.collections_desk import promises_resolve

logger = logging.getLogger(__name__)

# The chunk's installments are read once (``installments``); the loans' night (days past due,
# receivables, write-off flags, closing, frozen lines) is one statement (``delinquency``); the
# penalty and the accrual are posted together (``accrual``). See docs/cob.md.
STEPS: tuple[tuple[str, Callable[[ChunkScope], Any]], ...] = (
    ("installments", cob_steps.installments_read),
    ("fees", cob_steps.fees_charge),
    ("advances", cob_steps.advances_apply),
    ("delinquency", cob_steps.delinquency_update),
    ("accrual", cob_steps.receivables_post),
    ("reminders", cob_steps.reminders_queue_for),
    ("outbox", cob_steps.outbox_events_copy),
)


class BusinessDateNotOpen(LendingError):
    code = "business_date_not_open"


class CobIncomplete(LendingError):
    code = "cob_incomplete"


@transaction.atomic
def cob_run_open(*, business_date: date, chunk_size: int | None = None) -> CobRun:
    """Start (or resume) close of business for the open business date.

    Raises BusinessDateNotOpen for any other date: dates close one at a time, in order.
    """
    row = BusinessDate.objects.select_for_update().get(id=1)
    existing = CobRun.objects.filter(business_date=business_date).first()
    if existing is not None:
        return existing
    if row.current_date != business_date:
        raise BusinessDateNotOpen(
            f"The open business date is {row.current_date}; {business_date} cannot be closed now."
        )
    chunk_size = chunk_size or settings.LENDPORTAL_COB_CHUNK_SIZE
    run = CobRun.objects.create(
        business_date=business_date, status=CobRunStatus.RUNNING, chunk_size=chunk_size
    )
    ranges = _chunk_ranges(chunk_size)
    CobChunk.objects.bulk_create(
        CobChunk(run=run, number=n, first_loan_id=lo, last_loan_id=hi)
        for n, (lo, hi) in enumerate(ranges, start=1)
    )
    run.chunk_count = len(ranges)
    run.save(update_fields=["chunk_count"])
    logger.info("COB %s planned: %s chunks", business_date, len(ranges))
    return run


def _chunk_ranges(chunk_size: int) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT min(id), max(id) FROM (
                SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS chunk
                FROM loans_loan WHERE status = 'ACTIVE'
            ) t GROUP BY chunk ORDER BY chunk
            """,
            [chunk_size],
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


@transaction.atomic
def cob_chunk_process(*, chunk_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Close one chunk for its date: every step, once. Returns the chunk's stats.

    ``now`` (default: the clock, read here at the edge) is when reminders may first be sent.
    """
    # Lock the chunk's row only (of "self"): locking the run's row too would make the chunks
    # of a date wait for one another. A copy of the task that finds the row locked is a
    # duplicate delivery while the first copy runs; if that copy's process dies, its own
    # message is delivered again (acks_late), so this one has nothing to do.
    chunk = (
        CobChunk.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("run")
        .filter(pk=chunk_id)
        .first()
    )
    if chunk is None:
        if not CobChunk.objects.filter(pk=chunk_id).exists():
            raise CobChunk.DoesNotExist(f"COB chunk {chunk_id} does not exist.")
        return {"running_elsewhere": True}
    if chunk.status == CobChunkStatus.DONE:
        return dict(chunk.stats)
    scope = ChunkScope(
        chunk.first_loan_id, chunk.last_loan_id, chunk.run.business_date, now or timezone.now()
    )
    cob_steps.chunk_session_tune()
    chunk_started = time.perf_counter()
    stats: dict[str, Any] = {
        "loans": 0,  # set by the delinquency step, which reads every active loan of the chunk
        "ms": {},
        # Who ran the chunk and when it began: shows chunks running in parallel (make bench).
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "started_at": timezone.now().isoformat(),
    }
    for name, step in STEPS:
        started = time.perf_counter()
        result = step(scope)
        stats["ms"][name] = round((time.perf_counter() - started) * 1000)
        stats.update(result if isinstance(result, dict) else {name: _json(result)})
    started = time.perf_counter()
    cob_steps.deferred_checks_run()
    stats["ms"]["checks"] = round((time.perf_counter() - started) * 1000)
    chunk.status = CobChunkStatus.DONE
    chunk.finished_at = timezone.now()
    chunk.stats = stats
    chunk.save(update_fields=["status", "finished_at", "stats"])
    cob_chunk_observe(
        seconds=time.perf_counter() - chunk_started, step_ms=stats["ms"], rows=_step_rows(stats)
    )
    return stats


def _step_rows(stats: dict[str, Any]) -> dict[str, int]:
    """The row counts among a chunk's stats (the money steps report amounts, not rows)."""
    return {
        name: value
        for name, value in stats.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def cob_run_finish(*, run_id: int) -> tuple[CobRun, bool]:
    """Close the date when every chunk is done: summary, then the business date moves on.

    Returns the run and whether this call closed it. Raises CobIncomplete while a chunk is
    pending. Finishing twice changes nothing.
    """
    run = CobRun.objects.select_for_update().get(pk=run_id)
    if run.status == CobRunStatus.DONE:
        return run, False
    if run.chunks.exclude(status=CobChunkStatus.DONE).exists():
        raise CobIncomplete(f"COB {run.business_date}: chunks are still running.")
    run.summary = _summary(run)
    # Revolving accounts (PRODUCT §10), once its loans are closed: the date's bills, then its
    # interest, penalty and days past due (loans.revolving.services.close).
    run.summary.update(revolving_day_close(business_date=run.business_date))
    run.summary["revolving_bill_reminders"] = bill_reminders_queue(
        business_date=run.business_date, now=timezone.now()
    )
    run.status = CobRunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "status", "finished_at"])
    # A month's last day: classes and provisions as of this night (PRODUCT §13), before the
    # business date moves; any other day does nothing (docs/reporting.md).
    month_end_close(business_date=run.business_date)
    BusinessDate.objects.filter(id=1, current_date=run.business_date).update(
        current_date=run.business_date + timedelta(days=1)
    )
    # The back office's day (#6): the dashboard's summary rows (the date's, and those of earlier
    # dates that entries posted since the previous close reached back to), and promises due.
    previous = (
        CobRun.objects.filter(status=CobRunStatus.DONE, business_date__lt=run.business_date)
        .order_by("-business_date")
        .values_list("started_at", flat=True)
        .first()
    )
    portfolio_days_refresh_since(since=previous, through=run.business_date)
    promises_resolve(as_of=run.business_date + timedelta(days=1))
    logger.info("COB %s closed", run.business_date)
    return run, True


_CHUNK_ONLY = frozenset({"worker", "started_at"})


def _summary(run: CobRun) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    amounts: dict[str, Decimal] = {}
    ms: Counter[str] = Counter()
    for stats in run.chunks.values_list("stats", flat=True):
        for key, value in stats.items():
            if key == "ms":
                ms.update(value)
            elif key in _CHUNK_ONLY:
                continue
            elif isinstance(value, str):
                amounts[key] = amounts.get(key, Decimal("0")) + Decimal(value)
            else:
                totals[key] += value
    return {**totals, **{k: str(v) for k, v in amounts.items()}, "ms": dict(ms)}


def cob_run_pending_chunks(*, run: CobRun) -> list[int]:
    return list(
        run.chunks.exclude(status=CobChunkStatus.DONE)
        .order_by("number")
        .values_list("id", flat=True)
    )


def business_date_open() -> date:
    return BusinessDate.objects.get(id=1).current_date


def cob_run_date(*, run_id: int) -> date:
    """The business date a run closes (its chunks' log lines name it)."""
    return CobRun.objects.values_list("business_date", flat=True).get(pk=run_id)
