"""Sending close-of-business chunks to the workers, and sending again those lost (issue #16).

A worker killed whole (its main process and its pool: a lost machine, an OOM kill) takes the
chunk task it held with it: the message stays unacknowledged in Redis until the visibility
timeout, an hour, and nothing re-delivers it before. So each chunk records when a task was last
sent for it (``dispatched_at``) and how many were (``dispatch_count``), and beat's
``cob_chunks_resend`` (every minute) and the waiting ``close_business_day`` command send a task
again for a pending chunk of an open run last sent ``LENDPORTAL_COB_RESEND_AFTER_SECONDS`` ago
(5 minutes by default) that no process is running.

Whether a process is running a chunk is read from the chunk's row lock: ``cob_chunk_process``
holds it for the whole chunk, in the chunk's one transaction, and PostgreSQL drops it when that
process or its connection dies. The lock is the chunk's lease, kept by a live connection and by
nothing else; these queries pass over locked rows (``SKIP LOCKED``). Sending again is safe: a
chunk's work is done once (it is marked DONE in the same transaction), and a second task finds
it DONE, or locked, and returns.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Q, QuerySet

from loans.cob.models import CobChunk, CobChunkStatus, CobRun, CobRunStatus

logger = logging.getLogger(__name__)


class ChunkToSend(NamedTuple):
    chunk_id: int
    run_id: int
    number: int


def _not_running(chunks: QuerySet[CobChunk]) -> QuerySet[CobChunk]:
    """The pending chunks among ``chunks`` whose row no transaction holds, locked for this one."""
    return chunks.filter(status=CobChunkStatus.PENDING).select_for_update(
        skip_locked=True, of=("self",)
    )


def _mark_sent(chunk_ids: list[int], now: datetime) -> None:
    CobChunk.objects.filter(id__in=chunk_ids).update(
        dispatched_at=now, dispatch_count=F("dispatch_count") + 1
    )


@transaction.atomic
def cob_run_chunks_dispatch(*, run: CobRun, now: datetime) -> list[int]:
    """Mark each pending chunk of ``run`` that no process is running as sent at ``now``.

    Returns their ids in chunk order; the caller sends one task for each after this commits
    (a chunk marked sent whose task never left is sent again by ``cob_chunks_resend_claim``).
    """
    chunk_ids = list(
        _not_running(CobChunk.objects.filter(run=run))
        .order_by("number")
        .values_list("id", flat=True)
    )
    _mark_sent(chunk_ids, now)
    return chunk_ids


@transaction.atomic
def cob_chunks_resend_claim(
    *, now: datetime, after: timedelta, run: CobRun | None = None
) -> list[ChunkToSend]:
    """Claim the chunks to send again: pending, of an open run, last sent ``after`` ago or more
    (never sent: the run opened that long ago), and run by no process. Marks them sent at ``now``.

    ``run`` limits the claim to one run (the waiting command's). The caller sends one task for
    each after this commits.
    """
    cutoff = now - after
    chunks = _not_running(CobChunk.objects.filter(run__status=CobRunStatus.RUNNING)).filter(
        Q(dispatched_at__lte=cutoff) | Q(dispatched_at__isnull=True, run__started_at__lte=cutoff)
    )
    if run is not None:
        chunks = chunks.filter(run=run)
    claimed = [
        ChunkToSend(*row)
        for row in chunks.order_by("run_id", "number").values_list("id", "run_id", "number")
    ]
    _mark_sent([chunk.chunk_id for chunk in claimed], now)
    for chunk in claimed:
        logger.warning(
            "COB chunk %s sent again: not done %s after it was sent", chunk.chunk_id, after
        )
    return claimed
