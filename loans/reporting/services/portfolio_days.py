"""The dashboard's summary table (issue #6): the portfolio's flows per value date, from the
ledger, written set-based.

One statement groups the journal lines of a date range by value date: disbursed principal,
interest earned (net of write-offs and reversals: every INTEREST_INCOME line), and interest and
principal collected (receivables settled by repayments and by advances applied, less what
reversals of those put back). Close of business refreshes the date it closes;
``manage.py portfolio_days_refresh`` back-fills a range. Running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import connection, connections, transaction
from django.db.models import Min

from loans.ledger.models import JournalEntry
from loans.replica import read_alias

_COLLECTING = "('REPAYMENT', 'ADVANCE_APPLIED')"
# A receivable settled: a credit in a collecting entry, or a debit in the reversal of one (a
# repayment's own interest true-up is a debit, so it is not counted as collected).
_SETTLES = (
    f"((e.entry_type IN {_COLLECTING} AND l.amount < 0) "
    f"OR (o.entry_type IN {_COLLECTING} AND l.amount > 0))"
)

_REFRESH = f"""
INSERT INTO loans_portfolioday (value_date, disbursed_amount, disbursed_count,
    interest_accrued_amount, interest_collected_amount, principal_collected_amount, refreshed_at)
SELECT d.day,
    coalesce(f.disbursed, 0), coalesce(f.disbursed_count, 0), coalesce(-f.interest_income, 0),
    coalesce(-f.interest_collected, 0), coalesce(-f.principal_collected, 0), now()
FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
LEFT JOIN (
    SELECT e.value_date,
        sum(l.amount) FILTER (WHERE e.entry_type = 'DISBURSEMENT'
                              AND l.account = 'PRINCIPAL_RECEIVABLE') AS disbursed,
        count(DISTINCT e.id) FILTER (WHERE e.entry_type = 'DISBURSEMENT') AS disbursed_count,
        sum(l.amount) FILTER (WHERE l.account = 'INTEREST_INCOME') AS interest_income,
        sum(l.amount) FILTER (WHERE l.account = 'INTEREST_RECEIVABLE' AND {_SETTLES})
            AS interest_collected,
        sum(l.amount) FILTER (WHERE l.account = 'PRINCIPAL_RECEIVABLE' AND {_SETTLES})
            AS principal_collected
    FROM loans_journalentry e
    JOIN loans_journalline l ON l.entry_id = e.id
    LEFT JOIN loans_journalentry o ON o.id = e.reverses_id
    WHERE e.value_date BETWEEN %(first)s AND %(last)s
    GROUP BY e.value_date
) f ON f.value_date = d.day
ON CONFLICT (value_date) DO UPDATE SET
    disbursed_amount = EXCLUDED.disbursed_amount,
    disbursed_count = EXCLUDED.disbursed_count,
    interest_accrued_amount = EXCLUDED.interest_accrued_amount,
    interest_collected_amount = EXCLUDED.interest_collected_amount,
    principal_collected_amount = EXCLUDED.principal_collected_amount,
    refreshed_at = EXCLUDED.refreshed_at
"""  # noqa: S608 - the interpolated parts are constants of this module


@transaction.atomic
def portfolio_days_refresh(*, first: date, last: date) -> int:
    """Recompute the summary rows of every value date in [first, last]; return how many."""
    if last < first:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH, {"first": first, "last": last})
        return int(cursor.rowcount)


def portfolio_days_refresh_since(*, since: datetime | None, through: date) -> int:
    """Refresh every value date touched by entries posted since ``since``, through ``through``.

    Close of business calls it with the previous close's start: a repayment back-dated into an
    earlier date, a reversal and the repayments replayed after it keep their value dates, and
    their rows are written again with the date being closed. Without ``since``, only
    ``through``. Returns the rows written.
    """
    first = through
    if since is not None:
        earliest = JournalEntry.objects.filter(posted_at__gte=since).aggregate(
            first=Min("value_date")
        )["first"]
        first = min(first, earliest) if earliest else first
    return portfolio_days_refresh(first=first, last=through)


_LIVE = f"""
SELECT
    coalesce(sum(l.amount) FILTER (WHERE e.entry_type = 'DISBURSEMENT'
                                   AND l.account = 'PRINCIPAL_RECEIVABLE'), 0),
    count(DISTINCT e.id) FILTER (WHERE e.entry_type = 'DISBURSEMENT'),
    coalesce(-sum(l.amount) FILTER (WHERE l.account = 'INTEREST_INCOME'), 0),
    coalesce(-sum(l.amount) FILTER (WHERE l.account = 'INTEREST_RECEIVABLE' AND {_SETTLES}), 0),
    coalesce(-sum(l.amount) FILTER (WHERE l.account = 'PRINCIPAL_RECEIVABLE' AND {_SETTLES}), 0),
    EXISTS (SELECT FROM loans_portfolioday p WHERE p.value_date = %(day)s) AS booked
FROM loans_journalentry e
JOIN loans_journalline l ON l.entry_id = e.id
LEFT JOIN loans_journalentry o ON o.id = e.reverses_id
WHERE e.value_date = %(day)s
  AND NOT EXISTS (SELECT FROM loans_portfolioday p WHERE p.value_date = %(day)s)
"""  # noqa: S608 - the interpolated parts are constants of this module


def portfolio_day_live(*, day: date) -> tuple[Decimal, int, Decimal, Decimal, Decimal] | None:
    """The flows of value date ``day`` read from the journal now, without writing a summary row
    (issue #23: the open date's "so far today" before close of business books it): disbursed
    principal and count, interest accrued, interest and principal collected, as the summary
    row would hold them; None once close of business has booked the day. One indexed read of
    the day's entries (``value_date``), on the replica when the caller reads it (#20)."""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_LIVE, {"day": day})
        row = cursor.fetchone()
    if row is None or row[5]:
        return None
    return (Decimal(row[0]), int(row[1]), Decimal(row[2]), Decimal(row[3]), Decimal(row[4]))
