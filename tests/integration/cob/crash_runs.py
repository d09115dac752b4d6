"""Close of business on real workers that a test kills, and the books it leaves (issue #4).

Shared by the reliability tests, test_killed_workers.py and test_duplicate_delivery.py (their
fixtures are in conftest.py). Real ``celery worker`` processes (prefork pool, acks_late,
reject-on-worker-lost: the production settings; see worker_harness.py) close two business dates,
27 and 28 February 2027 (a month end), of a seeded portfolio of 3,000 loans with loans in every
bucket, in chunks of 250, through a Redis database of their own and the pytest database.

- SeededPortfolio: the Django tables as seeded, saved to a schema of their own once per module
  and restored before each run;
- books() and assert_same_books(): what a run leaves, compared with a reference run without
  crashes, to the fen and to the row: the ledger (journal entries by key, their lines by loan,
  installment, account and amount), every column of loans and installments (balances, days past
  due, bucket, status), loan events, reminders, and the runs' chunks and summaries. Ids of rows
  written during close of business are not compared (a rolled-back transaction still consumes
  sequence values), nor are timestamps;
- Workers: one worker at a time, killed (a pool process, the main process or the whole worker)
  and replaced, beat's ``business_day_close`` published, and the run waited for.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import DateTimeField, JSONField, Model

from loans.calendar.models import BusinessDate
from loans.cob.models import CobChunk, CobChunkStatus, CobRun, CobRunStatus
from loans.domain.delinquency import Bucket
from loans.ledger.reconciliation import books_reconcile
from loans.management.seeding.portfolio import portfolio_seed
from loans.servicing.models import Installment, Loan
from tests.database import owner_cursor
from tests.integration.cob import worker_harness as harness

LOANS = 3_000
PORTFOLIO_SEED = 4
AS_OF = date(2027, 2, 27)  # a run closes 27 and 28 February (a month end): 24 chunks
DATES = 2
CLOSED_THROUGH = AS_OF + timedelta(days=DATES)  # the business date open after the run
CHUNK_SIZE = 250
# (seed of the kill moments, the kill that takes a whole process down with the pool process)
KILL_RUNS = [(1, "whole worker"), (2, "main process"), (3, "whole worker")]
RUN_TIMEOUT = 240.0  # seconds for one run, kills and restarts included
STALL_TIMEOUT = 60.0  # seconds without a chunk or a date closing
BACKUP_SCHEMA = "cob_crash_test_seed"
WRITTEN_TABLES = [
    "loans_journalentry", "loans_journalline", "loans_installment", "loans_loan",
    "loans_loanevent", "loans_reminder",
]  # fmt: skip


# --- the seeded portfolio, saved once per module and restored before each run ---------------


@dataclass
class SeededPortfolio:
    """The Django tables as seeded, copied to a schema of their own, with their sequences."""

    tables: list[str]
    sequences: list[tuple[str, int, bool]]

    def restore(self) -> None:
        """Put the database back as it was right after the seed: same rows, same next ids."""
        quoted = ", ".join(connection.ops.quote_name(t) for t in self.tables)
        # As the owner: the application's role may not truncate (tests/database.py).
        with owner_cursor(allow_truncate=True) as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            # The journal's lines last: their loans and accounts are checked as each statement
            # ends (ledger migration 0011), not at the commit.
            for table in sorted(self.tables, key=lambda t: t == "loans_journalline"):
                name = connection.ops.quote_name(table)
                cursor.execute(f"INSERT INTO {name} SELECT * FROM {BACKUP_SCHEMA}.{name}")  # noqa: S608
            for sequence, last_value, is_called in self.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])
            cursor.execute("COMMIT")
            cursor.execute("ANALYZE loans_loan; ANALYZE loans_installment")


def flush() -> None:
    """Empty the tables as pytest-django does after a transactional test."""
    call_command("flush", interactive=False, verbosity=0)


def seed_and_save() -> SeededPortfolio:
    tables = sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with owner_cursor(allow_truncate=True) as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    portfolio_seed(loans=LOANS, as_of=AS_OF, seed=PORTFOLIO_SEED)
    assert set(Loan.objects.values_list("bucket", flat=True)) == {b.value for b in Bucket}
    sequences = []
    with owner_cursor() as cursor:  # the owner keeps the saved copy: a schema of its own
        cursor.execute(f"DROP SCHEMA IF EXISTS {BACKUP_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {BACKUP_SCHEMA}")
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {BACKUP_SCHEMA}.{name} AS TABLE {name}")
            for found in connection.introspection.get_sequences(cursor, table):
                cursor.execute(f"SELECT last_value, is_called FROM {found['name']}")  # noqa: S608
                last_value, is_called = cursor.fetchone()
                sequences.append((found["name"], last_value, is_called))
    return SeededPortfolio(tables, sequences)


# --- what a run leaves: the books, as sorted rows without ids and timestamps ----------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _query(sql: str) -> list[str]:
    """The rows of ``sql`` as PostgreSQL's text of each row (amounts with their scale), sorted."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM ({sql}) t ORDER BY 1")  # noqa: S608 - constant SQL
        return [row[0] for row in cursor.fetchall()]


def _columns(model: type[Model]) -> str:
    """Every column of a table the seed wrote, but its timestamps."""
    columns = []
    for f in model._meta.concrete_fields:
        if isinstance(f, DateTimeField):
            continue
        name = connection.ops.quote_name(f.column)
        columns.append(f"{name}::text" if isinstance(f, JSONField) else name)  # normalised
    return f"SELECT {', '.join(columns)} FROM {model._meta.db_table}"  # noqa: S608


def _counts_and_amounts(stats: dict[str, Any]) -> str:
    """Counts and amounts of a chunk's stats or a run's summary; not timings or worker names."""
    kept: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, int) and not isinstance(value, bool):
            kept[key] = value
        elif isinstance(value, str):
            try:
                kept[key] = Decimal(value)
            except InvalidOperation:
                continue
    return _plain(kept)


def books() -> dict[str, list[Any]]:
    """What close of business leaves, without the ids of the rows it writes or timestamps."""
    return {
        "business date": _query("SELECT current_date FROM loans_businessdate"),
        "cob runs": sorted(
            (r.business_date, r.status, r.chunk_size, r.chunk_count, _counts_and_amounts(r.summary))
            for r in CobRun.objects.all()
        ),
        "cob chunks": sorted(
            (
                c.run.business_date,
                c.number,
                c.first_loan_id,
                c.last_loan_id,
                c.status,
                _counts_and_amounts(c.stats),
            )
            for c in CobChunk.objects.select_related("run")
        ),
        "loans": _query(_columns(Loan)),
        "installments": _query(_columns(Installment)),
        "journal entries": _query(
            """
            SELECT e.key, e.entry_type, e.value_date, e.loan_id, r.key AS reverses, e.memo
            FROM loans_journalentry e LEFT JOIN loans_journalentry r ON r.id = e.reverses_id
            """
        ),
        "journal lines": _query(
            """
            SELECT e.key, e.entry_type, e.value_date, e.memo,
                   l.account, l.loan_id, l.installment_number, l.amount
            FROM loans_journalline l JOIN loans_journalentry e ON e.id = l.entry_id
            """
        ),
        "loan events": _query(
            """
            SELECT loan_id, event_type, business_date, installment_number, data::text
            FROM loans_loanevent
            """
        ),
        "reminders": _query(
            """
            SELECT installment_id, kind, channel, loan_id, business_date, language, status,
                   attempts, provider_message_id, last_error
            FROM loans_reminder
            """
        ),
    }


def assert_same_books(actual: dict[str, list[Any]], expected: dict[str, list[Any]]) -> None:
    differences = []
    for table, rows in expected.items():
        if actual[table] == rows:
            continue
        missing = list((Counter(rows) - Counter(actual[table])).elements())
        extra = list((Counter(actual[table]) - Counter(rows)).elements())
        differences.append(
            f"{table}: {len(actual[table])} rows, reference {len(rows)}; "
            f"{len(missing)} missing, e.g. {missing[:3]}; {len(extra)} extra, e.g. {extra[:3]}"
        )
    assert not differences, "the books differ from the run without crashes:\n" + "\n".join(
        differences
    )


def assert_books_reconcile() -> None:
    failed = [(r.name, r.failures) for r in books_reconcile() if not r.ok]
    assert failed == [], f"the books do not reconcile: {failed}"


# --- running close of business on workers -----------------------------------------------------


@dataclass(frozen=True)
class Kill:
    """One kill: what was killed, and what its connection was doing in PostgreSQL then."""

    target: str  # "pool process", "main process" or "whole worker"
    seconds: float  # into the run
    in_chunk: bool  # inside cob_chunk_process's transaction (it holds the chunk's row lock)
    writing: bool  # that transaction had begun writing the books
    query: str

    @property
    def lost_chunk_work(self) -> bool:
        """The process executing a chunk died with its transaction open."""
        return self.in_chunk and self.target != "main process"


@dataclass
class Workers:
    """Close of business on real workers, one worker at a time (a new one after each crash)."""

    broker: str
    log_dir: Path
    clock_day: date  # the workers' Beijing date: every date before it may be closed
    concurrency: int = 1
    workers: list[harness.Worker] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def current(self) -> harness.Worker:
        return self.workers[-1]

    def application_name(self, number: int) -> str:
        return f"cob-crash-{os.getpid()}-{number}"

    def start_worker(self) -> harness.Worker:
        number = len(self.workers) + 1
        env = harness.worker_environment(
            connection.settings_dict,
            application_name=self.application_name(number),
            broker=self.broker,
            clock_offset=harness.clock_offset(self.clock_day),
            **{harness.CHUNK_SIZE_ENV: str(CHUNK_SIZE)},
        )
        worker = harness.Worker(
            name=f"cob{number}",
            env=env,
            log_path=self.log_dir / f"worker-{number}.log",
            concurrency=self.concurrency,
        )
        self.workers.append(worker)
        return worker.start()

    def beat(self) -> None:
        """What beat does every 15 minutes: close (or resume closing) the open business date."""
        harness.publish(self.broker, "loans.cob.tasks.business_day_close")

    def kill(self, target: str, *, beat: bool = True, in_a_chunk: bool = False) -> Kill:
        """Freeze the worker, look at its PostgreSQL connection, then SIGKILL ``target``.

        A pool process (or, with ``in_a_chunk``, any target) is killed inside a chunk's
        transaction when one starts within a few seconds (chunks are short), so most kills cut
        a chunk's work short. A worker that died is replaced and, with ``beat``, beat's
        ``business_day_close`` is published (it re-sends every pending chunk).
        """
        worker = self.current
        if target == "pool process" or in_a_chunk:
            self._wait_for_a_chunk(len(self.workers), timeout=3.0)
        pool = worker.freeze()
        in_chunk, writing, query = self._activity(len(self.workers))
        if target == "pool process" and not pool:
            target = "whole worker"  # between a lost pool process and its replacement
        kill = Kill(target, round(time.monotonic() - self.started, 2), in_chunk, writing, query)
        if target == "pool process":
            worker.kill_pool_process(pool[0])
        elif target == "main process":
            worker.kill_main_process()
        else:
            worker.kill()
        self.kills.append(kill)
        if not worker.running():
            self.start_worker()
            if beat:
                self.beat()
        return kill

    def in_a_chunk(self) -> bool:
        """The current worker is inside a chunk's transaction right now."""
        return self._activity(len(self.workers))[0]

    def _wait_for_a_chunk(self, number: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._activity(number)[0] and time.monotonic() < deadline:
            time.sleep(0.01)

    def _activity(self, number: int) -> tuple[bool, bool, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT coalesce(bool_or(c.relname = 'loans_cobchunk'
                                        AND l.mode = 'RowShareLock'), false),
                       coalesce(bool_or(c.relname = ANY(%s)
                                        AND l.mode = 'RowExclusiveLock'), false),
                       coalesce(min(left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80)), '')
                FROM pg_stat_activity a
                LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' AND l.granted
                LEFT JOIN pg_class c ON c.oid = l.relation
                WHERE a.datname = current_database() AND a.application_name = %s
                  AND a.xact_start IS NOT NULL AND a.query <> 'COMMIT'
                """,
                [WRITTEN_TABLES, self.application_name(number)],
            )
            in_chunk, writing, query = cursor.fetchone()
        return bool(in_chunk), bool(writing), str(query)

    def wait_until(
        self, done: Callable[[], bool], *, between: Callable[[], None] | None = None
    ) -> None:
        """Poll ``done`` (calling ``between`` each time) until it holds; fail on a stall."""
        deadline = time.monotonic() + RUN_TIMEOUT
        progress, moved = _progress(), time.monotonic()
        while not done():
            now = time.monotonic()
            if (current := _progress()) != progress:
                progress, moved = current, now
            if now > deadline or now - moved > STALL_TIMEOUT:
                pytest.fail(self.report(f"close of business stuck at {progress}"))
            if between is not None:
                between()
            time.sleep(0.05)

    def redelivered(self) -> set[str]:
        """Ids of the task messages that a worker received more than once."""
        received = Counter(
            line.split("[")[2].split("]")[0]
            for worker in self.workers
            for line in worker.log().splitlines()
            if "] received" in line and "Task loans.cob.tasks." in line
        )
        return {task_id for task_id, times in received.items() if times > 1}

    def report(self, headline: str) -> str:
        logs = "\n".join(f"--- {w.name} ({w.log_path}):\n{w.log_tail()}" for w in self.workers)
        return f"{headline}\nkills: {self.kills}\n{logs}"

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + 20
        while _worker_connections() and time.monotonic() < deadline:
            time.sleep(0.1)  # a killed worker's backend may still finish its last statement


def _progress() -> tuple[Any, ...]:
    return (
        BusinessDate.objects.values_list("current_date", flat=True).first(),
        CobChunk.objects.filter(status=CobChunkStatus.DONE).count(),
    )


def _worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE %s",
            [f"cob-crash-{os.getpid()}-%"],
        )
        return int(cursor.fetchone()[0])


def closed_through_the_last_date() -> bool:
    return (
        BusinessDate.objects.get(pk=1).current_date == CLOSED_THROUGH
        and CobRun.objects.filter(status=CobRunStatus.DONE).count() == DATES
    )


def run_closed(run_id: int) -> bool:
    return CobRun.objects.get(pk=run_id).status == CobRunStatus.DONE


def assert_closed_on_every_chunk() -> None:
    assert list(CobRun.objects.order_by("business_date").values_list("business_date", "status"))
    assert not CobChunk.objects.exclude(status=CobChunkStatus.DONE).exists()
    assert BusinessDate.objects.get(pk=1).current_date == CLOSED_THROUGH
