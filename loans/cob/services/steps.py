"""The set-based steps of close of business for one chunk of loans and one date (PRODUCT §4).

Each step is a few SQL statements over the loans with ids in [first, last]: the math of the
domain functions written in SQL (PostgreSQL's round(numeric, 2) rounds half away from zero,
which is ROUND_HALF_UP for the positive amounts here), so a nightly batch over millions of
loans costs seconds, not one ORM save per loan. tests/integration/cob compares every step with
the domain functions on thousands of loans. The caller (loans.cob.services.runs) runs all steps of a
chunk in one transaction, under the chunk's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from loans.calendar.sql import pay_by_sql
from loans.domain.delinquency import Bucket
from loans.events.services.outbox import outbox_from_loan_events
from loans.ledger.models import EntryType, JournalEntry
from loans.servicing.models import Loan
from loans.servicing.services.advances import advance_apply, advance_total
from loans.servicing.services.reminders import reminders_queue


@dataclass(frozen=True, slots=True)
class ChunkScope:
    first_loan_id: int
    last_loan_id: int
    business_date: date
    now: datetime  # when the chunk runs: reminders' send times start from it

    @property
    def params(self) -> dict[str, Any]:
        return {"first": self.first_loan_id, "last": self.last_loan_id, "day": self.business_date}

    def key(self, step: str) -> str:
        day = self.business_date.isoformat()
        return f"cob:{day}:{step}:{self.first_loan_id}-{self.last_loan_id}"


def _execute(sql: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _scalar(sql: str, params: dict[str, Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _post_deltas(
    scope: ChunkScope,
    *,
    step: str,
    table: str,
    entry_type: EntryType,
    debit: str,
    credit: str,
    installment_column: str,
    loan_column: str | None,
) -> Decimal:
    """Post the rows of temp table ``table`` (loan_id, number, installment id, amount > 0).

    One entry per chunk and step, keyed: Dr ``debit`` per installment (the loan's sub-ledger)
    and Cr ``credit`` once, the chunk's total (the general ledger's daily total, PRODUCT §3),
    all in one INSERT (the ledger guard checks whole entries per statement). Then the
    installments' ``installment_column`` and the loans' ``loan_column`` move by the same
    amounts (``loan_column`` None: a later step moves the loans, see loan_receivables_move).
    Returns the total.
    """
    total = _scalar(f"SELECT coalesce(sum(amount), 0) FROM {table}", {})  # noqa: S608
    if not total:
        return Decimal("0.00")
    entry = JournalEntry.objects.create(
        entry_type=entry_type, value_date=scope.business_date, key=scope.key(step)
    )
    _execute(
        f"""
        INSERT INTO loans_journalline (entry_id, account, loan_id, installment_number, amount)
        SELECT %(entry)s, %(debit)s, loan_id, number, amount FROM {table}
        UNION ALL
        SELECT %(entry)s, %(credit)s, NULL, NULL, %(total)s
        """,  # noqa: S608 - table and columns are constants of this module
        {"entry": entry.pk, "debit": debit, "credit": credit, "total": -total},
    )
    _execute(
        f"""
        UPDATE loans_installment i SET {installment_column} = i.{installment_column} + d.amount
        FROM {table} d WHERE d.installment_id = i.id
        """,  # noqa: S608
        {},
    )
    if loan_column is not None:
        _move_loans(table, {loan_column: "amount"})
    return Decimal(total)


def _move_loans(table: str, columns: dict[str, str]) -> int:
    """Add ``table``'s amounts, summed per loan, to the loans' ``columns`` (column: amount).

    ``table`` is a temporary table's name or a parenthesised query with an alias.
    """
    sets = ", ".join(f"{column} = l.{column} + s.{amount}" for column, amount in columns.items())
    sums = ", ".join(f"sum({amount}) AS {amount}" for amount in sorted(set(columns.values())))
    return _execute(
        f"""
        UPDATE loans_loan l SET {sets}
        FROM (SELECT loan_id, {sums} FROM {table} GROUP BY loan_id) s
        WHERE s.loan_id = l.id
        """,  # noqa: S608 - table and columns are constants of this module
        {},
    )


# The range is repeated on the installments so PostgreSQL reads them by (loan_id, number)
# for the chunk's ids, instead of joining them loan by loan or scanning by date.
_ACTIVE_IN_CHUNK = """
    l.id BETWEEN %(first)s AND %(last)s AND l.status = 'ACTIVE'
    AND i.loan_id BETWEEN %(first)s AND %(last)s
"""
_ACTIVE_LOANS_IN_CHUNK = """
    l.id BETWEEN %(first)s AND %(last)s AND l.status = 'ACTIVE'
"""


def chunk_session_tune() -> None:
    """Settings for the chunk's transaction: short set-based statements on a busy machine.

    JIT compiling costs ~100 ms a statement here, more than it saves; parallel workers compete
    with the other chunks, which already use every core.
    """
    _execute("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0", {})


def fees_charge(scope: ChunkScope) -> Decimal:
    """Charge the fees of installments falling due on or before the date (PRODUCT §3)."""
    _execute(
        f"""
        DROP TABLE IF EXISTS cob_fee;
        CREATE TEMP TABLE cob_fee ON COMMIT DROP AS
        SELECT i.id AS installment_id, i.loan_id, i.number,
               i.fee_amount - i.fee_charged_amount AS amount
        FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
        WHERE {_ACTIVE_IN_CHUNK} AND i.paid_date IS NULL AND i.due_date <= %(day)s
          AND i.fee_charged_amount < i.fee_amount
        """,  # noqa: S608
        scope.params,
    )
    return _post_deltas(
        scope,
        step="fee",
        table="cob_fee",
        entry_type=EntryType.FEE_DUE,
        debit="FEE_RECEIVABLE",
        credit="FEE_INCOME",
        installment_column="fee_charged_amount",
        loan_column="fee_receivable_amount",
    )


def advances_apply(scope: ChunkScope) -> Decimal:
    """Apply held advances to what falls due; few loans hold one, so loan by loan."""
    ids = Loan.objects.filter(
        id__range=(scope.first_loan_id, scope.last_loan_id),
        status="ACTIVE",
        advance_amount__gt=0,
        installments__paid_date__isnull=True,
        installments__due_date__lte=scope.business_date,
    ).values("id")
    loans = Loan.objects.select_for_update().filter(id__in=ids).order_by("id")
    total = Decimal("0.00")
    for loan in loans:
        key = f"advance:{loan.pk}:{scope.business_date.isoformat()}"
        if JournalEntry.objects.filter(key=key).exists():
            continue
        entry = advance_apply(loan=loan, as_of=scope.business_date, key=key)
        if entry is not None:
            total += advance_total(entry)
    return total


# A due date rolls at most this many days to its next working day (calendar_day's constraint).
_ROLL_DAYS = 15


_BUCKETS = f"""
    CASE WHEN n.dpd = 0 THEN '{Bucket.CURRENT}' WHEN n.dpd <= 30 THEN '{Bucket.M1}'
         WHEN n.dpd <= 60 THEN '{Bucket.M2}' WHEN n.dpd <= 90 THEN '{Bucket.M3}'
         ELSE '{Bucket.M4_PLUS}' END
"""


def delinquency_update(scope: ChunkScope) -> dict[str, int]:
    """Set days past due and bucket as of the date (PRODUCT §2.4, §12); record the events.

    Days past due count from the oldest unpaid installment's pay-by date (the due date, or the
    next working day after a non-working one: loans.domain.delinquency.days_past_due), so an
    installment is newly overdue on the day after its pay-by date.

    Returns the chunk's active loans (one row each in cob_dpd: the chunk's loan count), the
    bucket changes and the installments newly overdue.
    """
    _execute("DROP TABLE IF EXISTS cob_dpd", {})
    loans = _execute(
        f"""
        CREATE TEMP TABLE cob_dpd ON COMMIT DROP AS
        SELECT n.id, n.dpd, {_BUCKETS} AS bucket, n.old_bucket
        FROM (
            SELECT o.id, o.old_bucket,
                   greatest(coalesce(%(day)s - {pay_by_sql("o.oldest")}, 0), 0) AS dpd
            FROM (
                SELECT l.id, l.bucket AS old_bucket, min(i.due_date) AS oldest
                FROM loans_loan l
                LEFT JOIN loans_installment i
                       ON i.loan_id = l.id AND i.paid_date IS NULL AND i.due_date < %(day)s
                      AND i.loan_id BETWEEN %(first)s AND %(last)s
                WHERE {_ACTIVE_LOANS_IN_CHUNK}
                GROUP BY l.id
            ) o
        ) n
        """,  # noqa: S608
        scope.params,
    )
    changed = _execute(
        """
        INSERT INTO loans_loanevent
            (loan_id, event_type, business_date, installment_number, data, created_at)
        SELECT id, 'loan.bucket_changed', %(day)s, 0,
               jsonb_build_object('from', old_bucket, 'to', bucket, 'days_past_due', dpd), now()
        FROM cob_dpd WHERE bucket <> old_bucket
        ON CONFLICT DO NOTHING
        """,
        scope.params,
    )
    _execute(
        """
        UPDATE loans_loan l SET days_past_due = d.dpd, bucket = d.bucket
        FROM cob_dpd d
        WHERE d.id = l.id AND (l.days_past_due <> d.dpd OR l.bucket <> d.bucket)
        """,
        {},
    )
    overdue = _execute(
        f"""
        INSERT INTO loans_loanevent
            (loan_id, event_type, business_date, installment_number, data, created_at)
        SELECT i.loan_id, 'installment.overdue', %(day)s, i.number,
               jsonb_build_object('due_date', i.due_date), now()
        FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
        WHERE {_ACTIVE_IN_CHUNK} AND i.paid_date IS NULL
          AND i.due_date BETWEEN %(day)s - 1 - {_ROLL_DAYS} AND %(day)s - 1
          AND {pay_by_sql("i.due_date")} = %(day)s - 1
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        scope.params,
    )
    return {"loans": loans, "bucket_changes": changed, "newly_overdue": overdue}


def penalty_charge(scope: ChunkScope) -> Decimal:
    """Charge the day's penalty on overdue principal (PRODUCT §2.4).

    Nothing while days past due ≤ grace; on the first day past grace, the days from each
    installment's first overdue day (the day after its pay-by date, PRODUCT §12); then one
    day's amount: round(overdue principal * min(rate * multiplier, cap) / 360), per
    installment past its pay-by date (loans.domain.delinquency).
    """
    _execute(
        f"""
        DROP TABLE IF EXISTS cob_penalty;
        CREATE TEMP TABLE cob_penalty ON COMMIT DROP AS
        SELECT installment_id, loan_id, number,
               CASE WHEN dpd = grace + 1 THEN (%(day)s - pay_by) * daily ELSE daily END
                   AS amount
        FROM (
            SELECT i.id AS installment_id, i.loan_id, i.number,
                   {pay_by_sql("i.due_date")} AS pay_by,
                   l.days_past_due AS dpd, l.grace_days AS grace,
                   round((i.principal_amount - i.principal_paid_amount)
                         * least(l.annual_rate * l.penalty_multiplier, l.rate_cap) / 360, 2)
                       AS daily
            FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
            WHERE {_ACTIVE_IN_CHUNK} AND l.days_past_due > l.grace_days
              AND i.paid_date IS NULL AND i.due_date < %(day)s
              AND i.principal_amount > i.principal_paid_amount
        ) p
        WHERE daily > 0 AND pay_by < %(day)s
        """,  # noqa: S608
        scope.params,
    )
    return _post_deltas(
        scope,
        step="penalty",
        table="cob_penalty",
        entry_type=EntryType.PENALTY,
        debit="PENALTY_RECEIVABLE",
        credit="PENALTY_INCOME",
        installment_column="penalty_charged_amount",
        loan_column=None,  # loan_receivables_move
    )


def interest_accrue(scope: ChunkScope) -> Decimal:
    """Accrue interest through the end of the date (PRODUCT §2.3), only the difference.

    accrued = base + round((I - base) * days(start, min(D + 1, due)) / days(start, due)), the
    formula of loans.domain.accrual.accrued_through_from.
    """
    _execute(
        f"""
        DROP TABLE IF EXISTS cob_accrual;
        CREATE TEMP TABLE cob_accrual ON COMMIT DROP AS
        SELECT installment_id, loan_id, number, target - accrued AS amount
        FROM (
            SELECT i.id AS installment_id, i.loan_id, i.number,
                   i.interest_accrued_amount AS accrued,
                   i.accrual_base_amount + round(
                       (i.interest_amount - i.accrual_base_amount)
                       * least(%(day)s + 1 - i.accrual_start_date,
                               i.due_date - i.accrual_start_date)
                       / (i.due_date - i.accrual_start_date), 2) AS target
            FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
            WHERE {_ACTIVE_IN_CHUNK} AND i.paid_date IS NULL
              AND i.accrual_start_date <= %(day)s AND i.due_date > i.accrual_start_date
              AND i.interest_accrued_amount < i.interest_amount
        ) a
        WHERE target > accrued
        """,  # noqa: S608
        scope.params,
    )
    return _post_deltas(
        scope,
        step="accrual",
        table="cob_accrual",
        entry_type=EntryType.INTEREST_ACCRUAL,
        debit="INTEREST_RECEIVABLE",
        credit="INTEREST_INCOME",
        installment_column="interest_accrued_amount",
        loan_column=None,  # loan_receivables_move
    )


def loan_receivables_move(scope: ChunkScope) -> int:
    """Move the loans' penalty and interest receivables by what the two steps before posted.

    Once per loan and night, in one statement: with room on the loan's page (fillfactor 50,
    migration 0008) that is a HOT update that touches no index. Returns the loans moved.
    """
    return _move_loans(
        _RECEIVABLE_MOVES,
        {"penalty_receivable_amount": "penalty", "interest_receivable_amount": "interest"},
    )


# The two steps' rows as one relation (no temporary table of its own: one statement less).
_RECEIVABLE_MOVES = """(
    SELECT loan_id, amount AS penalty, 0::numeric AS interest FROM cob_penalty
    UNION ALL
    SELECT loan_id, 0::numeric, amount FROM cob_accrual
) receivable"""


def reminders_queue_for(scope: ChunkScope) -> int:
    """Queue the reminders the date calls for (PRODUCT §5; loans.servicing.services.reminders)."""
    return reminders_queue(
        first_loan_id=scope.first_loan_id,
        last_loan_id=scope.last_loan_id,
        business_date=scope.business_date,
        now=scope.now,
    )


def write_off_candidates_flag(scope: ChunkScope) -> int:
    """Flag loans that reached the product's write-off days past due (PRODUCT §2.4)."""
    return _execute(
        f"""
        WITH flagged AS (
            UPDATE loans_loan l SET write_off_candidate_since = %(day)s
            WHERE {_ACTIVE_LOANS_IN_CHUNK} AND l.write_off_candidate_since IS NULL
              AND l.days_past_due >= l.write_off_days
            RETURNING l.id, l.days_past_due
        )
        INSERT INTO loans_loanevent
            (loan_id, event_type, business_date, installment_number, data, created_at)
        SELECT id, 'loan.write_off_candidate', %(day)s, 0,
               jsonb_build_object('days_past_due', days_past_due), now()
        FROM flagged
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        scope.params,
    )


def credit_lines_freeze(scope: ChunkScope) -> int:
    """Freeze the lines of borrowers with a loan at the product's freeze days past due (#16).

    Locks the lines in id order, so two chunks freezing the lines of the same borrowers cannot
    deadlock; a line frozen already keeps its reason and date. Only an officer unfreezes. The late
    loans' lines are looked up by key (``= ANY(ARRAY(...))``): joined instead, the planner
    overestimates them and scans every line once per chunk (7 s a night at 1,000,000 loans).
    """
    return _execute(
        f"""
        WITH locked AS (
            SELECT c.id FROM loans_creditline c
            WHERE c.id = ANY(ARRAY(
                SELECT l.credit_line_id
                FROM loans_loan l JOIN loans_loanproduct p ON p.id = l.product_id
                WHERE {_ACTIVE_LOANS_IN_CHUNK} AND l.days_past_due >= p.freeze_days
            )) AND c.status = 'ACTIVE'
            ORDER BY c.id FOR UPDATE OF c
        )
        UPDATE loans_creditline c
        SET status = 'FROZEN', frozen_reason = 'PAST_DUE', frozen_on = %(day)s, updated_at = now()
        FROM locked WHERE c.id = locked.id AND c.status = 'ACTIVE'
        """,  # noqa: S608
        scope.params,
    )


def paid_loans_close(scope: ChunkScope) -> int:
    """Close active loans with no unpaid installment (settled by advances or waivers)."""
    return _execute(
        f"""
        WITH closed AS (
            UPDATE loans_loan l SET status = 'PAID_OFF', closed_date = %(day)s
            WHERE {_ACTIVE_LOANS_IN_CHUNK}
              AND NOT EXISTS (SELECT 1 FROM loans_installment i
                              WHERE i.loan_id = l.id AND i.paid_date IS NULL)
            RETURNING l.id
        )
        INSERT INTO loans_loanevent
            (loan_id, event_type, business_date, installment_number, data, created_at)
        SELECT id, 'loan.paid_off', %(day)s, 0, '{{}}'::jsonb, now() FROM closed
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        scope.params,
    )


def outbox_events_copy(scope: ChunkScope) -> int:
    """Copy the chunk's events of partners' loans to the partner outbox (PRODUCT §7)."""
    return outbox_from_loan_events(
        first_loan_id=scope.first_loan_id,
        last_loan_id=scope.last_loan_id,
        business_date=scope.business_date,
    )
