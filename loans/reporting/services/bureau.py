"""The monthly credit-bureau export (征信, PRODUCT §13), streamed and kept.

``bureau_export(month=M)`` makes one ``BureauRun``:

- the month's first run (``FULL``) writes a record for every loan open in M (disbursed by its
  last day, not cancelled, not closed before its first day); a later run of M (``CORRECTIONS``)
  writes no monthly record again;
- both carry a correction record for each earlier month (of the 24 before, and M itself for a
  later run) whose figures a back-dated change altered since it was last checked: the loans
  with a journal entry posted after that run began and dated in or before that month are
  worked out again, and a record is sent only when its digest differs from the one last sent;
- records are read by loan id in keyset chunks (``chunk_size`` loans per statement, no list of
  all loans), each chunk's installments and repayments in three more statements, and written
  by the writer as they come: memory stays flat whatever the number of loans;
- the file is created once, never rewritten (``open(..., "xb")``), its SHA-256 kept on the
  run; a failed run leaves no run, no record and no file.

The figures come from ``loans.domain.bureau``; the identity number is decrypted by the writer
alone (``loans.reporting.bureau.writers``). Layout and every field: docs/reporting.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.domain.bureau import (
    HISTORY_MONTHS,
    AccountFacts,
    InstallmentFacts,
    Month,
    month_figures,
    record_problems,
)
from loans.domain.classification import risk_class_for
from loans.domain.money import ZERO
from loans.errors import LendingError
from loans.reporting.bureau.writers import (
    ID_TYPE_RESIDENT_CARD,
    BureauLine,
    BureauWriter,
    JsonLinesWriter,
)
from loans.reporting.models import BureauRecord, BureauRecordKind, BureauRun, BureauRunKind

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5_000
_LOCK_KEY = 190_019  # pg_advisory_xact_lock: one export at a time

WriterFactory = Callable[[BinaryIO], BureauWriter]
Progress = Callable[[str, int], None]  # (what, loans done so far)


class BureauMonthNotOver(LendingError):
    code = "bureau_month_not_over"


class BureauFileExists(LendingError):
    """A run's file name is taken (a database restored behind its files): never overwritten."""

    code = "bureau_file_exists"


@dataclass(frozen=True)
class ExportResult:
    run: BureauRun
    path: Path
    rejects: list[BureauRecord]


def bureau_dir() -> Path:
    return Path(settings.LENDPORTAL_BUREAU_DIR)


# Open in month M: disbursed by its end, not cancelled, not closed before its start.
_LOANS = """
SELECT l.id, b.full_name, b.id_number_ciphertext, l.status, l.disbursed_date, l.closed_date,
       l.principal_amount, l.principal_outstanding_amount, l.days_past_due, c.risk_class
FROM loans_loan l
JOIN accounts_borrower b ON b.id = l.borrower_id
LEFT JOIN reporting_loanclassification c ON c.loan_id = l.id AND c.month_end = %(end)s
WHERE l.id > %(after)s {only}
  AND l.status IN ('ACTIVE', 'PAID_OFF', 'WRITTEN_OFF')
  AND l.disbursed_date <= %(end)s
  AND (l.closed_date IS NULL OR l.closed_date >= %(start)s)
ORDER BY l.id
LIMIT %(limit)s
"""
_INSTALLMENTS = """
SELECT loan_id, number, due_date, paid_date, principal_amount + interest_amount + fee_amount,
       principal_amount, principal_paid_amount,
       interest_amount - interest_paid_amount - interest_waived_amount
         + fee_amount - fee_paid_amount - fee_waived_amount
FROM loans_installment WHERE loan_id = ANY(%(ids)s) ORDER BY loan_id, number
"""
# Repayments after the month end: what they paid is given back to the installments.
_PAID_AFTER = """
SELECT loan_id, allocation FROM loans_repayment
WHERE loan_id = ANY(%(ids)s) AND status = 'POSTED' AND value_date > %(end)s
"""
_PAID_IN_MONTH = """
SELECT loan_id, sum(amount) FROM loans_repayment
WHERE loan_id = ANY(%(ids)s) AND status = 'POSTED' AND value_date BETWEEN %(start)s AND %(end)s
GROUP BY loan_id
"""
_PRINCIPAL_LATER = """
SELECT jl.loan_id, sum(jl.amount)
FROM loans_journalentry e JOIN loans_journalline jl ON jl.entry_id = e.id
WHERE e.value_date > %(end)s AND jl.account = 'PRINCIPAL_RECEIVABLE' AND jl.loan_id = ANY(%(ids)s)
GROUP BY jl.loan_id
"""
_CHANGED = """
SELECT DISTINCT e.loan_id FROM loans_journalentry e
WHERE e.posted_at >= %(since)s AND e.value_date <= %(end)s AND e.loan_id IS NOT NULL
"""


def bureau_export(
    *,
    month: Month,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    writer_factory: WriterFactory = JsonLinesWriter,
    on_progress: Progress | None = None,
    today: date | None = None,
) -> ExportResult:
    """Export ``month``; see the module's rules.

    The month must be over: its last day closed, i.e. before ``today`` (the open business
    date by default). Raises BureauMonthNotOver.
    """
    today = today or business_date_current()
    if month.last_day >= today:
        raise BureauMonthNotOver(
            f"{month} is not over: it can be exported once its last day is closed."
        )
    directory = bureau_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path: Path | None = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            started = timezone.now()
            full = not BureauRun.objects.filter(month=month.first_day).exists()
            writer_name = getattr(writer_factory, "name", "custom")
            run = BureauRun.objects.create(
                month=month.first_day,
                kind=BureauRunKind.FULL if full else BureauRunKind.CORRECTIONS,
                writer=writer_name,
                file_name="",
                file_sha256="",
                started_at=started,
                finished_at=started,
            )
            taken = directory / f"bureau-{month}-run{run.pk}.jsonl"
            try:
                stream = taken.open("xb")
            except FileExistsError:
                raise BureauFileExists(f"{taken} exists: kept files are never rewritten.") from None
            path = taken
            with stream:
                writer = writer_factory(stream)
                counts = _Counts()
                if full:
                    _write_month(run, month, writer, counts, chunk_size, on_progress)
                _write_corrections(run, month, writer, counts, chunk_size, on_progress, full)
                writer.close()
            run.file_name = path.name
            run.file_sha256 = _sha256(path)
            run.records_count = counts.records
            run.corrections_count = counts.corrections
            run.rejects_count = counts.rejects
            run.finished_at = timezone.now()
            run.save()
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    logger.info(
        "Bureau run %s of %s: %s records, %s corrections, %s rejects",
        run.pk,
        month,
        counts.records,
        counts.corrections,
        counts.rejects,
    )
    rejects = list(run.records.exclude(reject_reason="").order_by("loan_id", "month"))
    return ExportResult(run=run, path=path, rejects=rejects)


@dataclass
class _Counts:
    records: int = 0
    corrections: int = 0
    rejects: int = 0


@dataclass(frozen=True)
class _Record:
    loan_id: int
    month: Month
    fields: dict[str, Any]
    digest: str
    identity_ciphertext: str
    name: str


def _write_month(
    run: BureauRun,
    month: Month,
    writer: BureauWriter,
    counts: _Counts,
    chunk_size: int,
    on_progress: Progress | None,
) -> None:
    done = 0
    for chunk in _record_chunks(month, chunk_size, only=None):
        _emit(run, writer, counts, chunk, BureauRecordKind.BASE)
        done += len(chunk)
        if on_progress is not None:
            on_progress(f"{month} records", done)


def _write_corrections(
    run: BureauRun,
    month: Month,
    writer: BureauWriter,
    counts: _Counts,
    chunk_size: int,
    on_progress: Progress | None,
    full: bool,
) -> None:
    last = month if not full else month.plus(-1)
    for index in range(last.index, month.index - HISTORY_MONTHS, -1):
        earlier = Month.from_index(index)
        since = _last_checked(earlier, before=run)
        if since is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute(_CHANGED, {"since": since, "end": earlier.last_day})
            changed = sorted(row[0] for row in cursor.fetchall())
        if not changed:
            continue
        sent = _last_sent_digests(earlier, changed)
        candidates = [loan_id for loan_id in changed if loan_id in sent]
        done = 0
        for start in range(0, len(candidates), chunk_size):
            ids = candidates[start : start + chunk_size]
            for chunk in _record_chunks(earlier, chunk_size, only=ids):
                altered = [record for record in chunk if record.digest != sent[record.loan_id]]
                _emit(run, writer, counts, altered, BureauRecordKind.CORRECTION)
            done += len(ids)
            if on_progress is not None:
                on_progress(f"{earlier} corrections checked", done)


def _last_checked(month: Month, *, before: BureauRun) -> datetime | None:
    """When the last run that checked ``month`` began (runs of it or of the 23 after it)."""
    runs = BureauRun.objects.filter(
        month__gte=month.first_day, month__lte=month.plus(HISTORY_MONTHS - 1).first_day
    ).exclude(pk=before.pk)
    return runs.order_by("-started_at").values_list("started_at", flat=True).first()


def _last_sent_digests(month: Month, loan_ids: list[int]) -> dict[int, str]:
    sent: dict[int, str] = {}
    rows = (
        BureauRecord.objects.filter(month=month.first_day, loan_id__in=loan_ids, reject_reason="")
        .order_by("loan_id", "run_id")
        .values_list("loan_id", "digest")
    )
    for loan_id, digest in rows.iterator(chunk_size=10_000):
        sent[loan_id] = digest  # the latest run's wins
    return sent


def _emit(
    run: BureauRun, writer: BureauWriter, counts: _Counts, chunk: list[_Record], kind: str
) -> None:
    rows: list[tuple[object, ...]] = []
    for record in chunk:
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
        if reason is not None:
            counts.rejects += 1
        elif kind == BureauRecordKind.CORRECTION:
            counts.corrections += 1
        else:
            counts.records += 1
        rows.append(
            (
                run.pk,
                record.loan_id,
                record.month.first_day,
                kind,
                record.digest,
                "" if reason is None else str(reason),
                None if reason is None else json.dumps(fields, ensure_ascii=False),
            )
        )
    # COPY, not bulk_create: a million model instances would cost more than the export.
    with connection.cursor() as cursor:
        copy = cursor.cursor.copy(_COPY_RECORDS)
        with copy as stream:
            for row in rows:
                stream.write_row(row)


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


def _record_chunks(
    month: Month, chunk_size: int, *, only: list[int] | None
) -> Iterator[list[_Record]]:
    """The records of ``month`` in loan-id order, ``chunk_size`` loans at a time."""
    params: dict[str, Any] = {
        "start": month.first_day,
        "end": month.last_day,
        "limit": chunk_size,
        "after": 0,
        "ids": only,
    }
    sql = _LOANS.format(only="" if only is None else "AND l.id = ANY(%(ids)s)")
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            loans = cursor.fetchall()
        if not loans:
            return
        ids = [row[0] for row in loans]
        yield _records(month, loans, _chunk_facts(month, ids))
        if len(loans) < chunk_size:
            return
        params["after"] = ids[-1]


@dataclass
class _ChunkFacts:
    installments: dict[int, list[tuple[Any, ...]]]
    paid_after: dict[tuple[int, int, str], Decimal]
    paid_in_month: dict[int, Decimal]
    principal_later: dict[int, Decimal]


def _chunk_facts(month: Month, ids: list[int]) -> _ChunkFacts:
    params: dict[str, Any] = {"ids": ids, "start": month.first_day, "end": month.last_day}
    installments: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    paid_after: dict[tuple[int, int, str], Decimal] = defaultdict(lambda: ZERO)
    with connection.cursor() as cursor:
        cursor.execute(_INSTALLMENTS, params)
        for row in cursor.fetchall():
            installments[row[0]].append(row[1:])
        cursor.execute(_PAID_AFTER, params)
        for loan_id, allocation in cursor.fetchall():
            data = json.loads(allocation) if isinstance(allocation, str) else allocation
            for part in data.get("parts", []):
                key = (loan_id, int(part["number"]), str(part["component"]))
                paid_after[key] += Decimal(part["amount"])
        cursor.execute(_PAID_IN_MONTH, params)
        paid_in_month = dict(cursor.fetchall())
        cursor.execute(_PRINCIPAL_LATER, params)
        principal_later = dict(cursor.fetchall())
    return _ChunkFacts(installments, paid_after, paid_in_month, principal_later)


def _records(month: Month, loans: list[tuple[Any, ...]], facts: _ChunkFacts) -> list[_Record]:
    end = month.last_day
    records = []
    for (
        loan_id,
        name,
        ciphertext,
        status,
        disbursed,
        closed,
        principal,
        outstanding,
        _dpd,
        stored_class,
    ) in loans:
        rows = []
        for (
            number,
            due,
            paid,
            amount,
            row_principal,
            principal_paid,
            other_unpaid,
        ) in facts.installments.get(loan_id, []):
            back_principal = facts.paid_after.get((loan_id, number, "PRINCIPAL"), ZERO)
            back_other = facts.paid_after.get(
                (loan_id, number, "INTEREST"), ZERO
            ) + facts.paid_after.get((loan_id, number, "FEE"), ZERO)
            unpaid_principal = row_principal - principal_paid + back_principal
            rows.append(
                InstallmentFacts(
                    due_date=due,
                    paid_date=paid,
                    amount=amount,
                    unpaid_principal=unpaid_principal,
                    unpaid_amount=unpaid_principal + max(other_unpaid, ZERO) + back_other,
                )
            )
        written_off = status == "WRITTEN_OFF"
        account = AccountFacts(
            opened=disbursed,
            closed=closed if closed is not None and closed <= end else None,
            written_off=written_off and closed is not None and closed <= end,
            installments=rows,
        )
        figures = month_figures(account, month)
        risk_class = stored_class or risk_class_for(
            days_past_due=figures.days_overdue,
            written_off=account.written_off,
        )
        balance = ZERO if account.closed else outstanding - facts.principal_later.get(loan_id, ZERO)
        bands = figures.overdue_principal_by_band
        own = {
            "Month": str(month),
            "AcctCode": f"LP{loan_id:012d}",
            "Name": name,
            "IDType": ID_TYPE_RESIDENT_CARD,
            "OpenDate": disbursed.isoformat(),
            "DueDate": None if figures.last_due_date is None else figures.last_due_date.isoformat(),
            "LoanAmt": _money(principal),
            "AcctBal": _money(balance),
            "CurRpyAmt": _money(figures.amount_due),
            "ActRpyAmt": _money(facts.paid_in_month.get(loan_id, ZERO)),
            "OverdPrd": figures.overdue_terms,
            "TotOverd": _money(figures.overdue_amount),
            "Oved31_60Princ": _money(bands[0]),
            "Oved61_90Princ": _money(bands[1]),
            "Oved91_180Princ": _money(bands[2]),
            "OvedPrincPast180": _money(bands[3]),
            "FiveCate": str(risk_class),
            "RpyStatus": figures.status,
        }
        digest = hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()
        records.append(
            _Record(
                loan_id=loan_id,
                month=month,
                fields={**own, "RpyStatus24": figures.history},
                digest=digest,
                identity_ciphertext=ciphertext or "",
                name=name,
            )
        )
    return records


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
