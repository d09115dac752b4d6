"""A month's bureau records of cash loans: the figures in SQL, the record and its row.

``record_chunks`` reads the loans open in a month by id in keyset chunks, one statement per
chunk computing every loan's figures of the month (``_FIGURES``), and builds each record with
the 24-month string of ``loans.domain.bureau.history_of``. ``written_rows`` hands the records
to a writer (which alone decrypts the identity number) and returns the rows of
``reporting_bureaurecord`` that ``copy_rows`` inserts. Used by ``services.bureau`` in its own
process and by ``services.bureau_parts`` in worker processes. Fields: docs/reporting.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection

from loans.domain.bureau import Month, StatusCode, history_of, record_problems
from loans.domain.classification import risk_class_for
from loans.reporting.bureau.writers import ID_TYPE_RESIDENT_CARD, BureauLine, BureauWriter
from loans.rows import keyset_batches

# A row of reporting_bureaurecord without its run: loan, month, kind, digest, reason, data.
RecordRow = tuple[int, date, str, str, str, str | None]


# The month's figures of each loan open in month M (disbursed by its end, not cancelled, not
# closed before its start), ``chunk_size`` loans by id, in one statement: the schedule as of
# the month end E (repayments valued after E given back to the installments they paid, from
# their allocation), the month's repayments and the principal of ledger entries dated after E.
# Amounts come back as text with two decimals; the 24-month string's inputs as month indexes
# (year * 12 + month - 1): every installment's due month, and the overdue spans (the month from
# which it is overdue if unpaid, the month it was paid in) of those not paid in time.
_FIGURES = """
WITH chunk AS MATERIALIZED (
    SELECT l.id, l.borrower_id, l.status, l.disbursed_date, l.closed_date, l.principal_amount,
           l.principal_outstanding_amount
    FROM loans_loan l
    WHERE l.id > %(after)s AND l.id <= %(through)s {only}
      AND l.status IN ('ACTIVE', 'PAID_OFF', 'WRITTEN_OFF')
      AND l.disbursed_date <= %(end)s
      AND (l.closed_date IS NULL OR l.closed_date >= %(start)s)
    ORDER BY l.id
    LIMIT %(limit)s
), back AS (
    SELECT r.loan_id, (part->>'number')::int AS number,
           coalesce(sum((part->>'amount')::numeric)
                    FILTER (WHERE part->>'component' = 'PRINCIPAL'), 0) AS principal,
           coalesce(sum((part->>'amount')::numeric)
                    FILTER (WHERE part->>'component' IN ('INTEREST', 'FEE')), 0) AS other
    FROM loans_repayment r
    CROSS JOIN LATERAL jsonb_array_elements(r.allocation->'parts') AS part
    WHERE r.loan_id IN (SELECT id FROM chunk) AND r.status = 'POSTED' AND r.value_date > %(end)s
    GROUP BY 1, 2
), rows AS (
    SELECT i.loan_id, i.due_date, i.paid_date,
           i.principal_amount + i.interest_amount + i.fee_amount AS amount,
           i.principal_amount - i.principal_paid_amount + coalesce(k.principal, 0)
             AS unpaid_principal,
           greatest(i.interest_amount - i.interest_paid_amount - i.interest_waived_amount
                    + i.fee_amount - i.fee_paid_amount - i.fee_waived_amount, 0)
             + coalesce(k.other, 0) AS unpaid_other,
           i.due_date < %(end)s AND (i.paid_date IS NULL OR i.paid_date > %(end)s) AS overdue,
           %(end)s - i.due_date AS age,
           (date_part('year', i.due_date) * 12 + date_part('month', i.due_date) - 1)::int
             AS due_index,
           (date_part('year', i.due_date) * 12 + date_part('month', i.due_date) - 1)::int
             + CASE WHEN date_part('day', i.due_date + 1) = 1 THEN 1 ELSE 0 END AS overdue_from,
           (date_part('year', i.paid_date) * 12 + date_part('month', i.paid_date) - 1)::int
             AS paid_index
    FROM loans_installment i
    LEFT JOIN back k ON k.loan_id = i.loan_id AND k.number = i.number
    WHERE i.loan_id IN (SELECT id FROM chunk)
), figures AS (
    SELECT loan_id,
           count(*) FILTER (WHERE overdue) AS terms,
           coalesce(sum(unpaid_principal + unpaid_other) FILTER (WHERE overdue), 0) AS overdue,
           coalesce(sum(unpaid_principal) FILTER (WHERE overdue AND age BETWEEN 31 AND 60), 0)
             AS band_1,
           coalesce(sum(unpaid_principal) FILTER (WHERE overdue AND age BETWEEN 61 AND 90), 0)
             AS band_2,
           coalesce(sum(unpaid_principal) FILTER (WHERE overdue AND age BETWEEN 91 AND 180), 0)
             AS band_3,
           coalesce(sum(unpaid_principal) FILTER (WHERE overdue AND age > 180), 0) AS band_4,
           coalesce(sum(amount) FILTER (WHERE due_date BETWEEN %(start)s AND %(end)s), 0)
             AS amount_due,
           max(due_date) AS last_due,
           coalesce(max(age) FILTER (WHERE overdue), 0) AS days_overdue,
           array_agg(due_index) AS due_indexes,
           array_agg(overdue_from) FILTER (WHERE paid_index IS NULL OR paid_index > overdue_from)
             AS spans_from,
           array_agg(paid_index) FILTER (WHERE paid_index IS NULL OR paid_index > overdue_from)
             AS spans_paid
    FROM rows GROUP BY loan_id
)
SELECT c.id, b.full_name, b.id_number_ciphertext, c.status, c.disbursed_date, c.closed_date,
       round(c.principal_amount, 2)::text,
       round(c.principal_outstanding_amount - coalesce(later.principal, 0), 2)::text,
       cls.risk_class,
       coalesce(f.terms, 0), round(coalesce(f.overdue, 0), 2)::text,
       round(coalesce(f.band_1, 0), 2)::text, round(coalesce(f.band_2, 0), 2)::text,
       round(coalesce(f.band_3, 0), 2)::text, round(coalesce(f.band_4, 0), 2)::text,
       round(coalesce(f.amount_due, 0), 2)::text, f.last_due, coalesce(f.days_overdue, 0),
       f.due_indexes, f.spans_from, f.spans_paid,
       round(coalesce(paid.amount, 0), 2)::text
FROM chunk c
-- LIMIT 1: one index probe per loan, never a scan of every borrower or month-end row.
CROSS JOIN LATERAL (
    SELECT b.full_name, b.id_number_ciphertext FROM accounts_borrower b
    WHERE b.id = c.borrower_id LIMIT 1
) b
LEFT JOIN LATERAL (
    SELECT cls.risk_class FROM reporting_loanclassification cls
    WHERE cls.loan_id = c.id AND cls.month_end = %(end)s LIMIT 1
) cls ON true
LEFT JOIN figures f ON f.loan_id = c.id
LEFT JOIN LATERAL (
    SELECT sum(r.amount) AS amount FROM loans_repayment r
    WHERE r.loan_id = c.id AND r.status = 'POSTED'
      AND r.value_date BETWEEN %(start)s AND %(end)s
) paid ON true
LEFT JOIN LATERAL (
    SELECT sum(jl.amount) AS principal
    FROM loans_journalline jl JOIN loans_journalentry e ON e.id = jl.entry_id
    WHERE jl.loan_id = c.id AND jl.account = 'PRINCIPAL_RECEIVABLE' AND e.value_date > %(end)s
) later ON true
ORDER BY c.id
"""


@dataclass(frozen=True)
class Record:
    loan_id: int
    month: Month
    fields: dict[str, Any]
    digest: str
    identity_ciphertext: str
    name: str


def record_chunks(
    month: Month,
    chunk_size: int,
    *,
    only: list[int] | None = None,
    after: int = 0,
    through: int = 2**63 - 1,
) -> Iterator[list[Record]]:
    """The records of ``month`` in loan-id order, ``chunk_size`` loans at a time: every loan
    open in it (or those of ``only``) with an id in (``after``, ``through``]."""
    params: dict[str, Any] = {
        "start": month.first_day,
        "end": month.last_day,
        "after": after,
        "through": through,
        "ids": only,
    }
    sql = _FIGURES.format(only="" if only is None else "AND l.id = ANY(%(ids)s)")
    yield from keyset_batches(sql, params, partial(_record, month), chunk_size=chunk_size)


def _record(month: Month, row: tuple[Any, ...]) -> Record:
    """One loan's record from its row of ``_FIGURES`` (the rules of ``month_figures``)."""
    (
        loan_id,
        name,
        ciphertext,
        status,
        disbursed,
        closed,
        principal,
        balance,
        stored_class,
        terms,
        overdue,
        band_1,
        band_2,
        band_3,
        band_4,
        amount_due,
        last_due,
        days_overdue,
        due_indexes,
        spans_from,
        spans_paid,
        paid_in_month,
    ) = row
    end = month.last_day
    closed_by_end = closed is not None and closed <= end
    written_off = closed_by_end and status == "WRITTEN_OFF"
    text = history_of(
        opened_index=Month.of(disbursed).index,
        month_index=month.index,
        due_indexes=due_indexes or (),
        overdue_spans=zip(spans_from or (), spans_paid or (), strict=True),
        closed_index=Month.of(closed).index if closed_by_end else None,
        written_off=written_off,
    )
    if closed_by_end:  # nothing is overdue on a closed account
        terms, days_overdue, balance = 0, 0, _NIL
        overdue = band_1 = band_2 = band_3 = band_4 = _NIL
    risk_class = stored_class or risk_class_for(days_past_due=days_overdue, written_off=written_off)
    own = {
        "Month": str(month),
        "AcctCode": f"LP{loan_id:012d}",
        "Name": name,
        "IDType": ID_TYPE_RESIDENT_CARD,
        "OpenDate": disbursed.isoformat(),
        "DueDate": None if last_due is None else last_due.isoformat(),
        "LoanAmt": principal,
        "AcctBal": balance,
        "CurRpyAmt": amount_due,
        "ActRpyAmt": paid_in_month,
        "OverdPrd": terms,
        "TotOverd": overdue,
        "Oved31_60Princ": band_1,
        "Oved61_90Princ": band_2,
        "Oved91_180Princ": band_3,
        "OvedPrincPast180": band_4,
        "FiveCate": str(risk_class),
        "RpyStatus": text[-1] if text else StatusCode.UNKNOWN.value,
    }
    digest = hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()
    return Record(
        loan_id=loan_id,
        month=month,
        fields={**own, "RpyStatus24": text},
        digest=digest,
        identity_ciphertext=ciphertext or "",
        name=name,
    )


_NIL = "0.00"


def written_rows(writer: BureauWriter, records: Iterable[Record], kind: str) -> list[RecordRow]:
    """Hand each record to the writer; its row, with the reject reason when it was refused
    (by the checks before its identity is read, or by the writer)."""
    rows: list[RecordRow] = []
    for record in records:
        fields = {"RecordType": kind, **record.fields}
        problems = record_problems(
            name=record.name,
            has_identity=bool(record.identity_ciphertext),
            amounts=[Decimal(fields[key]) for key in _AMOUNT_FIELDS],
        )
        reason = (
            problems[0]
            if problems
            else writer.write(BureauLine(record.loan_id, fields, record.identity_ciphertext))
        )
        rows.append(
            (
                record.loan_id,
                record.month.first_day,
                kind,
                record.digest,
                "" if reason is None else str(reason),
                None if reason is None else json.dumps(fields, ensure_ascii=False),
            )
        )
    return rows


def copy_rows(run_id: int, rows: Iterable[RecordRow]) -> None:
    """Insert a run's record rows with one COPY (a model instance per record would cost more
    than the export)."""
    with connection.cursor() as cursor:
        copy = cursor.cursor.copy(_COPY_RECORDS)
        with copy as stream:
            for row in rows:
                stream.write_row((run_id, *row))


_COPY_RECORDS = (
    "COPY reporting_bureaurecord (run_id, loan_id, month, kind, digest, reject_reason, data) "
    "FROM STDIN"
)
_AMOUNT_FIELDS = (
    "LoanAmt",
    "AcctBal",
    "CurRpyAmt",
    "ActRpyAmt",
    "TotOverd",
    "Oved31_60Princ",
    "Oved61_90Princ",
    "Oved91_180Princ",
    "OvedPrincPast180",
)
