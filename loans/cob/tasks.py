"""Celery tasks of close of business: thin, keyword-only, ids and dates in, one service call
(STYLE.md "Celery").

Their work is keyed in PostgreSQL (chunk rows, entry keys), so a duplicate delivery or a rerun
after a lost worker changes nothing; acks_late, reject-on-worker-lost and the time limits are set
globally in lendportal/settings/base.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from loans.cob.services.dispatch import cob_chunks_resend_claim, cob_run_chunks_dispatch
from loans.cob.services.runs import (
    CobIncomplete,
    business_date_open,
    cob_run_date,
    cob_run_finish,
    cob_run_open,
    cob_run_pending_chunks,
)
from loans.cob.services.runs import (
    cob_chunk_process as cob_chunk_process_service,
)
from loans.logs import log_context
from loans.reporting.tasks import roll_rates_refresh
from loans.tasks import TRANSIENT

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def business_day_close() -> dict[str, Any]:
    """Close the open business date if it has ended (Beijing time), fanning out its chunks.

    Run by beat after midnight and every few minutes until morning: it resumes a run whose
    chunks were lost, and after a date closes it starts the next missed one.
    """
    day = business_date_open()
    if day >= timezone.localdate():
        return {"closed": None, "reason": f"{day} has not ended"}
    run = cob_run_open(business_date=day)
    if not cob_run_pending_chunks(run=run):
        _finish(run.pk)
        return {"closed": day.isoformat(), "chunks": 0}
    # Every pending chunk no process is running: on a resume, those whose tasks were lost too.
    chunk_ids = cob_run_chunks_dispatch(run=run, now=timezone.now())
    for chunk_id in chunk_ids:
        cob_chunk_process.delay(chunk_id=chunk_id, run_id=run.pk)
    return {"business_date": day.isoformat(), "dispatched": len(chunk_ids)}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def cob_chunks_resend() -> dict[str, Any]:
    """Send again the chunks whose task was lost with a worker killed whole (beat, every minute).

    A pending chunk of an open run, sent LENDPORTAL_COB_RESEND_AFTER_SECONDS ago and run by no
    process (loans/cob/services/dispatch.py).
    """
    after = timedelta(seconds=settings.LENDPORTAL_COB_RESEND_AFTER_SECONDS)
    chunks = cob_chunks_resend_claim(now=timezone.now(), after=after)
    for chunk in chunks:
        cob_chunk_process.delay(chunk_id=chunk.chunk_id, run_id=chunk.run_id)
    return {"resent": [chunk.chunk_id for chunk in chunks]}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def cob_chunk_process(*, chunk_id: int, run_id: int) -> dict[str, Any]:
    """Close one chunk; the last chunk to finish closes the date and starts the next one.

    Every log line written meanwhile names the date and the chunk (``cob_date``, ``cob_chunk``).
    """
    with log_context(cob_date=cob_run_date(run_id=run_id).isoformat(), cob_chunk=chunk_id):
        stats = cob_chunk_process_service(chunk_id=chunk_id)
        if stats.get("running_elsewhere"):
            logger.info("COB chunk %s is running in another process", chunk_id)
            return stats
        logger.info("COB chunk %s done: %s loans", chunk_id, stats.get("loans"))
        _finish(run_id)
    return stats


def _finish(run_id: int) -> None:
    try:
        run, closed_now = cob_run_finish(run_id=run_id)
    except CobIncomplete:
        return
    # Only the call that closed the date starts the next one: a duplicate delivery of a chunk
    # of a closed date must not dispatch the next date's chunks again.
    if not closed_now:
        return
    roll_rates_refresh.delay(as_of=run.business_date.isoformat())  # the dashboard's, off COB's time
    if run.business_date + timedelta(days=1) < timezone.localdate():
        business_day_close.delay()  # catch up the next missed date, one at a time
