"""Collection runs: one per business date, created by planning or by a retry landing on it."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from loans.payments.models import (
    IN_FLIGHT,
    AttemptStatus,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)

logger = logging.getLogger(__name__)

OPEN_STATUSES = (AttemptStatus.PLANNED, *IN_FLIGHT)


def collection_run_for_date(*, business_date: date) -> CollectionRun:
    """Return the run of a date, creating it (not yet planned) if none exists.

    The row is unique per date: a concurrent creator loses the insert and reads the winner's.
    """
    run, _ = CollectionRun.objects.get_or_create(business_date=business_date)
    return run


def collection_run_reopen(*, run: CollectionRun) -> None:
    """Mark a DONE run SENDING again: new attempts landed on it (a retry, a part, a late card)."""
    if run.status == CollectionRunStatus.DONE:
        CollectionRun.objects.filter(pk=run.pk).update(
            status=CollectionRunStatus.SENDING, finished_at=None
        )
        run.refresh_from_db()


@transaction.atomic
def collection_run_finish(*, run_id: int, now: datetime) -> bool:
    """Mark the run DONE when it is planned and nothing of it is planned or in flight.

    Returns whether the run is DONE now. Under the run's row lock: two finishers agree.
    """
    run = CollectionRun.objects.select_for_update().get(pk=run_id)
    if run.status == CollectionRunStatus.DONE:
        return True
    if run.planned_at is None:
        return False
    busy = CollectionAttempt.objects.filter(Q(run_id=run_id), Q(status__in=OPEN_STATUSES))
    if busy.exists():
        return False
    run.status = CollectionRunStatus.DONE
    run.finished_at = now
    run.save(update_fields=["status", "finished_at"])
    logger.info("collection run %s (%s) done", run.pk, run.business_date)
    return True
