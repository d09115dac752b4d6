"""Unknown outcomes asked about, never charged again; and a run's progress (PRODUCT §11).

``collection_attempts_query`` takes the attempts in PENDING, and those still SENDING (a worker
died between the commit and the gateway's answer), sent or last asked at least
``older_than_seconds`` ago, claims them (``queried_at``, ``query_count``) under SKIP LOCKED so
two sweeps do not ask twice, then asks the gateway ``charge_query(key=)`` outside any
transaction and records what it says (``decided_by="query"``). An answer still PENDING leaves
the attempt PENDING for the next sweep. NOT_FOUND (the gateway never received the key: a worker
died between recording SENDING and calling) decides the attempt only once it was sent
``LENDPORTAL_AUTO_DEBIT_NOT_FOUND_AFTER_SECONDS`` ago, so a request still on its way is not
taken for lost: it then fails, no money having moved, and the series' next retry is planned.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q

from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.gateway import ChargeOutcome, gateway
from loans.payments.models import IN_FLIGHT, AttemptStatus, CollectionAttempt, CollectionRun

logger = logging.getLogger(__name__)


def collection_attempts_query(
    *, now: datetime, older_than_seconds: int, limit: int = 500
) -> Counter[str]:
    """Ask the gateway about attempts whose outcome is unknown; return the tally of statuses."""
    claimed = _claim(now, older_than_seconds, limit)
    tally: Counter[str] = Counter()
    backend = gateway()
    lost_after = timedelta(seconds=settings.LENDPORTAL_AUTO_DEBIT_NOT_FOUND_AFTER_SECONDS)
    for key, sent_at in claimed:
        try:
            result = backend.charge_query(key=key)
        except Exception:  # asked again at the next sweep
            logger.warning("charge query of attempt %s failed", key, exc_info=True)
            tally["error"] += 1
            continue
        outcome = result.outcome
        if outcome == ChargeOutcome.NOT_FOUND and now - sent_at < lost_after:
            outcome = ChargeOutcome.PENDING  # perhaps still on its way to the gateway
        attempt = attempt_outcome_record(
            key=key,
            outcome=outcome,
            gateway_reference=result.gateway_reference,
            decided_by="query",
            now=now,
            single_payment_limit=result.single_payment_limit,
        )
        tally[str(attempt.status).lower()] += 1
    return tally


@transaction.atomic
def _claim(now: datetime, older_than_seconds: int, limit: int) -> list[tuple[str, datetime]]:
    before = now - timedelta(seconds=older_than_seconds)
    last_asked = Q(queried_at__isnull=True) | Q(queried_at__lte=before)
    rows = list(
        CollectionAttempt.objects.select_for_update(skip_locked=True)
        .filter(status__in=IN_FLIGHT, sent_at__lte=before)
        .filter(last_asked)
        .order_by("sent_at")
        .values_list("pk", "key", "sent_at")[:limit]
    )
    CollectionAttempt.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
        queried_at=now, query_count=F("query_count") + 1
    )
    return [(key, sent_at) for _, key, sent_at in rows if sent_at is not None]  # filtered on it


def collection_run_progress(*, run: CollectionRun) -> dict[int, Counter[str]]:
    """Return, per chunk of the run, how many attempts are in each status."""
    rows = (
        CollectionAttempt.objects.filter(run=run)
        .values_list("chunk", "status")
        .annotate(n=Count("pk"))
        .order_by("chunk")
    )
    progress: dict[int, Counter[str]] = {}
    for chunk, status, n in rows:
        progress.setdefault(chunk, Counter())[str(status).lower()] = n
    return progress


def attempt_statuses() -> list[str]:
    """Return the attempt statuses in their order of life, lower case (the command's columns)."""
    return [str(status).lower() for status in AttemptStatus.values]
