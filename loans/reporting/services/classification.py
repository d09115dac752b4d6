"""Month-end five-level classification of every loan and revolving account (PRODUCT §13),
set-based.

For month end M, each chunk of loan ids is one ``INSERT … SELECT … ON CONFLICT`` that writes a
row per loan on the books at the end of M (and per loan written off during M, as LOSS), and
one DELETE of the rows of loans no longer in that set (a payout that failed after M). A rerun
rewrites only rows that changed. The revolving accounts follow, by account id in the same way
(``loans.reporting.services.revolving_classification``). Then the month's provision is posted
over both (``loans.reporting.services.provisions``). Rules and rates:
``loans.domain.classification``.

Days past due come from the loan's column, which close of business sets for the last closed
date (and a back-dated repayment restates at once), so M must be that date: close of business
of M runs it once every chunk is done (``month_end_close``), and ``classify_loans`` runs it
again on demand until the next night is closed. Principal is read as of the end of M: the
balance column less the loan's principal lines of entries dated after M.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from loans.calendar.selectors import business_date_current
from loans.domain.classification import (
    DEFAULT_PROVISION_RATES,
    DOUBTFUL_MAX_DAYS,
    NORMAL_MAX_DAYS,
    SPECIAL_MENTION_MAX_DAYS,
    STAGE_1_MAX_DAYS,
    STAGE_2_MAX_DAYS,
    SUBSTANDARD_MAX_DAYS,
    ProvisionStage,
)
from loans.errors import LendingError
from loans.ledger.models import JournalEntry
from loans.reporting.services.classification_sql import RESTATE_CHANGED
from loans.reporting.services.provisions import ProvisionMonthNotLatest, provisions_post
from loans.reporting.services.revolving_classification import revolving_accounts_classify

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 50_000

# On the books at the end of M: disbursed by M and not closed by M; or written off during M.
_BOOKED = """
    l.status IN ('ACTIVE', 'PAID_OFF', 'WRITTEN_OFF')
    AND l.disbursed_date <= %(month_end)s
    AND (l.closed_date IS NULL OR l.closed_date > %(month_end)s
         OR (l.status = 'WRITTEN_OFF' AND l.closed_date >= %(month_start)s))
"""
_WRITTEN_OFF = "(l.status = 'WRITTEN_OFF' AND l.closed_date <= %(month_end)s)"

_CLASSIFY = f"""
WITH later AS (
    SELECT jl.loan_id, sum(jl.amount) AS principal
    FROM loans_journalentry e JOIN loans_journalline jl ON jl.entry_id = e.id
    WHERE e.value_date > %(month_end)s AND jl.account = 'PRINCIPAL_RECEIVABLE'
      AND jl.loan_id BETWEEN %(first)s AND %(last)s
    GROUP BY jl.loan_id
), booked AS (
    SELECT l.id AS loan_id, l.days_past_due AS days, {_WRITTEN_OFF} AS written_off,
        l.principal_outstanding_amount - coalesce(g.principal, 0) AS principal
    FROM loans_loan l LEFT JOIN later g ON g.loan_id = l.id
    WHERE l.id BETWEEN %(first)s AND %(last)s AND {_BOOKED}
), classed AS (
    SELECT loan_id, days, principal,
        CASE WHEN written_off OR days > {DOUBTFUL_MAX_DAYS} THEN 'LOSS'
             WHEN days > {SUBSTANDARD_MAX_DAYS} THEN 'DOUBTFUL'
             WHEN days > {SPECIAL_MENTION_MAX_DAYS} THEN 'SUBSTANDARD'
             WHEN days > {NORMAL_MAX_DAYS} THEN 'SPECIAL_MENTION'
             ELSE 'NORMAL' END AS risk_class,
        CASE WHEN written_off OR days > {STAGE_2_MAX_DAYS} THEN 3
             WHEN days > {STAGE_1_MAX_DAYS} THEN 2
             ELSE 1 END AS stage
    FROM booked
)
INSERT INTO reporting_loanclassification AS c (loan_id, month_end, risk_class,
    provision_stage, days_past_due, principal_outstanding_amount, provision_rate,
    provision_amount, classified_at)
-- numeric round() rounds halves away from zero: HALF_UP for these non-negative amounts.
SELECT k.loan_id, %(month_end)s, k.risk_class, k.stage, k.days, k.principal, r.rate,
    round(k.principal * r.rate, 2), now()
FROM classed k
JOIN unnest(%(stages)s::smallint[], %(rates)s::numeric[]) AS r(stage, rate)
    ON r.stage = k.stage
ON CONFLICT (loan_id, month_end) {RESTATE_CHANGED}
"""  # noqa: S608 - the interpolated parts are constants of this module and the domain

_STALE_DELETE = f"""
DELETE FROM reporting_loanclassification c
WHERE c.month_end = %(month_end)s AND c.loan_id BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM loans_loan l WHERE l.id = c.loan_id AND {_BOOKED})
"""  # noqa: S608 - constants of this module


class MonthEndNotClassifiable(LendingError):
    code = "month_end_not_classifiable"


@dataclass(frozen=True, slots=True)
class ClassifyResult:
    """What a classification run did: loans' rows written or changed and removed, the entry,
    and the revolving accounts' rows written or changed and removed."""

    month_end: date
    chunks: int
    rows_written: int
    rows_removed: int
    provision_entry: JournalEntry | None
    accounts_written: int = 0
    accounts_removed: int = 0


def month_end_of(year: int, month: int) -> date:
    """Return the last day of ``month`` of ``year``; ValueError for a month outside 1-12."""
    first = date(year, month, 1)
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


@transaction.atomic
def loans_classify(
    *,
    month_end: date,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: Callable[[int, int, int], None] | None = None,
) -> ClassifyResult:
    """Classify every loan and revolving account at ``month_end`` and post the month's
    provision; idempotent.

    ``on_chunk(done, total, last_loan_id)`` is called after each chunk (progress). Raises
    MonthEndNotClassifiable unless ``month_end`` is a month's last day and the last closed
    business date (days past due are known for that night only).
    """
    _require_classifiable(month_end)
    return _classify(month_end=month_end, chunk_size=chunk_size, on_chunk=on_chunk)


def month_end_close(*, business_date: date) -> ClassifyResult | None:
    """Classify and provision at the end of close of business of a month's last day.

    Called by ``cob_run_finish`` once every chunk of ``business_date`` is done (so each loan's
    days past due are that night's), before the business date moves. Any other date: None.
    """
    if (business_date + timedelta(days=1)).day != 1:
        return None
    try:
        return _classify(month_end=business_date)
    except ProvisionMonthNotLatest:
        # A later month is classified (a date closed again in a test or a restore): the date
        # still closes; `classify_loans` reports the same refusal to whoever runs it.
        logger.warning("Month end %s not classified: a later month is", business_date)
        return None


@transaction.atomic
def _classify(
    *,
    month_end: date,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: Callable[[int, int, int], None] | None = None,
) -> ClassifyResult:
    ranges = _id_ranges(chunk_size)
    params: dict[str, Any] = {
        "month_end": month_end,
        "month_start": month_end.replace(day=1),
        "stages": [int(stage) for stage in ProvisionStage],
        "rates": [DEFAULT_PROVISION_RATES[stage] for stage in ProvisionStage],
    }
    written = removed = 0
    with connection.cursor() as cursor:
        for done, (first, last) in enumerate(ranges, start=1):
            cursor.execute(_CLASSIFY, {**params, "first": first, "last": last})
            written += cursor.rowcount
            cursor.execute(_STALE_DELETE, {**params, "first": first, "last": last})
            removed += cursor.rowcount
            if on_chunk is not None:
                on_chunk(done, len(ranges), last)
    _chunks, accounts_written, accounts_removed = revolving_accounts_classify(
        params=params, chunk_size=chunk_size
    )
    entry = provisions_post(month_end=month_end)
    return ClassifyResult(
        month_end, len(ranges), written, removed, entry, accounts_written, accounts_removed
    )


def _require_classifiable(month_end: date) -> None:
    if (month_end + timedelta(days=1)).day != 1:
        raise MonthEndNotClassifiable(f"{month_end} is not the last day of its month.")
    last_closed = business_date_current() - timedelta(days=1)
    if month_end != last_closed:
        raise MonthEndNotClassifiable(
            f"Days past due are known for the last closed date, {last_closed}, only; "
            f"{month_end} can be classified the day after its close of business."
        )


def _id_ranges(chunk_size: int) -> list[tuple[int, int]]:
    """Loan id ranges of ``chunk_size`` ids each, from the lowest id to the highest."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM loans_loan")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return []
    low, high = int(row[0]), int(row[1])
    return [(lo, min(lo + chunk_size - 1, high)) for lo in range(low, high + 1, chunk_size)]
