"""What follows an attempt that did not collect: the next retry, or parts under a bank's limit.

Each follow-up is a new PLANNED attempt of the same series (loan and due date) with the next
free ``sequence`` and its own key, ``parent`` the attempt it follows, in the run of the Beijing
date it is scheduled on (created if needed). The caller holds the loan's lock, so the sequence
numbers of a series never collide (or the revolving account's, for a bill's series).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Q

from loans.domain.auto_debit import (
    half_limit,
    next_attempt_at,
    next_open_attempt_at,
    split_capped,
)
from loans.payments.collection.runs import collection_run_for_date, collection_run_reopen
from loans.payments.collection.timing import attempt_key, beijing_date, retry_schedule
from loans.payments.models import CollectionAttempt

logger = logging.getLogger(__name__)

FEN = Decimal("0.01")


def attempt_retry_plan(*, attempt: CollectionAttempt, now: datetime) -> CollectionAttempt | None:
    """Plan the next retry of a series after INSUFFICIENT_FUNDS; None when the series is over.

    The next time of the retry schedule after both the attempt's own time and ``now``.
    """
    after = max(attempt.scheduled_at, now)
    at = next_attempt_at(retry_schedule(), attempt.due_date, after)
    if at is None:
        logger.info("auto-debit series of attempt %s ends: no retry left", attempt.key)
        return None
    return _followups_create(attempt, [(attempt.amount, attempt.part)], at)[0]


def attempt_window_retry_plan(
    *, attempt: CollectionAttempt, now: datetime
) -> CollectionAttempt | None:
    """Plan the replacement of an attempt whose window closed before it was sent."""
    at = next_open_attempt_at(
        retry_schedule(), attempt.due_date, after=attempt.scheduled_at, now=now
    )
    if at is None:
        return None
    return _followups_create(attempt, [(attempt.amount, attempt.part)], at)[0]


def attempt_parts_plan(
    *, attempt: CollectionAttempt, limit: Decimal | None, now: datetime
) -> list[CollectionAttempt]:
    """Split a LIMIT_EXCEEDED attempt into PLANNED parts under the limit, due at once.

    Without a limit from the gateway, the amount is halved. An amount of one fen cannot be
    split: nothing is planned. The parts go one after another (one in flight per loan). At most
    LENDPORTAL_AUTO_DEBIT_MAX_PARTS parts are planned: past that (a limit tiny beside the
    amount), the rest is one attempt at the next time of the retry schedule, split again then.
    """
    if attempt.amount <= FEN:
        return []
    usable = limit if limit is not None and FEN <= limit < attempt.amount else None
    parts, rest = split_capped(
        attempt.amount,
        usable or half_limit(attempt.amount),
        max_parts=settings.LENDPORTAL_AUTO_DEBIT_MAX_PARTS,
    )
    at = max(attempt.scheduled_at, now)
    planned = _followups_create(attempt, [(part, True) for part in parts], at)
    later = next_attempt_at(retry_schedule(), attempt.due_date, at) if rest else None
    if rest and later is None:
        logger.warning("auto-debit series of attempt %s ends with %s not split", attempt.key, rest)
    if later is not None:
        planned += _followups_create(attempt, [(rest, False)], later)
    return planned


def _followups_create(
    attempt: CollectionAttempt, amounts: list[tuple[Decimal, bool]], at: datetime
) -> list[CollectionAttempt]:
    run = collection_run_for_date(business_date=beijing_date(at))
    collection_run_reopen(run=run)
    owner = Q(loan_id=attempt.loan_id) if attempt.loan_id else Q(account_id=attempt.account_id)
    series = CollectionAttempt.objects.filter(owner, due_date=attempt.due_date)
    last = series.aggregate(last=Max("sequence"))["last"]
    first = (last or 0) + 1
    rows = [
        CollectionAttempt(
            run=run,
            loan_id=attempt.loan_id,
            account_id=attempt.account_id,
            statement_id=attempt.statement_id,
            binding_id=attempt.binding_id,
            key=attempt_key(
                loan_id=attempt.loan_id,
                account_id=attempt.account_id,
                due_date=attempt.due_date,
                sequence=n,
            ),
            due_date=attempt.due_date,
            sequence=n,
            parent=attempt,
            scheduled_at=at,
            chunk=attempt.chunk,
            amount=amount,
            part=part,
        )
        for n, (amount, part) in enumerate(amounts, start=first)
    ]
    created = CollectionAttempt.objects.bulk_create(rows)
    logger.info("attempt %s followed by %s planned at %s", attempt.key, len(created), at)
    return created
