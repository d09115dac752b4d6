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


def _row(sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


# The range is repeated on the installments so PostgreSQL reads them by (loan_id, number)
# for the chunk's ids, instead of joining them loan by loan or scanning by date.
_ACTIVE_IN_CHUNK = """
    l.id BETWEEN %(first)s AND %(last)s AND l.status = 'ACTIVE'
    AND i.loan_id BETWEEN %(first)s AND %(last)s
"""
_ACTIVE_LOANS_IN_CHUNK = """
    l.id BETWEEN %(first)s AND %(last)s AND l.status = 'ACTIVE'
"""
_ACTIVE_IN_LOANS = """
    l.id = ANY(%(ids)s) AND l.status = 'ACTIVE' AND i.loan_id = ANY(%(ids)s)
"""

# A due date rolls at most this many days to its next working day (calendar_day's constraint).
_ROLL_DAYS = 15


def chunk_session_tune() -> None:
    """Settings for the chunk's transaction: short set-based statements on a busy machine.

    JIT compiling costs ~100 ms a statement here, more than it saves; parallel workers compete
    with the other chunks, which already use every core.
    """
    _execute("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0", {})


def deferred_checks_run() -> None:
    """Run the checks PostgreSQL defers to the commit now, so the chunk's stats time them.

    The foreign keys of every row the steps wrote (checked row by row) and the journal's
    entry-has-lines guard: without this their time is spent in the commit, where no step sees it.
    Then deferred again for the rest of the transaction (a test's, or the inline run's): every
    deferrable constraint and trigger of the schema is INITIALLY DEFERRED, so ALL DEFERRED puts
    them back as they were.
    """
    _execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED", {})


def _installments_select(where: str) -> str:
    """The night's work on each unpaid installment of the loans ``where`` selects, as rows.

    Only the installments the night can change: due on or before the date (fees, days past
    due, penalty, newly overdue) or in their accrual period (interest). Per row: ``fee`` to
    charge (due on or before the date, PRODUCT §3); ``accrual``, the interest earned through
    the end of the date less what is accrued (base + round((I - base) * days(start, min(D + 1,
    due)) / days(start, due)), loans.domain.accrual.accrued_through_from); the loan's days past
    due ``dpd`` as of the date (from its oldest unpaid installment's pay-by date, PRODUCT §2.4,
    §12: a window over the loan's rows, which include every unpaid installment due before the
    date); and ``penalty``: nothing while days past due <= grace, on the first day past grace the
    days since the installment's first overdue day, then one day's round(overdue principal *
    min(rate * multiplier, cap) / 360) (loans.domain.delinquency), for installments past their
    pay-by date.
    """
    return f"""
    SELECT installment_id, loan_id, number, due_date, pay_by, dpd, fee, accrual,
           CASE WHEN dpd > grace AND pay_by < %(day)s AND daily > 0
                THEN CASE WHEN dpd = grace + 1 THEN (%(day)s - pay_by) * daily ELSE daily END
                ELSE 0 END AS penalty
    FROM (
        SELECT r.*,
               CASE WHEN r.oldest IS NULL THEN 0
                    ELSE greatest(%(day)s - {pay_by_sql("r.oldest")}, 0) END AS dpd
        FROM (
            SELECT i.id AS installment_id, i.loan_id, i.number, i.due_date,
                   l.grace_days AS grace,
                   CASE WHEN i.due_date < %(day)s THEN {pay_by_sql("i.due_date")} END
                       AS pay_by,
                   CASE WHEN i.due_date <= %(day)s AND i.fee_charged_amount < i.fee_amount
                        THEN i.fee_amount - i.fee_charged_amount ELSE 0 END AS fee,
                   CASE WHEN i.accrual_start_date <= %(day)s
                             AND i.due_date > i.accrual_start_date
                             AND i.interest_accrued_amount < i.interest_amount
                        THEN greatest(i.accrual_base_amount + round(
                                 (i.interest_amount - i.accrual_base_amount)
                                 * least(%(day)s + 1 - i.accrual_start_date,
                                         i.due_date - i.accrual_start_date)
                                 / (i.due_date - i.accrual_start_date), 2)
                             - i.interest_accrued_amount, 0)
                        ELSE 0 END AS accrual,
                   CASE WHEN i.due_date < %(day)s
                             AND i.principal_amount > i.principal_paid_amount
                        THEN round((i.principal_amount - i.principal_paid_amount)
                                   * least(l.annual_rate * l.penalty_multiplier, l.rate_cap)
                                   / 360, 2)
                        ELSE 0 END AS daily,
                   min(i.due_date) FILTER (WHERE i.due_date < %(day)s)
                       OVER (PARTITION BY i.loan_id) AS oldest
            FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
            WHERE {where} AND i.paid_date IS NULL
              AND (i.due_date <= %(day)s OR i.accrual_start_date <= %(day)s)
        ) r
    ) d
    """  # noqa: S608 - the condition is a constant of this module


def installments_read(scope: ChunkScope) -> dict[str, Any]:
    """Read the chunk's installments once into ``cob_installment`` (the later steps' input).

    One pass over the chunk's installments by (loan_id, number): every later step reads this
    table of about one row per loan (the current period's installment, and those due), not
    the installments again.
    """
    _execute(
        "DROP TABLE IF EXISTS cob_installment;"
        " CREATE TEMP TABLE cob_installment ON COMMIT DROP AS"
        + _installments_select(_ACTIVE_IN_CHUNK),
        scope.params,
    )
    return {}


def _installments_reread(scope: ChunkScope, loan_ids: list[int]) -> None:
    """Read again the rows of loans whose installments a step changed (advances applied)."""
    params = {**scope.params, "ids": loan_ids}
    _execute("DELETE FROM cob_installment WHERE loan_id = ANY(%(ids)s)", params)
    _execute("INSERT INTO cob_installment" + _installments_select(_ACTIVE_IN_LOANS), params)


def fees_charge(scope: ChunkScope) -> Decimal:
    """Charge the fees of installments falling due on or before the date (PRODUCT §3).

    One entry for the chunk: Dr fee receivable per installment (the loan's sub-ledger), Cr fee
    income once, the chunk's total (the general ledger's daily total, PRODUCT §3), in one INSERT
    (the ledger guard checks whole entries per statement); then the installments and the loans
    move by the same amounts (now: an advance applied next may pay the fee).
    """
    total = _scalar("SELECT coalesce(sum(fee), 0) FROM cob_installment", {})
    if not total:
        return Decimal("0.00")
    entry = JournalEntry.objects.create(
        entry_type=EntryType.FEE_DUE, value_date=scope.business_date, key=scope.key("fee")
    )
    _execute(
        """
        INSERT INTO loans_journalline (entry_id, account, loan_id, installment_number, amount)
        SELECT %(entry)s, 'FEE_RECEIVABLE', loan_id, number, fee FROM cob_installment
        WHERE fee > 0
        UNION ALL
        SELECT %(entry)s, 'FEE_INCOME', NULL, NULL, %(total)s
        """,
        {"entry": entry.pk, "total": -total},
    )
    _execute(
        """
        UPDATE loans_installment i SET fee_charged_amount = i.fee_charged_amount + c.fee
        FROM cob_installment c WHERE c.installment_id = i.id AND c.fee > 0
        """,
        {},
    )
    _execute(
        """
        UPDATE loans_loan l SET fee_receivable_amount = l.fee_receivable_amount + c.fee
        FROM (SELECT loan_id, sum(fee) AS fee FROM cob_installment WHERE fee > 0
              GROUP BY loan_id) c
        WHERE c.loan_id = l.id AND l.id BETWEEN %(first)s AND %(last)s
        """,
        scope.params,
    )
    return Decimal(total)


def advances_apply(scope: ChunkScope) -> Decimal:
    """Apply held advances to what falls due; few loans hold one, so loan by loan.

    The loans' rows in ``cob_installment`` are read again afterwards: an advance may have paid
    an installment.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT c.loan_id FROM cob_installment c JOIN loans_loan l ON l.id = c.loan_id
            WHERE c.due_date <= %(day)s AND l.advance_amount > 0
            """,
            scope.params,
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
    if not ids:
        return Decimal("0.00")
    total = Decimal("0.00")
    for loan in Loan.objects.select_for_update().filter(id__in=ids).order_by("id"):
        key = f"advance:{loan.pk}:{scope.business_date.isoformat()}"
        if JournalEntry.objects.filter(key=key).exists():
            continue
        entry = advance_apply(loan=loan, as_of=scope.business_date, key=key)
        if entry is not None:
            total += advance_total(entry)
    _installments_reread(scope, ids)
    return total


_BUCKETS = f"""
    CASE WHEN n.dpd = 0 THEN '{Bucket.CURRENT}' WHEN n.dpd <= 30 THEN '{Bucket.M1}'
         WHEN n.dpd <= 60 THEN '{Bucket.M2}' WHEN n.dpd <= 90 THEN '{Bucket.M3}'
         ELSE '{Bucket.M4_PLUS}' END
"""

_EVENT_INSERT = """
    INSERT INTO loans_loanevent
        (loan_id, event_type, business_date, installment_number, data, created_at)
"""

# Every active loan of the chunk once, with what the night does to it (from cob_installment),
# then one UPDATE of the loans that change and the events, in one statement. A loan with no
# row in cob_installment is looked up (NOT EXISTS, in a CASE: only those) to see whether it
# has an unpaid installment left; one with a row has.
_LOANS_SQL = f"""
WITH changes AS (
    SELECT loan_id, max(dpd) AS dpd, sum(penalty) AS penalty, sum(accrual) AS interest
    FROM cob_installment GROUP BY loan_id
), state AS MATERIALIZED (
    SELECT n.*, {_BUCKETS} AS bucket, n.unflagged AND n.dpd >= n.write_off_days AS flag
    FROM (
        SELECT l.id, l.credit_line_id, l.product_id, l.days_past_due AS old_dpd,
               l.bucket AS old_bucket, l.write_off_days,
               l.write_off_candidate_since IS NULL AS unflagged,
               coalesce(c.dpd, 0) AS dpd, coalesce(c.penalty, 0) AS penalty,
               coalesce(c.interest, 0) AS interest,
               CASE WHEN c.loan_id IS NULL
                    THEN NOT EXISTS (SELECT 1 FROM loans_installment i
                                     WHERE i.loan_id = l.id AND i.paid_date IS NULL)
                    ELSE false END AS paid
        FROM loans_loan l LEFT JOIN changes c ON c.loan_id = l.id
        WHERE {_ACTIVE_LOANS_IN_CHUNK}
    ) n
), moved AS (
    UPDATE loans_loan l
    SET days_past_due = s.dpd, bucket = s.bucket,
        penalty_receivable_amount = l.penalty_receivable_amount + s.penalty,
        interest_receivable_amount = l.interest_receivable_amount + s.interest,
        write_off_candidate_since
            = CASE WHEN s.flag THEN %(day)s ELSE l.write_off_candidate_since END,
        status = CASE WHEN s.paid THEN 'PAID_OFF' ELSE l.status END,
        closed_date = CASE WHEN s.paid THEN %(day)s ELSE l.closed_date END
    FROM state s
    WHERE s.id = l.id AND l.id BETWEEN %(first)s AND %(last)s
      AND (s.dpd <> s.old_dpd OR s.bucket <> s.old_bucket OR s.penalty > 0 OR s.interest > 0
           OR s.flag OR s.paid)
    RETURNING l.id
), bucket_changed AS (
    {_EVENT_INSERT}
    SELECT id, 'loan.bucket_changed', %(day)s, 0,
           jsonb_build_object('from', old_bucket, 'to', bucket, 'days_past_due', dpd), now()
    FROM state WHERE bucket <> old_bucket
    ON CONFLICT DO NOTHING RETURNING 1
), overdue AS (
    {_EVENT_INSERT}
    SELECT loan_id, 'installment.overdue', %(day)s, number,
           jsonb_build_object('due_date', due_date), now()
    FROM cob_installment
    WHERE due_date BETWEEN %(day)s - 1 - {_ROLL_DAYS} AND %(day)s - 1 AND pay_by = %(day)s - 1
    ON CONFLICT DO NOTHING RETURNING 1
), flagged AS (
    {_EVENT_INSERT}
    SELECT id, 'loan.write_off_candidate', %(day)s, 0,
           jsonb_build_object('days_past_due', dpd), now()
    FROM state WHERE flag
    ON CONFLICT DO NOTHING RETURNING 1
), closed AS (
    {_EVENT_INSERT}
    SELECT id, 'loan.paid_off', %(day)s, 0, '{{}}'::jsonb, now() FROM state WHERE paid
    ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM state), (SELECT count(*) FROM bucket_changed),
       (SELECT count(*) FROM overdue), (SELECT count(*) FROM flagged),
       (SELECT count(*) FROM closed),
       (SELECT count(*) FROM state WHERE penalty > 0 OR interest > 0),
       ARRAY(SELECT s.credit_line_id FROM state s
             JOIN loans_loanproduct p ON p.id = s.product_id
             WHERE s.dpd >= p.freeze_days AND s.credit_line_id IS NOT NULL)
"""  # noqa: S608 - constants of this module


def delinquency_update(scope: ChunkScope) -> dict[str, int]:
    """The loans' night, in one statement over the chunk's active loans (PRODUCT §2.4, §4).

    Days past due and bucket as of the date (events ``loan.bucket_changed``, and
    ``installment.overdue`` for installments whose pay-by date was the day before); the penalty
    and interest receivables moved by what ``cob_installment`` charges and accrues (posted by
    ``receivables_post``); loans at the write-off days past due flagged (event); loans with
    no unpaid installment left (settled by advances or waivers) closed (event
    ``loan.paid_off``). Each changed loan is updated once: with room on its page (fillfactor
    50, migration 0008) that is a HOT update unless its days past due or bucket change. Then the
    credit lines of loans at the product's freeze days past due are frozen.

    Returns the chunk's active loans, bucket changes, installments newly overdue, write-off
    candidates, loans closed, loans whose receivables moved and lines frozen.
    """
    loans, changed, overdue, flagged, closed, moved, lines = _row(_LOANS_SQL, scope.params)
    return {
        "loans": int(loans),
        "bucket_changes": int(changed),
        "newly_overdue": int(overdue),
        "write_off_candidates": int(flagged),
        "close_paid": int(closed),
        "loan_balances": int(moved),
        "lines_frozen": credit_lines_freeze(scope, sorted({int(i) for i in lines})),
    }


def receivables_post(scope: ChunkScope) -> dict[str, str]:
    """Post the date's penalty and interest accrual of ``cob_installment`` (PRODUCT §2.3, §3).

    One entry per chunk and kind, keyed: Dr penalty / interest receivable per installment (the
    loan's sub-ledger) and Cr penalty / interest income once, the chunk's total (the general
    ledger's daily total, PRODUCT §3), both entries in one INSERT (the ledger guard checks whole
    entries per statement); then the installments move by the same amounts in one UPDATE (the
    loans moved in ``delinquency_update``).
    """
    penalty, interest = _row(
        "SELECT coalesce(sum(penalty), 0), coalesce(sum(accrual), 0) FROM cob_installment", {}
    )
    entries: dict[str, int | None] = {"penalty": None, "accrual": None}
    for name, total, entry_type in (
        ("penalty", penalty, EntryType.PENALTY),
        ("accrual", interest, EntryType.INTEREST_ACCRUAL),
    ):
        if total:
            entries[name] = JournalEntry.objects.create(
                entry_type=entry_type, value_date=scope.business_date, key=scope.key(name)
            ).pk
    if penalty or interest:
        _execute(
            """
            INSERT INTO loans_journalline
                (entry_id, account, loan_id, installment_number, amount)
            SELECT %(penalty_entry)s::bigint, 'PENALTY_RECEIVABLE', loan_id, number, penalty
            FROM cob_installment WHERE penalty > 0
            UNION ALL
            SELECT %(penalty_entry)s::bigint, 'PENALTY_INCOME', NULL, NULL, %(penalty)s
            WHERE %(penalty)s < 0
            UNION ALL
            SELECT %(accrual_entry)s::bigint, 'INTEREST_RECEIVABLE', loan_id, number, accrual
            FROM cob_installment WHERE accrual > 0
            UNION ALL
            SELECT %(accrual_entry)s::bigint, 'INTEREST_INCOME', NULL, NULL, %(interest)s
            WHERE %(interest)s < 0
            """,
            {
                "penalty_entry": entries["penalty"],
                "accrual_entry": entries["accrual"],
                "penalty": -penalty,
                "interest": -interest,
            },
        )
        _execute(
            """
            UPDATE loans_installment i
            SET penalty_charged_amount = i.penalty_charged_amount + c.penalty,
                interest_accrued_amount = i.interest_accrued_amount + c.accrual
            FROM cob_installment c
            WHERE c.installment_id = i.id AND (c.penalty > 0 OR c.accrual > 0)
            """,
            {},
        )
    return {"penalty": str(_money(penalty)), "accrual": str(_money(interest))}


def _money(amount: Decimal) -> Decimal:
    return amount if amount else Decimal("0.00")


def reminders_queue_for(scope: ChunkScope) -> int:
    """Queue the reminders the date calls for (PRODUCT §5; loans.servicing.services.reminders)."""
    return reminders_queue(
        first_loan_id=scope.first_loan_id,
        last_loan_id=scope.last_loan_id,
        business_date=scope.business_date,
        now=scope.now,
    )


def credit_lines_freeze(scope: ChunkScope, line_ids: list[int]) -> int:
    """Freeze these lines of borrowers with a loan at the product's freeze days past due (#16).

    Locks the lines in id order, so two chunks freezing the lines of the same borrowers cannot
    deadlock; a line frozen already keeps its reason and date. Only an officer unfreezes. The
    lines come by key from ``delinquency_update`` (joined instead, the planner overestimated
    them and scanned every line once per chunk: 7 s a night at 1,000,000 loans).
    """
    if not line_ids:
        return 0
    return _execute(
        """
        WITH locked AS (
            SELECT c.id FROM loans_creditline c
            WHERE c.id = ANY(%(lines)s) AND c.status = 'ACTIVE'
            ORDER BY c.id FOR UPDATE OF c
        )
        UPDATE loans_creditline c
        SET status = 'FROZEN', frozen_reason = 'PAST_DUE', frozen_on = %(day)s, updated_at = now()
        FROM locked WHERE c.id = locked.id AND c.status = 'ACTIVE'
        """,
        {**scope.params, "lines": line_ids},
    )


def outbox_events_copy(scope: ChunkScope) -> int:
    """Copy the chunk's events of partners' loans to the partner outbox (PRODUCT §7)."""
    return outbox_from_loan_events(
        first_loan_id=scope.first_loan_id,
        last_loan_id=scope.last_loan_id,
        business_date=scope.business_date,
    )
