"""Which chunks have attempts to send now: the beat task's and the command's read (§11).

``collection_run_dispatch`` finds the (run, chunk) pairs with PLANNED attempts due by ``now``
in the runs of the business date and before (a retry at 12:00 or 18:00, the next day's 08:00,
an attempt left over when a window closed), marks their runs SENDING and returns them; the
caller sends one task per pair (``loans.payments.tasks.collection_chunk_send``). Sending a
chunk twice is harmless: each attempt is taken under SKIP LOCKED and only while PLANNED. Runs
left with nothing planned or in flight are marked DONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from loans.payments.collection.planning import collection_plan
from loans.payments.collection.runs import collection_run_finish
from loans.payments.models import (
    AttemptStatus,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)


@dataclass(frozen=True, slots=True)
class ChunkDue:
    run_id: int
    business_date: date
    chunk: int


def collection_day_start(*, business_date: date, now: datetime) -> list[ChunkDue]:
    """Plan the date's run if it is not planned yet, then return the chunks due now (beat)."""
    planned = CollectionRun.objects.filter(
        business_date=business_date, planned_at__isnull=False
    ).exists()
    if not planned:
        collection_plan(business_date=business_date, now=now)
    return collection_run_dispatch(business_date=business_date, now=now)


@transaction.atomic
def collection_run_dispatch(*, business_date: date, now: datetime) -> list[ChunkDue]:
    """Return the chunks with attempts due by ``now`` in runs up to ``business_date``."""
    rows = (
        CollectionAttempt.objects.filter(
            status=AttemptStatus.PLANNED,
            scheduled_at__lte=now,
            run__business_date__lte=business_date,
        )
        .values_list("run_id", "run__business_date", "chunk")
        .distinct()
        .order_by("run__business_date", "chunk")
    )
    due = [ChunkDue(run_id, day, chunk) for run_id, day, chunk in rows]
    CollectionRun.objects.filter(
        pk__in={c.run_id for c in due}, status=CollectionRunStatus.PLANNED
    ).update(status=CollectionRunStatus.SENDING)
    _finish_idle_runs(business_date, now, busy={c.run_id for c in due})
    return due


def _finish_idle_runs(business_date: date, now: datetime, busy: set[int]) -> None:
    open_runs = (
        CollectionRun.objects.filter(business_date__lte=business_date, planned_at__isnull=False)
        .exclude(status=CollectionRunStatus.DONE)
        .exclude(pk__in=busy)
        .values_list("pk", flat=True)
    )
    for run_id in open_runs:
        collection_run_finish(run_id=run_id, now=now)
