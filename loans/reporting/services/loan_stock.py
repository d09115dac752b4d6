"""The active loans' stock by bucket (issue #20): read, folded and rebuilt.

Triggers on the loans keep ``loans_loanstock`` (migration reporting 0009): every change to
the active loans adds its change per bucket. Reading the stock sums those rows; folding them
now and then keeps them few; a rebuild starts again from the loans (after a seed that skipped
the triggers, or to repair by hand).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db import connection, connections, transaction

from loans.replica import read_alias

_READ = """
SELECT bucket, sum(loans), sum(principal_amount) FROM loans_loanstock
GROUP BY bucket HAVING sum(loans) <> 0 OR sum(principal_amount) <> 0
"""

# Rows deleted by a concurrent fold are skipped (read committed); each fold re-adds exactly
# what it deleted, so the sums hold whatever runs at the same time.
_COMPACT = """
WITH folded AS (DELETE FROM loans_loanstock RETURNING bucket, loans, principal_amount),
added AS (
    INSERT INTO loans_loanstock (bucket, loans, principal_amount)
    SELECT bucket, sum(loans), sum(principal_amount) FROM folded GROUP BY bucket
    HAVING sum(loans) <> 0 OR sum(principal_amount) <> 0
)
SELECT count(*) FROM folded
"""

# The stock the slow way, every active loan grouped by bucket (migration 0009 fills with it).
_GROUPED = """
SELECT bucket, count(*) AS loans, sum(principal_outstanding_amount) AS principal
FROM loans_loan WHERE status = 'ACTIVE' GROUP BY bucket
"""

_REBUILD = f"""
LOCK TABLE loans_loan IN SHARE MODE;
DELETE FROM loans_loanstock;
INSERT INTO loans_loanstock (bucket, loans, principal_amount) {_GROUPED};
"""  # noqa: S608 - the interpolated part is a constant of this module

_DRIFT = f"""
SELECT coalesce(s.bucket, l.bucket), coalesce(s.loans, 0), coalesce(l.loans, 0),
       coalesce(s.principal, 0), coalesce(l.principal, 0)
FROM (SELECT bucket, sum(loans) AS loans, sum(principal_amount) AS principal
      FROM loans_loanstock GROUP BY bucket) AS s
FULL JOIN ({_GROUPED}) AS l USING (bucket)
WHERE coalesce(s.loans, 0) <> coalesce(l.loans, 0)
   OR coalesce(s.principal, 0) <> coalesce(l.principal, 0)
"""  # noqa: S608 - the interpolated part is a constant of this module


class Stock(NamedTuple):
    loans: int
    principal: Decimal


class StockDrift(NamedTuple):
    bucket: str
    kept_loans: int
    actual_loans: int
    kept_principal: Decimal
    actual_principal: Decimal


def loan_stock() -> dict[str, Stock]:
    """The active loans and their principal outstanding per bucket (buckets with none left
    out); on the replica when the caller reads it."""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_READ)
        return {bucket: Stock(int(n), Decimal(p)) for bucket, n, p in cursor.fetchall()}


def loan_stock_compact() -> int:
    """Fold the stock's rows into one per bucket; return how many rows were folded."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_COMPACT)
        (folded,) = cursor.fetchone() or (0,)
        return int(folded)


def loan_stock_rebuild() -> None:
    """Work the stock out again from the loans: one pass over the active loans, with the
    loans' writers held off while it runs."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_REBUILD)


def loan_stock_drift() -> list[StockDrift]:
    """The buckets where the kept stock differs from the loans (none, unless the triggers were
    skipped): one pass over the active loans, for checks and tests."""
    with connection.cursor() as cursor:
        cursor.execute(_DRIFT)
        return [
            StockDrift(b, int(kn), int(an), Decimal(kp), Decimal(ap))
            for b, kn, an, kp, ap in cursor.fetchall()
        ]
