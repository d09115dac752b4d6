"""One portfolio seed run: ids, borrower chunks, writer threads and one transaction a chunk."""

from __future__ import annotations

import hashlib
import queue
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from accounts.database_roles import connection_as_owner
from loans.calendar.models import BusinessDate
from loans.management.seeding.portfolio.borrowers import (
    BorrowerMaker,
    Chunk,
    borrower_chunks,
    loans_per_borrower,
    prefetched,
)
from loans.management.seeding.portfolio.mix import (
    CASH_AMOUNTS,
    CONTRACT_TEXT,
    FEE_METHOD,
    GRADES,
    STATUS_DAYS,
    TERMS,
    approved_profiles,
    portfolio_products_ensure,
    schedule_templates,
)
from loans.management.seeding.portfolio.references import SEEDED_TABLES, foreign_keys_set_aside
from loans.management.seeding.portfolio.session import (
    Session,
    SessionData,
    sequence,
    session_close,
    session_open,
)
from loans.management.seeding.portfolio.sql import (
    ANALYZED,
    BORROWER_COLUMNS,
    CREDIT_SQL,
    ENTRIES,
    INSTALLMENT_INSERT_SQL,
    LEDGER_TOTALS_SQL,
    LOAN_INSERT_SQL,
    LOANS_SQL,
    STAGING_COLUMNS,
    STAGING_SQL,
)
from loans.management.seeding.portfolio.summary import PortfolioSummary, Progress, ProgressCallback
from loans.reporting.services.loan_stock import loan_stock_rebuild
from loans.servicing.services.reminders import reminders_history_record

BEIJING = ZoneInfo("Asia/Shanghai")


class Run:
    """One seed: prepares borrowers in a thread, writes chunks in one or more writer threads."""

    def __init__(
        self,
        *,
        loans: int,
        as_of: date,
        seed: int,
        chunk_size: int,
        writers: int,
        report: ProgressCallback | None,
    ) -> None:
        self.loans = loans
        self.as_of = as_of
        self.last_closed = as_of - timedelta(days=1)
        self.seed = seed
        self.chunk_size = chunk_size
        self.writers = writers
        self.report = report
        self.summary = PortfolioSummary()
        self.lock = threading.Lock()
        self.analysed: set[int] = set()  # the writer threads that analysed their first chunk
        self.started = time.perf_counter()

    def step(self, name: str, began: float, *, announce: bool = True) -> None:
        self.timed(name, time.perf_counter() - began, announce=announce)

    def timed(self, name: str, seconds: float, *, announce: bool = True) -> None:
        self.summary.time(name, seconds)
        if announce:
            self.progress(name)

    def progress(self, name: str) -> None:
        if self.report:
            elapsed = time.perf_counter() - self.started
            self.report(Progress(name, self.summary.loans, self.loans, self.summary.rows, elapsed))

    def execute(self) -> None:
        began = time.perf_counter()
        cash, installment = portfolio_products_ensure()
        rng = random.Random(self.seed)  # noqa: S311 - synthetic data, replayable by seed
        profiles = approved_profiles(rng)
        self.step("products and credit profiles", began)
        began = time.perf_counter()
        templates, template_rows = schedule_templates(cash, installment)
        self.step(f"{len(templates):,} schedule templates", began)
        counts = loans_per_borrower(rng, self.loans)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            ids = self._reserve(cursor, "accounts_borrower", len(counts))
        data = SessionData(cash, installment, profiles, templates, template_rows)
        self.step("ids", began)
        maker = BorrowerMaker(as_of=self.as_of, rng=rng, profiles=profiles)
        chunks = prefetched(borrower_chunks(maker, ids, counts, self.chunk_size))
        if self.writers == 1:
            self._write_here(data, chunks)
        else:
            self._write_in_parallel(data, chunks)
        began = time.perf_counter()
        BusinessDate.objects.update_or_create(pk=1, defaults={"current_date": self.as_of})
        # The dashboard's stock: the chunks skipped its triggers when they ran as a replica.
        loan_stock_rebuild()
        self._analyze()
        self.step("business date, stock and statistics", began)
        self.summary.elapsed = time.perf_counter() - self.started

    def _analyze(self) -> None:
        """Statistics for the planner. Only the tables' owner may ANALYZE (PostgreSQL skips the
        application's role with a warning, issue #20): parallel writers connect as the owner,
        and so does this; one writer may be inside a test's transaction and keeps its role."""
        if self.writers == 1:
            self._analyze_here()
            return
        with connection_as_owner(DEFAULT_DB_ALIAS):
            self._analyze_here()

    @staticmethod
    def _analyze_here() -> None:
        with connection.cursor() as cursor:
            for table in ANALYZED:
                cursor.execute(f"ANALYZE {table}")

    def _write_here(self, data: SessionData, chunks: Iterator[Chunk]) -> None:
        """One writer: this thread and its connection (works inside a test's transaction)."""
        session = session_open(data)
        try:
            for chunk in chunks:
                self._chunk_done(chunk, self._write(session, chunk))
        finally:
            session_close()

    def _write_in_parallel(self, data: SessionData, chunks: Iterator[Chunk]) -> None:
        """``writers`` threads, each with its own connection and session, take chunks in turn.

        PostgreSQL runs each connection on its own core, so two writers keep both cores busy
        while the borrower thread encrypts. The first error stops every writer and is raised.
        """
        with self._references_set_aside():
            self._write_in_threads(data, chunks)

    @contextmanager
    def _references_set_aside(self) -> Iterator[None]:
        """The owner's foreign keys dropped for the writing and checked at its end.

        A superuser's writers skip the row-by-row checks per chunk instead (``Session``); a
        role that does not own the tables keeps them (slow, but it cannot drop them).
        """
        with connection_as_owner(DEFAULT_DB_ALIAS):
            with connection.cursor() as cursor:
                superuser, owner = _privileges(cursor)
            if superuser or not owner:
                yield
                return
            with foreign_keys_set_aside(self.timed):
                yield

    def _write_in_threads(self, data: SessionData, chunks: Iterator[Chunk]) -> None:
        work: queue.Queue[Chunk | None] = queue.Queue(maxsize=self.writers)
        results: queue.Queue[tuple[Chunk, PortfolioSummary] | BaseException | None] = queue.Queue()
        stop = threading.Event()

        def writer() -> None:
            try:
                # As the owner: the first chunk's ANALYZE needs it (see ``_analyze``).
                with connection_as_owner(DEFAULT_DB_ALIAS):
                    session = session_open(data)
                    while not stop.is_set() and (chunk := work.get()) is not None:
                        results.put((chunk, self._write(session, chunk)))
                    session_close()
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                results.put(error)
            finally:
                connection.close()
                results.put(None)

        threads = [
            threading.Thread(target=writer, name=f"seed-portfolio-writer-{n}", daemon=True)
            for n in range(self.writers)
        ]
        for thread in threads:
            thread.start()
        try:
            self._feed(chunks, work, results, stop)
        finally:
            stop.set()
            for _ in threads:
                with suppress(queue.Full):
                    work.put_nowait(None)
            for thread in threads:
                thread.join()

    def _feed(
        self,
        chunks: Iterator[Chunk],
        work: queue.Queue[Chunk | None],
        results: queue.Queue[tuple[Chunk, PortfolioSummary] | BaseException | None],
        stop: threading.Event,
    ) -> None:
        """Hand chunks to the writers and report each finished one; raise a writer's error."""
        finished = 0
        for chunk in chunks:
            while True:
                finished += self._collect(results, wait=False)
                try:
                    work.put(chunk, timeout=0.2)
                    break
                except queue.Full:
                    continue
        for _ in range(self.writers):
            work.put(None)
        while finished < self.writers:
            finished += self._collect(results, wait=True)

    def _collect(
        self,
        results: queue.Queue[tuple[Chunk, PortfolioSummary] | BaseException | None],
        *,
        wait: bool,
    ) -> int:
        """Report the chunks finished so far; return how many writers have stopped."""
        stopped = 0
        while True:
            try:
                item = results.get(timeout=0.2) if wait else results.get_nowait()
            except queue.Empty:
                return stopped
            if isinstance(item, BaseException):
                raise item
            if item is None:
                stopped += 1
                if wait:
                    return stopped
                continue
            self._chunk_done(*item)
            wait = False

    def _chunk_done(self, chunk: Chunk, part: PortfolioSummary) -> None:
        part.time("borrowers: generate and encrypt (overlapped)", chunk.prepared_in)
        part.borrowers += chunk.count
        part.loans += chunk.loans
        self.summary.merge(part)
        self.progress(f"chunk {chunk.number}")

    def _reserve(self, cursor: Any, table: str, count: int) -> list[int]:
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [sequence(cursor, table), count],
        )
        return [row[0] for row in cursor.fetchall()]

    def _write(self, session: Session, chunk: Chunk) -> PortfolioSummary:
        """Write one chunk in one transaction; return what it wrote and its step times."""
        part = PortfolioSummary()
        lap = _Lap(part)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [_chunk_seed(self.seed, chunk.number)])
            if session.trusted_references:
                # Every reference below points at a row this transaction writes from the same
                # temporary tables: skip the row-by-row deferred foreign-key triggers (half the
                # time of a chunk). Constraints, unique indexes and the ledger guards (ENABLE
                # ALWAYS, migration 0007) still run.
                cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.copy(f"COPY accounts_borrower ({BORROWER_COLUMNS}) FROM STDIN") as copy:
                copy.write(chunk.borrowers)
            cursor.execute(
                STAGING_SQL,
                {
                    "application_sequence": session.sequences["loans_creditapplication"],
                    "line_sequence": session.sequences["loans_creditline"],
                },
            )
            with cursor.copy(f"COPY seed_borrower ({STAGING_COLUMNS}) FROM STDIN") as copy:
                copy.write(chunk.staging)
            part.rows += chunk.count
            lap("borrowers: copy")
            cursor.execute(LOANS_SQL, self._loan_params(session))
            cursor.execute(CREDIT_SQL)
            part.rows += 2 * chunk.count
            lap("loans: draw; applications and credit lines")
            cursor.execute(LOAN_INSERT_SQL, {"contract_hash": _contract_hash()})
            if cursor.rowcount != chunk.loans:
                raise RuntimeError(
                    f"chunk {chunk.number}: {cursor.rowcount} of {chunk.loans} loans"
                )
            part.rows += cursor.rowcount
            lap("loans: insert")
            cursor.execute(INSTALLMENT_INSERT_SQL, {"day": self.as_of})
            part.rows += cursor.rowcount
            part.installments += cursor.rowcount
            lap("installments: insert")
            self._post(cursor, chunk, part)
            _count(cursor, part)
            lap("ledger: post")
            self._reminders(cursor, part)
            lap("reminders already sent")
        lap("commit (deferred checks)")
        return part

    def _loan_params(self, session: Session) -> dict[str, Any]:
        return {
            "day": self.as_of,
            "last_closed": self.last_closed,
            "low_days": [low for low, _ in STATUS_DAYS],
            "high_days": [high for _, high in STATUS_DAYS],
            "terms": len(TERMS),
            "grades": len(GRADES),
            "amounts": len(CASH_AMOUNTS),
            "fee_method": FEE_METHOD,
            "loan_sequence": session.sequences["loans_loan"],
        }

    def _post(self, cursor: Any, chunk: Chunk, part: PortfolioSummary) -> None:
        """Post the chunk's opening balances: one entry per type, one line per loan and account.

        DISBURSEMENT Dr principal receivable / Cr cash (the payout long settled), REPAYMENT
        Dr cash / Cr the receivables paid, INTEREST_ACCRUAL and FEE_DUE for what was earned.
        Each entry's lines go in one INSERT: the ledger guard checks whole entries per statement.
        """
        cursor.execute(LEDGER_TOTALS_SQL)
        totals = dict(zip([e[2] for e in ENTRIES], cursor.fetchone(), strict=True))
        memo = f"seed_portfolio opening balances, chunk {chunk.number}"
        for entry_type in ("DISBURSEMENT", "REPAYMENT", "INTEREST_ACCRUAL", "FEE_DUE"):
            parts = [e for e in ENTRIES if e[0] == entry_type]
            total = sum((totals[e[2]] for e in parts), Decimal("0"))
            if not total:
                continue
            cursor.execute(
                "INSERT INTO loans_journalentry (entry_type, value_date, key, memo, posted_at)"
                " VALUES (%s, %s, NULL, %s, now()) RETURNING id",
                [entry_type, self.last_closed, memo],
            )
            entry = cursor.fetchone()[0]
            offset_account = parts[0][4]
            sign = parts[0][3]
            selects = [
                f"SELECT %(entry)s, '{account}', id, NULL::int, {sign} * {column} "  # noqa: S608
                f"FROM seed_loan WHERE {column} <> 0"
                for _, account, column, _, _ in parts
            ]
            selects.append(f"SELECT %(entry)s, '{offset_account}', NULL, NULL, %(offset)s")
            cursor.execute(
                "INSERT INTO loans_journalline (entry_id, account, loan_id, installment_number,"
                " amount) " + " UNION ALL ".join(selects),
                {"entry": entry, "offset": -sign * total},
            )
            part.rows += cursor.rowcount + 1
            part.journal_lines += cursor.rowcount

    def _reminders(self, cursor: Any, part: PortfolioSummary) -> None:
        """The reminders the nights through D - 1 queued and sent, as close of business would."""
        with self.lock:
            writer = threading.get_ident()
            first_chunk = writer not in self.analysed
            self.analysed.add(writer)
        if first_chunk:
            # Give the planner row counts, or it joins these tables, empty when last analysed,
            # with nested loops over millions of rows. Each writer analyses in its own first
            # chunk: another writer's statistics are not visible before that one commits
            # (issue #20: a second writer's first chunk took 392 s of a 100,000-loan seed).
            cursor.execute(
                "ANALYZE loans_loan; ANALYZE loans_installment; ANALYZE accounts_borrower"
            )
        cursor.execute("SELECT min(id), max(id) FROM seed_loan")
        first, last = cursor.fetchone()
        sent_at = timezone.make_aware(datetime.combine(self.last_closed, time_of_day(9)), BEIJING)
        part.rows += reminders_history_record(
            first_loan_id=first, last_loan_id=last, through=self.last_closed, sent_at=sent_at
        )


class _Lap:
    """Adds the time since the last call to a step of a chunk's summary."""

    def __init__(self, part: PortfolioSummary) -> None:
        self.part = part
        self.began = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.part.time(step, now - self.began)
        self.began = now


def _privileges(cursor: Any) -> tuple[bool, bool]:
    """Whether this connection's role is a superuser, and whether it owns every seeded table."""
    cursor.execute(
        """
        SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
               bool_and(pg_has_role(c.relowner, 'USAGE'))
        FROM pg_class c
        WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace
        """,
        [list(SEEDED_TABLES)],
    )
    superuser, owner = cursor.fetchone()
    return bool(superuser), bool(owner)


def _count(cursor: Any, part: PortfolioSummary) -> None:
    cursor.execute(
        """
        SELECT method, CASE WHEN days_past_due = 0 THEN 'CURRENT'
            WHEN days_past_due <= 30 THEN 'M1' WHEN days_past_due <= 60 THEN 'M2'
            WHEN days_past_due <= 90 THEN 'M3' ELSE 'M4_PLUS' END,
            count(*), sum(principal - principal_paid)
        FROM seed_loan GROUP BY 1, 2
        """
    )
    for method, bucket, count, outstanding in cursor.fetchall():
        part.by_method[method] += count
        part.by_bucket[bucket] += count
        part.by_status["ACTIVE"] += count
        part.principal_outstanding += outstanding


def _chunk_seed(seed: int, chunk: int) -> float:
    """Return a setseed() argument in [-1, 1] for the chunk: the draws replay for a seed."""
    return random.Random(f"{seed}:{chunk}").uniform(-1, 1)  # noqa: S311 - not a secret


def _contract_hash() -> str:
    return hashlib.sha256(CONTRACT_TEXT.encode()).hexdigest()
