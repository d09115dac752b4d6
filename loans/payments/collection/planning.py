"""Planning a business date's auto-debit attempts, set-based (PRODUCT §11).

One INSERT … SELECT plans one PLANNED attempt per active loan whose borrower has an ACTIVE card
binding and which has an unpaid installment due on the date: for everything due by then
(overdue and due today, less the advance held), at the date's first time (08:00 Beijing), key
``AD{loan}-{yyyymmdd}-0``, in numbered chunks of ``LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE`` loans.
A second one plans the revolving bills due on the date the same way (key
``AB{account}-{yyyymmdd}-0``, for the whole unpaid balance of the bills due by then), in the
chunks after the loans'.
Running it again plans nothing new (ON CONFLICT DO NOTHING on the unique (loan, due date,
sequence)), but picks up a loan that became due since (a card bound later that day). Attempts
run every calendar day, working or not (PRODUCT §12).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.payments.collection.amounts import AMOUNT_DUE_SQL, BILL_OWED_SQL
from loans.payments.collection.runs import collection_run_reopen
from loans.payments.collection.timing import first_attempt_at
from loans.payments.models import CardBinding, CollectionAttempt, CollectionRun
from loans.revolving.models import RevolvingAccount, Statement
from loans.servicing.models import CreditLine, Installment, Loan

logger = logging.getLogger(__name__)

ATTEMPT = CollectionAttempt._meta.db_table
RUN = CollectionRun._meta.db_table

PLAN_SQL = f"""
INSERT INTO {ATTEMPT} (
    run_id, loan_id, binding_id, key, due_date, sequence, parent_id, scheduled_at, chunk,
    amount, status, outcome, cancel_reason, decided_by, gateway_reference, repayment_id,
    sent_at, decided_at, queried_at, query_count, part, unapplied, created_at
)
SELECT %(run)s, d.loan_id, d.binding_id, 'AD' || d.loan_id || '-' || %(ymd)s || '-0',
       %(day)s, 0, NULL, %(at)s, (row_number() OVER (ORDER BY d.loan_id) - 1) / %(size)s,
       d.owed - d.advance, 'PLANNED', '', '', '', '', NULL,
       NULL, NULL, NULL, 0, false, false, now()
FROM (
    SELECT l.id AS loan_id, b.id AS binding_id, l.advance_amount AS advance, o.owed
    FROM (
        SELECT DISTINCT loan_id FROM {Installment._meta.db_table}
        WHERE due_date = %(day)s AND paid_date IS NULL
    ) t
    JOIN {Loan._meta.db_table} l ON l.id = t.loan_id AND l.status = 'ACTIVE'
    JOIN {CardBinding._meta.db_table} b
      ON b.borrower_id = l.borrower_id AND b.status = 'ACTIVE'
    CROSS JOIN LATERAL ({AMOUNT_DUE_SQL}) o
) d
WHERE d.owed - d.advance > 0
ON CONFLICT DO NOTHING
"""  # noqa: S608 - the interpolated parts are table names and SQL of this package

# The bills due on the date (PRODUCT §11 "each installment or bill due today"): one attempt
# per ACTIVE revolving account whose borrower has an ACTIVE card binding and which has a bill
# due on the date, for the whole unpaid balance of its bills due by then (BILL_OWED_SQL), in
# chunks numbered after the loans' (``offset``).
PLAN_BILLS_SQL = f"""
INSERT INTO {ATTEMPT} (
    run_id, loan_id, account_id, statement_id, binding_id, key, due_date, sequence, parent_id,
    scheduled_at, chunk, amount, status, outcome, cancel_reason, decided_by, gateway_reference,
    repayment_id, revolving_payment_id, sent_at, decided_at, queried_at, query_count, part,
    unapplied, created_at
)
SELECT %(run)s, NULL, d.account_id, d.statement_id, d.binding_id,
       'AB' || d.account_id || '-' || %(ymd)s || '-0', %(day)s, 0, NULL, %(at)s,
       %(offset)s + (row_number() OVER (ORDER BY d.account_id) - 1) / %(size)s,
       d.owed, 'PLANNED', '', '', '', '', NULL, NULL, NULL, NULL, NULL, 0, false, false, now()
FROM (
    SELECT s.account_id, s.id AS statement_id, b.id AS binding_id, o.owed
    FROM {Statement._meta.db_table} s
    JOIN {RevolvingAccount._meta.db_table} a ON a.id = s.account_id AND a.status = 'ACTIVE'
    JOIN {CreditLine._meta.db_table} c ON c.id = a.credit_line_id
    JOIN {CardBinding._meta.db_table} b
      ON b.borrower_id = c.borrower_id AND b.status = 'ACTIVE'
    CROSS JOIN LATERAL ({BILL_OWED_SQL}) o
    WHERE s.due_date = %(day)s
) d
WHERE d.owed > 0
ON CONFLICT DO NOTHING
"""  # noqa: S608 - the interpolated parts are table names and SQL of this package

LOAN_CHUNKS_SQL = f"""
SELECT coalesce(max(chunk) + 1, 0) FROM {ATTEMPT}
WHERE run_id = %(run)s AND sequence = 0 AND due_date = %(day)s AND loan_id IS NOT NULL
"""  # noqa: S608 - the interpolated part is a table name

COUNT_SQL = f"""
UPDATE {RUN} r SET planned = s.planned, chunks = s.chunks, planned_at = %(now)s
FROM (
    SELECT count(*) AS planned, coalesce(max(chunk) + 1, 0) AS chunks FROM {ATTEMPT}
    WHERE run_id = %(run)s AND sequence = 0 AND due_date = %(day)s
) s
WHERE r.id = %(run)s
"""  # noqa: S608 - the interpolated parts are table names


@transaction.atomic
def collection_plan(
    *, business_date: date, now: datetime | None = None, chunk_size: int | None = None
) -> CollectionRun:
    """Plan the date's first attempts (idempotent); return its run with ``planned``, ``chunks``.

    Under the run's row lock, so two planners of one date take turns.
    """
    # The run row, unique per date: created here unless a retry or a planner made it first.
    CollectionRun.objects.bulk_create(
        [CollectionRun(business_date=business_date)], ignore_conflicts=True
    )
    run = CollectionRun.objects.select_for_update().get(business_date=business_date)
    size = chunk_size or settings.LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE
    params: dict[str, date | datetime | int | str] = {
        "run": run.pk,
        "day": business_date,
        "due_by": business_date,
        "ymd": f"{business_date:%Y%m%d}",
        "at": first_attempt_at(business_date),
        "size": size,
        "now": now or timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(PLAN_SQL, params)
        inserted = cursor.rowcount
        cursor.execute(LOAN_CHUNKS_SQL, params)
        params["offset"] = cursor.fetchone()[0]
        cursor.execute(PLAN_BILLS_SQL, params)
        inserted += cursor.rowcount
        cursor.execute(COUNT_SQL, params)
    run.refresh_from_db()
    if inserted:
        collection_run_reopen(run=run)
    logger.info(
        "collection run %s planned: %s new attempts, %s in %s chunks",
        business_date,
        inserted,
        run.planned,
        run.chunks,
    )
    return run
