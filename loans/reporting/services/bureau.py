"""The monthly credit-bureau export (征信, PRODUCT §13), streamed and kept.

``bureau_export(month=M)`` makes one ``BureauRun``:

- the month's first run (``FULL``) writes a record for every loan open in M (disbursed by its
  last day, not cancelled, not closed before its first day); a later run of M (``CORRECTIONS``)
  writes no monthly record again;
- both carry a correction record for each earlier month (of the 24 before, and M itself for a
  later run) whose figures a back-dated change altered since it was last checked: the loans
  with a journal entry posted after that run began and dated in or before that month are
  worked out again, and a record is sent only when its digest differs from the one last sent;
- both try again the records still rejected (of the 24 months up to M): sent when they now
  pass, else listed again as rejects of the run;
- records are read by loan id in keyset chunks (``chunk_size`` loans per statement, no list of
  all loans), each chunk's figures in one SQL statement (``services.bureau_records``), and
  written by the writer as they come: memory stays flat whatever the number of loans; with
  ``workers`` above 1, worker processes write the month's records (``services.bureau_workers``);
- the file is created once, never rewritten (``open(..., "xb")``), its SHA-256 kept on the
  run; a failed run leaves no run, no record and no file;
- the revolving accounts' records, corrections and resent rejects follow the loans' in the
  same run and file, by the same rules (``services.bureau_revolving``): the loans' lines are
  what they were before revolving accounts were reported, and come first.

The rules are those of ``loans.domain.bureau``; the identity number is decrypted by the writer
alone (``loans.reporting.bureau.writers``). Layout and every field: docs/reporting.md.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.domain.bureau import HISTORY_MONTHS, Month
from loans.errors import LendingError
from loans.reporting.bureau.writers import BureauWriter, JsonLinesWriter
from loans.reporting.models import BureauRecord, BureauRecordKind, BureauRun, BureauRunKind
from loans.reporting.services.bureau_records import (
    Record,
    RecordRow,
    copy_rows,
    record_chunks,
    written_rows,
)
from loans.reporting.services.bureau_revolving import (
    account_rows_copy,
    revolving_accounts_unreported,
    revolving_part_write,
)
from loans.reporting.services.bureau_workers import PartTask, month_part, part_worker_start

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5_000
PART_SIZE = 25_000  # loan ids per worker task (--workers above 1)
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
    resent: int = 0  # earlier rejects sent by this run (in its records or corrections)
    # Revolving accounts open at the month's end without its month-end row: not reported.
    revolving_unreported: int = 0


def bureau_dir() -> Path:
    return Path(settings.LENDPORTAL_BUREAU_DIR)


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
    workers: int = 1,
) -> ExportResult:
    """Export ``month``; see the module's rules. With ``workers`` above 1 the month's records
    are worked out by that many processes (``services.bureau_workers``): the same file.

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
                # JIT compiles the figures' statement afresh for every chunk: measured at 21 s
                # of a 26 s chunk. SET LOCAL ends with the transaction (fine behind PgBouncer).
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")  # a chunk's sort in memory
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
                if full and workers > 1:
                    _write_month_in_parts(
                        run, month, stream, counts, chunk_size, on_progress, writer_factory,
                        workers,
                    )  # fmt: skip
                elif full:
                    _write_month(run, month, writer, counts, chunk_size, on_progress)
                _write_corrections(run, month, writer, counts, chunk_size, on_progress, full)
                _resend_rejects(run, month, writer, counts, chunk_size)
                _write_revolving(run, month, writer, counts, chunk_size, on_progress, full)
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
    rejects = list(
        run.records.exclude(reject_reason="").order_by("loan_id", "revolving_account_id", "month")
    )
    unreported = revolving_accounts_unreported(month) if full else 0
    if unreported:
        logger.warning(
            "Bureau run %s of %s: %s revolving accounts without a month-end row, not reported",
            run.pk,
            month,
            unreported,
        )
    return ExportResult(
        run=run,
        path=path,
        rejects=rejects,
        resent=counts.resent,
        revolving_unreported=unreported,
    )


@dataclass
class _Counts:
    records: int = 0
    corrections: int = 0
    rejects: int = 0
    resent: int = 0

    def add(self, rows: Iterable[RecordRow]) -> None:
        for _loan, _month, kind, _digest, reason, _data in rows:
            if reason:
                self.rejects += 1
            elif kind == BureauRecordKind.CORRECTION:
                self.corrections += 1
            else:
                self.records += 1


def _emit(
    run: BureauRun, writer: BureauWriter, counts: _Counts, records: list[Record], kind: str
) -> None:
    rows = written_rows(writer, records, kind)
    copy_rows(run.pk, rows)
    counts.add(rows)


def _write_month(
    run: BureauRun,
    month: Month,
    writer: BureauWriter,
    counts: _Counts,
    chunk_size: int,
    on_progress: Progress | None,
) -> None:
    done = 0
    for chunk in record_chunks(month, chunk_size):
        _emit(run, writer, counts, chunk, BureauRecordKind.BASE)
        done += len(chunk)
        if on_progress is not None:
            on_progress(f"{month} records", done)


def _write_month_in_parts(
    run: BureauRun,
    month: Month,
    stream: BinaryIO,
    counts: _Counts,
    chunk_size: int,
    on_progress: Progress | None,
    writer_factory: WriterFactory,
    workers: int,
) -> None:
    """The month's records by ``workers`` processes, one loan-id range (``PART_SIZE`` ids) per
    task, in the snapshot of this transaction; each part's file appended in id order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot(), coalesce(max(id), 0) FROM loans_loan")
        snapshot, last_id = cursor.fetchone()
    stem = bureau_dir() / f".bureau-{month}-run{run.pk}"
    tasks = [
        PartTask(snapshot, str(month), after, min(after + PART_SIZE, last_id), chunk_size,
                 f"{stem}.part{number}", writer_factory)
        for number, after in enumerate(range(0, last_id, PART_SIZE))
    ]  # fmt: skip
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=part_worker_start,
            initargs=(connection.settings_dict["NAME"],),
        ) as pool:
            for part in pool.map(month_part, tasks):
                with open(part.path, "rb") as source:
                    shutil.copyfileobj(source, stream)
                Path(part.path).unlink()
                copy_rows(run.pk, part.rows)
                counts.add(part.rows)
                done += len(part.rows)
                if on_progress is not None:
                    on_progress(f"{month} records", done)
    finally:
        for task in tasks:
            Path(task.path).unlink(missing_ok=True)


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
            for chunk in record_chunks(earlier, chunk_size, only=ids):
                altered = [record for record in chunk if record.digest != sent[record.loan_id]]
                _emit(run, writer, counts, altered, BureauRecordKind.CORRECTION)
            done += len(ids)
            if on_progress is not None:
                on_progress(f"{earlier} corrections checked", done)


# The records of the 24 months up to M whose latest version, in the runs before this one, is a
# reject, and which this run has not written already (a correction of the same month).
_OUTSTANDING_REJECTS = """
WITH rejected AS (
    SELECT DISTINCT loan_id, month FROM reporting_bureaurecord
    WHERE reject_reason <> '' AND loan_id IS NOT NULL
      AND month BETWEEN %(first)s AND %(last)s AND run_id <> %(run)s
), latest AS (
    SELECT DISTINCT ON (r.loan_id, r.month) r.loan_id, r.month, r.kind, r.reject_reason
    FROM reporting_bureaurecord r JOIN rejected USING (loan_id, month)
    WHERE r.run_id <> %(run)s
    ORDER BY r.loan_id, r.month, r.run_id DESC
)
SELECT month, kind, loan_id FROM latest
WHERE reject_reason <> ''
  AND NOT EXISTS (
      SELECT 1 FROM reporting_bureaurecord t
      WHERE t.run_id = %(run)s AND t.loan_id = latest.loan_id AND t.month = latest.month
  )
ORDER BY month, kind, loan_id
"""


def _resend_rejects(
    run: BureauRun, month: Month, writer: BureauWriter, counts: _Counts, chunk_size: int
) -> None:
    """Try again every record still rejected (of the 24 months up to ``month``): worked out
    from today's data, sent with its first kind when it now passes, else listed again as a
    reject of this run. So fixing the data and exporting again sends it."""
    params = {"first": month.plus(1 - HISTORY_MONTHS).first_day, "last": month.first_day}
    with connection.cursor() as cursor:
        cursor.execute(_OUTSTANDING_REJECTS, {**params, "run": run.pk})
        outstanding: dict[tuple[date, str], list[int]] = {}
        for first_day, kind, loan_id in cursor.fetchall():
            outstanding.setdefault((first_day, kind), []).append(loan_id)
    for (first_day, kind), loan_ids in outstanding.items():
        for start in range(0, len(loan_ids), chunk_size):
            ids = loan_ids[start : start + chunk_size]
            for chunk in record_chunks(Month.of(first_day), chunk_size, only=ids):
                rows = written_rows(writer, chunk, kind)
                copy_rows(run.pk, rows)
                counts.add(rows)
                counts.resent += sum(1 for row in rows if not row[4])


def _write_revolving(
    run: BureauRun,
    month: Month,
    writer: BureauWriter,
    counts: _Counts,
    chunk_size: int,
    on_progress: Progress | None,
    full: bool,
) -> None:
    """The revolving accounts' part of the run, after the loans' (``services.bureau_revolving``)."""

    def emit(rows: list[RecordRow]) -> None:
        account_rows_copy(run.pk, rows)
        counts.add(rows)

    counts.resent += revolving_part_write(
        run_id=run.pk,
        month=month,
        writer=writer,
        emit=emit,
        chunk_size=chunk_size,
        on_progress=on_progress,
        full=full,
        last_checked=lambda earlier: _last_checked(earlier, before=run),
    )


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
