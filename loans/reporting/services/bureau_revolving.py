"""A month's bureau records of revolving accounts (PRODUCT §13, §10): figures, records, runs.

``bureau_export`` writes these after the loans' part of a run (its records, corrections and
resent rejects, unchanged), so a file is the loans' lines followed by the revolving accounts'.

**Which accounts.** One record per account open in month M: those with a month-end row at M's
last day E (``LoanClassification.revolving_account``, written by the month-end step for every
account open at E), and those closed during M (status ``CLOSED`` now, a row at the previous
month end and none at E): their record says ``C`` with nothing owed. An account open in M
without a row at E (E's month-end step did not run) is not reported: its bills as they were at
E cannot be read back; ``revolving_accounts_unreported`` counts them for the command to say so.

**The figures** (docs/reporting.md "Revolving accounts"): the month-end row gives the class,
principal, credit limit, overdue bills, their unpaid minimum and its principal by age as they
were at E; the bills (never rewritten but for their unpaid parts) give the last due date, the
month's amount due (minimum payments of the bills due in M) and the months something fell due
in; the payments valued in M (payments are only ever valued on the open business date) the
amount paid. The 24-month string: ``loans.domain.bureau_revolving.revolving_history`` over the
rows of the 24 months.

**Corrections** use the loans' mechanism: for a month X already checked, the accounts whose
row of X was restated since (``classified_at``) or with a journal line dated in or before X
and posted since are worked out again; a correction is sent when the month's digest differs
from the one last sent. Nothing in the revolving services posts a back-dated entry today, so
this fires only when the month-end rows are restated (``classify_loans`` the morning after).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection

from loans.domain.bureau import HISTORY_MONTHS, Month, StatusCode, record_problems
from loans.domain.bureau_revolving import revolving_history
from loans.reporting.bureau.writers import ID_TYPE_RESIDENT_CARD, BureauLine, BureauWriter
from loans.reporting.services.bureau_records import RecordRow
from loans.rows import keyset_batches

# PBOC account type of a revolving loan account (循环贷账户) in the data dictionary.
ACCOUNT_TYPE_REVOLVING = "R1"

Emit = Callable[[list[RecordRow]], None]  # copies the rows a writer produced into the run
LastChecked = Callable[[Month], datetime | None]
Progress = Callable[[str, int], None]

_INDEX = "(date_part('year', {0}) * 12 + date_part('month', {0}) - 1)::int"

# The records of month M (start S, end E): ``limit`` accounts by id after ``after``.
_FIGURES = f"""
WITH chunk AS MATERIALIZED (
    SELECT a.id, a.credit_line_id, a.opened_date, c.id IS NULL AS closed,
        coalesce(c.risk_class, 'NORMAL') AS risk_class,
        coalesce(c.principal_outstanding_amount, 0) AS balance,
        coalesce(c.credit_limit_amount, p.credit_limit_amount) AS credit_limit,
        coalesce(c.overdue_terms, 0) AS terms, coalesce(c.overdue_amount, 0) AS overdue,
        coalesce(c.overdue_31_60_principal_amount, 0) AS band_1,
        coalesce(c.overdue_61_90_principal_amount, 0) AS band_2,
        coalesce(c.overdue_91_180_principal_amount, 0) AS band_3,
        coalesce(c.overdue_over_180_principal_amount, 0) AS band_4
    FROM revolving_revolvingaccount a
    LEFT JOIN reporting_loanclassification c
        ON c.revolving_account_id = a.id AND c.month_end = %(end)s
    LEFT JOIN reporting_loanclassification p
        ON p.revolving_account_id = a.id AND p.month_end = %(previous_end)s
    WHERE a.id > %(after)s {{only}}
      AND (c.id IS NOT NULL OR (a.status = 'CLOSED' AND p.id IS NOT NULL))
    ORDER BY a.id
    LIMIT %(limit)s
), bills AS (
    SELECT s.account_id, max(s.due_date) AS last_due,
        coalesce(sum(s.minimum_payment_amount)
                 FILTER (WHERE s.due_date BETWEEN %(start)s AND %(end)s), 0) AS amount_due,
        array_agg({_INDEX.format("s.due_date")}) FILTER (
            WHERE s.minimum_payment_amount > 0 AND s.due_date >= %(window)s
              AND s.due_date <= %(end)s) AS due_indexes
    FROM revolving_statement s
    WHERE s.account_id IN (SELECT id FROM chunk) AND s.statement_date <= %(end)s
    GROUP BY s.account_id
), history AS (
    SELECT h.revolving_account_id AS account_id,
        array_agg({_INDEX.format("h.month_end")} ORDER BY h.month_end) AS months,
        array_agg(h.overdue_terms ORDER BY h.month_end) AS terms
    FROM reporting_loanclassification h
    WHERE h.revolving_account_id IN (SELECT id FROM chunk)
      AND h.month_end BETWEEN %(window)s AND %(end)s
    GROUP BY h.revolving_account_id
)
SELECT c.id, b.full_name, b.id_number_ciphertext, c.opened_date, c.closed, c.risk_class,
    round(c.credit_limit, 2)::text, round(c.balance, 2)::text,
    round(coalesce(s.amount_due, 0), 2)::text, round(coalesce(paid.amount, 0), 2)::text,
    c.terms, round(c.overdue, 2)::text,
    round(c.band_1, 2)::text, round(c.band_2, 2)::text,
    round(c.band_3, 2)::text, round(c.band_4, 2)::text,
    s.last_due, s.due_indexes, h.months, h.terms
FROM chunk c
-- LIMIT 1: one index probe per account, never a scan of every line or borrower.
CROSS JOIN LATERAL (
    SELECT b.full_name, b.id_number_ciphertext
    FROM loans_creditline l JOIN accounts_borrower b ON b.id = l.borrower_id
    WHERE l.id = c.credit_line_id LIMIT 1
) b
LEFT JOIN bills s ON s.account_id = c.id
LEFT JOIN history h ON h.account_id = c.id
LEFT JOIN LATERAL (
    SELECT sum(p.amount) AS amount FROM revolving_revolvingpayment p
    WHERE p.account_id = c.id AND p.value_date BETWEEN %(start)s AND %(end)s
) paid ON true
ORDER BY c.id
"""  # noqa: S608 - the interpolated parts are constants of this module

_UNREPORTED = """
SELECT count(*) FROM revolving_revolvingaccount a
WHERE a.status = 'ACTIVE' AND a.opened_date <= %(end)s
  AND NOT EXISTS (SELECT 1 FROM reporting_loanclassification c
                  WHERE c.revolving_account_id = a.id AND c.month_end = %(end)s)
"""

# The accounts whose record of a month X may have changed since ``since``: the month-end row
# restated, or a journal line of the account dated in or before X posted since.
_CHANGED = """
SELECT c.revolving_account_id FROM reporting_loanclassification c
WHERE c.month_end = %(end)s AND c.revolving_account_id IS NOT NULL
  AND c.classified_at >= %(since)s
UNION
SELECT jl.revolving_account_id
FROM loans_journalentry e JOIN loans_journalline jl ON jl.entry_id = e.id
WHERE e.posted_at >= %(since)s AND e.value_date <= %(end)s
  AND jl.revolving_account_id IS NOT NULL
"""

_LAST_SENT = """
SELECT DISTINCT ON (revolving_account_id) revolving_account_id, digest
FROM reporting_bureaurecord
WHERE month = %(month)s AND revolving_account_id = ANY(%(ids)s) AND reject_reason = ''
ORDER BY revolving_account_id, run_id DESC
"""

# The revolving records of the 24 months up to M whose latest version, in the runs before this
# one, is a reject, and which this run has not written already (as the loans').
_OUTSTANDING_REJECTS = """
WITH rejected AS (
    SELECT DISTINCT revolving_account_id, month FROM reporting_bureaurecord
    WHERE reject_reason <> '' AND revolving_account_id IS NOT NULL
      AND month BETWEEN %(first)s AND %(last)s AND run_id <> %(run)s
), latest AS (
    SELECT DISTINCT ON (r.revolving_account_id, r.month)
        r.revolving_account_id, r.month, r.kind, r.reject_reason
    FROM reporting_bureaurecord r JOIN rejected USING (revolving_account_id, month)
    WHERE r.run_id <> %(run)s
    ORDER BY r.revolving_account_id, r.month, r.run_id DESC
)
SELECT month, kind, revolving_account_id FROM latest
WHERE reject_reason <> ''
  AND NOT EXISTS (
      SELECT 1 FROM reporting_bureaurecord t
      WHERE t.run_id = %(run)s AND t.revolving_account_id = latest.revolving_account_id
        AND t.month = latest.month
  )
ORDER BY month, kind, revolving_account_id
"""

_COPY_RECORDS = (
    "COPY reporting_bureaurecord "
    "(run_id, revolving_account_id, month, kind, digest, reject_reason, data) FROM STDIN"
)
_AMOUNT_FIELDS = (
    "CreditLimit",
    "AcctBal",
    "CurRpyAmt",
    "ActRpyAmt",
    "TotOverd",
    "Oved31_60Princ",
    "Oved61_90Princ",
    "Oved91_180Princ",
    "OvedPrincPast180",
)


@dataclass(frozen=True)
class AccountRecord:
    account_id: int
    month: Month
    fields: dict[str, Any]
    digest: str
    identity_ciphertext: str
    name: str


def account_record_chunks(
    month: Month, chunk_size: int, *, only: list[int] | None = None
) -> Iterator[list[AccountRecord]]:
    """The revolving records of ``month`` by account id, ``chunk_size`` accounts at a time:
    every account open in it (or those of ``only``)."""
    params: dict[str, Any] = {
        "start": month.first_day,
        "end": month.last_day,
        "previous_end": month.plus(-1).last_day,
        "window": month.plus(1 - HISTORY_MONTHS).first_day,
        "ids": only,
    }
    sql = _FIGURES.format(only="" if only is None else "AND a.id = ANY(%(ids)s)")
    yield from keyset_batches(sql, params, partial(_record, month), chunk_size=chunk_size)


def _record(month: Month, row: tuple[Any, ...]) -> AccountRecord:
    """One account's record from its row of ``_FIGURES``."""
    (
        account_id, name, ciphertext, opened, closed, risk_class, credit_limit, balance,
        amount_due, paid, terms, overdue, band_1, band_2, band_3, band_4, last_due,
        due_indexes, months, month_terms,
    ) = row  # fmt: skip
    text = revolving_history(
        opened_index=Month.of(opened).index,
        month_index=month.index,
        due_indexes=due_indexes or (),
        overdue_terms=dict(zip(months or (), month_terms or (), strict=True)),
        closed_index=month.index if closed else None,
    )
    own = {
        "Month": str(month),
        "AcctCode": f"LR{account_id:012d}",
        "AcctType": ACCOUNT_TYPE_REVOLVING,
        "Name": name,
        "IDType": ID_TYPE_RESIDENT_CARD,
        "OpenDate": opened.isoformat(),
        "DueDate": None if last_due is None else last_due.isoformat(),
        "CreditLimit": credit_limit,
        "AcctBal": balance,
        "CurRpyAmt": amount_due,
        "ActRpyAmt": paid,
        "OverdPrd": terms,
        "TotOverd": overdue,
        "Oved31_60Princ": band_1,
        "Oved61_90Princ": band_2,
        "Oved91_180Princ": band_3,
        "OvedPrincPast180": band_4,
        "FiveCate": risk_class,
        "RpyStatus": text[-1] if text else StatusCode.UNKNOWN.value,
    }
    digest = hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()
    return AccountRecord(
        account_id=account_id,
        month=month,
        fields={**own, "RpyStatus24": text},
        digest=digest,
        identity_ciphertext=ciphertext or "",
        name=name,
    )


def account_written_rows(
    writer: BureauWriter, records: Iterable[AccountRecord], kind: str
) -> list[RecordRow]:
    """Hand each record to the writer; its row (account id first), with the reject reason when
    it was refused, as ``bureau_records.written_rows`` does for loans."""
    rows: list[RecordRow] = []
    for record in records:
        fields = {"RecordType": kind, **record.fields}
        problems = record_problems(
            name=record.name,
            has_identity=bool(record.identity_ciphertext),
            amounts=[Decimal(fields[key]) for key in _AMOUNT_FIELDS],
        )
        line = BureauLine(record.account_id, fields, record.identity_ciphertext)
        reason = problems[0] if problems else writer.write(line)
        rows.append(
            (
                record.account_id,
                record.month.first_day,
                kind,
                record.digest,
                "" if reason is None else str(reason),
                None if reason is None else json.dumps(fields, ensure_ascii=False),
            )
        )
    return rows


def account_rows_copy(run_id: int, rows: Iterable[RecordRow]) -> None:
    """Insert a run's revolving record rows with one COPY."""
    with connection.cursor() as cursor:
        copy = cursor.cursor.copy(_COPY_RECORDS)
        with copy as stream:
            for row in rows:
                stream.write_row((run_id, *row))


def revolving_accounts_unreported(month: Month) -> int:
    """Accounts open at the end of ``month`` (as far as today's status tells) with no
    month-end row there: left out of the month's records."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREPORTED, {"end": month.last_day})
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def revolving_month_write(
    month: Month,
    writer: BureauWriter,
    emit: Emit,
    chunk_size: int,
    on_progress: Progress | None,
) -> None:
    """Write the BASE record of every revolving account open in ``month``."""
    done = 0
    for chunk in account_record_chunks(month, chunk_size):
        emit(account_written_rows(writer, chunk, "BASE"))
        done += len(chunk)
        if on_progress is not None:
            on_progress(f"{month} revolving records", done)


def revolving_corrections_write(
    month: Month,
    writer: BureauWriter,
    emit: Emit,
    chunk_size: int,
    *,
    full: bool,
    last_checked: LastChecked,
) -> None:
    """The revolving corrections of the 24 months up to ``month`` (``month`` itself too in a
    later run): the loans' rule (module docstring)."""
    last = month if not full else month.plus(-1)
    for index in range(last.index, month.index - HISTORY_MONTHS, -1):
        earlier = Month.from_index(index)
        since = last_checked(earlier)
        if since is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute(_CHANGED, {"since": since, "end": earlier.last_day})
            changed = sorted(row[0] for row in cursor.fetchall())
            if not changed:
                continue
            cursor.execute(_LAST_SENT, {"month": earlier.first_day, "ids": changed})
            sent = dict(cursor.fetchall())
        candidates = [account_id for account_id in changed if account_id in sent]
        for start in range(0, len(candidates), chunk_size):
            ids = candidates[start : start + chunk_size]
            for chunk in account_record_chunks(earlier, chunk_size, only=ids):
                altered = [r for r in chunk if r.digest != sent[r.account_id]]
                emit(account_written_rows(writer, altered, "CORRECTION"))


def revolving_rejects_resend(
    run_id: int, month: Month, writer: BureauWriter, emit: Emit, chunk_size: int
) -> int:
    """Try again every revolving record still rejected (of the 24 months up to ``month``), as
    the loans' are; returns how many are sent now."""
    params: dict[str, Any] = {
        "first": month.plus(1 - HISTORY_MONTHS).first_day,
        "last": month.first_day,
        "run": run_id,
    }
    outstanding: dict[tuple[date, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_OUTSTANDING_REJECTS, params)
        for first_day, kind, account_id in cursor.fetchall():
            outstanding.setdefault((first_day, kind), []).append(account_id)
    resent = 0
    for (first_day, kind), account_ids in outstanding.items():
        for start in range(0, len(account_ids), chunk_size):
            ids = account_ids[start : start + chunk_size]
            for chunk in account_record_chunks(Month.of(first_day), chunk_size, only=ids):
                rows = account_written_rows(writer, chunk, kind)
                emit(rows)
                resent += sum(1 for row in rows if not row[4])
    return resent


def revolving_part_write(
    *,
    run_id: int,
    month: Month,
    writer: BureauWriter,
    emit: Emit,
    chunk_size: int,
    on_progress: Progress | None,
    full: bool,
    last_checked: LastChecked,
) -> int:
    """A run's revolving part: the month's records (a full run), the corrections, the rejects
    tried again. Returns how many earlier rejects it sent."""
    if full:
        revolving_month_write(month, writer, emit, chunk_size, on_progress)
    revolving_corrections_write(
        month, writer, emit, chunk_size, full=full, last_checked=last_checked
    )
    return revolving_rejects_resend(run_id, month, writer, emit, chunk_size)
