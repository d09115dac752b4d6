"""Month-end five-level classification of every revolving account (PRODUCT §13, §10), set-based.

The revolving part of ``loans_classify``: for month end M, each chunk of account ids is one
``INSERT … SELECT … ON CONFLICT`` writing a ``LoanClassification`` row (``revolving_account``
set) per account open at the end of M, and one DELETE of the rows of accounts no longer open.
Same rules, boundaries and rates as the loans' (``loans.domain.classification``):

- days past due: the account's column, which close of business sets for the last closed date
  (M itself: the step runs in the close of M, after ``revolving_day_close``): M minus the
  pay-by date of the oldest bill whose own minimum is unpaid after it;
- exposure: the account's principal (billed and unbilled purchases, bill and purchase
  installments not paid) at the end of M: the ``principal_amount`` column less its
  REVOLVING_RECEIVABLE lines of entries dated after M;
- no write-off and no restructuring exist for revolving accounts.

The row also keeps what the bureau export reads of that month end and cannot read back later,
since a payment changes a bill's unpaid minimum in place: the credit limit, the bills overdue
at M (pay-by date before M, own minimum unpaid), their unpaid minimum, and per age band (M
minus the pay-by date: 31-60, 61-90, 91-180, > 180 days) the principal part of that minimum:
what is left of it once the bill's own unpaid interest, fees and penalty are taken out (a
bill's minimum is 10% of the revolving principal plus its new installments, fees, interest
and penalty, and a payment pays the charges first). These figures are written
when the row is first written and never changed by a rerun: ``classify_loans`` may run the
morning after M, when payments of the new date have already reduced the bills; class, stage,
days and exposure are still M's then (a payment changes neither the days column nor what
entries dated M hold), so those are restated.

The SQL reads the revolving tables directly (no model import): one statement per chunk, as
the loans' step. Only ``classification`` calls it, inside its transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from loans.domain.classification import (
    DOUBTFUL_MAX_DAYS,
    NORMAL_MAX_DAYS,
    SPECIAL_MENTION_MAX_DAYS,
    STAGE_1_MAX_DAYS,
    STAGE_2_MAX_DAYS,
    SUBSTANDARD_MAX_DAYS,
)
from loans.reporting.services.classification_sql import RESTATE_CHANGED

# Open at the end of M: opened by M and not closed (nothing records when an account closes,
# so a closed account has no row from the first month end after it closed).
_OPEN = "a.status = 'ACTIVE' AND a.opened_date <= %(month_end)s"


def _band(low: int, high: int | None) -> str:
    age = "%(month_end)s - s.pay_by_date"
    within = f"{age} >= {low}" + ("" if high is None else f" AND {age} <= {high}")
    return f"coalesce(sum(s.overdue_principal) FILTER (WHERE {within}), 0)"


_CLASSIFY = f"""
WITH later AS (
    SELECT jl.revolving_account_id AS account_id, sum(jl.amount) AS principal
    FROM loans_journalentry e JOIN loans_journalline jl ON jl.entry_id = e.id
    WHERE e.value_date > %(month_end)s AND jl.account = 'REVOLVING_RECEIVABLE'
      AND jl.revolving_account_id BETWEEN %(first)s AND %(last)s
    GROUP BY jl.revolving_account_id
), bills AS (
    SELECT s.account_id, s.pay_by_date, s.minimum_unpaid_amount AS minimum_unpaid,
        greatest(s.minimum_unpaid_amount - s.interest_unpaid_amount - s.fees_unpaid_amount
                 - s.penalty_unpaid_amount, 0) AS overdue_principal
    FROM revolving_statement s
    WHERE s.account_id BETWEEN %(first)s AND %(last)s
      AND s.pay_by_date < %(month_end)s AND s.minimum_unpaid_amount > 0
), overdue AS (
    SELECT s.account_id, count(*) AS terms, sum(s.minimum_unpaid) AS amount,
        {_band(31, 60)} AS band_1, {_band(61, 90)} AS band_2,
        {_band(91, 180)} AS band_3, {_band(181, None)} AS band_4
    FROM bills s GROUP BY s.account_id
), booked AS (
    SELECT a.id AS account_id, a.days_past_due AS days, l.limit_amount,
        a.principal_amount - coalesce(g.principal, 0) AS principal,
        coalesce(o.terms, 0) AS terms, coalesce(o.amount, 0) AS overdue,
        coalesce(o.band_1, 0) AS band_1, coalesce(o.band_2, 0) AS band_2,
        coalesce(o.band_3, 0) AS band_3, coalesce(o.band_4, 0) AS band_4
    FROM revolving_revolvingaccount a
    JOIN loans_creditline l ON l.id = a.credit_line_id
    LEFT JOIN later g ON g.account_id = a.id
    LEFT JOIN overdue o ON o.account_id = a.id
    WHERE a.id BETWEEN %(first)s AND %(last)s AND {_OPEN}
), classed AS (
    SELECT b.*,
        CASE WHEN days > {DOUBTFUL_MAX_DAYS} THEN 'LOSS'
             WHEN days > {SUBSTANDARD_MAX_DAYS} THEN 'DOUBTFUL'
             WHEN days > {SPECIAL_MENTION_MAX_DAYS} THEN 'SUBSTANDARD'
             WHEN days > {NORMAL_MAX_DAYS} THEN 'SPECIAL_MENTION'
             ELSE 'NORMAL' END AS risk_class,
        CASE WHEN days > {STAGE_2_MAX_DAYS} THEN 3
             WHEN days > {STAGE_1_MAX_DAYS} THEN 2
             ELSE 1 END AS stage
    FROM booked b
)
INSERT INTO reporting_loanclassification AS c (revolving_account_id, month_end, risk_class,
    provision_stage, days_past_due, principal_outstanding_amount, provision_rate,
    provision_amount, classified_at, credit_limit_amount, overdue_terms, overdue_amount,
    overdue_31_60_principal_amount, overdue_61_90_principal_amount,
    overdue_91_180_principal_amount, overdue_over_180_principal_amount)
-- numeric round() rounds halves away from zero: HALF_UP for these non-negative amounts.
SELECT k.account_id, %(month_end)s, k.risk_class, k.stage, k.days, k.principal, r.rate,
    round(k.principal * r.rate, 2), now(), k.limit_amount, k.terms, k.overdue,
    k.band_1, k.band_2, k.band_3, k.band_4
FROM classed k
JOIN unnest(%(stages)s::smallint[], %(rates)s::numeric[]) AS r(stage, rate)
    ON r.stage = k.stage
ON CONFLICT (revolving_account_id, month_end) WHERE revolving_account_id IS NOT NULL
{RESTATE_CHANGED}
"""  # noqa: S608 - the interpolated parts are constants of this module and the domain

_STALE_DELETE = f"""
DELETE FROM reporting_loanclassification c
WHERE c.month_end = %(month_end)s AND c.revolving_account_id BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM revolving_revolvingaccount a
                  WHERE a.id = c.revolving_account_id AND {_OPEN})
"""  # noqa: S608 - constants of this module


def revolving_accounts_classify(*, params: dict[str, Any], chunk_size: int) -> tuple[int, int, int]:
    """Write the month end's rows of every revolving account, ``chunk_size`` ids a statement.

    ``params`` are the loans' step's (``month_end``, ``stages``, ``rates``). Returns (chunks,
    rows written or changed, rows removed). Runs inside the caller's transaction.
    """
    ranges = _id_ranges(chunk_size)
    written = removed = 0
    with connection.cursor() as cursor:
        for first, last in ranges:
            chunk = {**params, "first": first, "last": last}
            cursor.execute(_CLASSIFY, chunk)
            written += cursor.rowcount
            cursor.execute(_STALE_DELETE, chunk)
            removed += cursor.rowcount
    return len(ranges), written, removed


def _id_ranges(chunk_size: int) -> list[tuple[int, int]]:
    """Account id ranges of ``chunk_size`` ids each, from the lowest id to the highest."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM revolving_revolvingaccount")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return []
    low, high = int(row[0]), int(row[1])
    return [(lo, min(lo + chunk_size - 1, high)) for lo in range(low, high + 1, chunk_size)]
