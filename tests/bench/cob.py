"""`make bench`: close of business for 1,000,000 loans (issue #4).

Seeds N loans into a database of its own (``lendportal_bench`` on the configured server, or on
the embedded one), then, each measured in this one run:

1. COB for the seeded date on Celery workers, one process per core (`close_business_day`);
2. the same date again: every chunk re-delivered, which must find its work done;
3. COB for the next date on a single worker process (so the gain from a second process shows);
4. a naive baseline on the date after: one ORM transaction per loan doing the same accrual
   (``loans.servicing.services.daily.loan_interest_accrue``) for a sample of loans;
5. the floor (issue #20): over the first run's chunks, on as many connections as worker
   processes, the least a night can write: one INSERT … SELECT of one journal-shaped line per
   active installment (into a copy of ``loans_journalline`` with its indexes) and one UPDATE of
   every active loan, a transaction per chunk. COB / floor says how far COB is from it.

It prints loans per second for each, the ratio to the baseline, the rerun time, COB / floor, the
workers' peak memory (VmHWM of every worker process) and when each chunk ran on which process.

    python -m tests.bench.cob [--loans 1000000] [--baseline 10000] [--reuse]
        [--database lendportal_bench] [--broker-db 14] [--template DB] [--cob-only] [--drop]

``--template DB`` copies an already seeded database (``CREATE DATABASE … TEMPLATE``) into the
bench's database instead of seeding, so runs of different code start from the same books;
``--cob-only`` measures the two-process COB, its rerun and the floor only; ``--drop`` drops the
bench's database and stops (``tests.bench.scale`` frees its 26 GB so).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
AS_OF = date(2027, 3, 15)
BENCH_DB = "lendportal_bench"
BROKER_DB = 14  # a Redis database of its own, so a `make run` worker never takes bench tasks
LOG_DIR = BASE_DIR / "var" / "bench"


@dataclass
class Figures:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)


def main() -> None:
    options = _options()
    env = _environment(options.database, options.broker_db)
    figures = Figures()
    if options.drop:
        _database_drop(env)
        return
    figures.add(f"Database {_safe(env['DATABASE_URL'])}, {os.cpu_count()} cores")
    if options.template:
        _database_create(env, template=options.template)
    elif not options.reuse:
        _database_create(env)
        _manage(env, "migrate", "--no-input", "-v", "0")
        began = time.perf_counter()
        _manage(env, "seed_portfolio", "--loans", str(options.loans), "--as-of", AS_OF.isoformat(),
                "--chunk-size", str(options.seed_chunk), quiet_every=4)  # fmt: skip
        figures.add(f"seed_portfolio {options.loans:,} loans: {time.perf_counter() - began:.1f} s")
    _django(env)
    cores = os.cpu_count() or 1
    first = _cob_on_workers(env, _open_date(), concurrency=cores, figures=figures)
    _rerun(first.day, first.seconds, figures)
    if not options.cob_only:
        single = _cob_on_workers(env, _open_date(), concurrency=1, figures=figures)
        naive = _baseline(_open_date(), options.baseline, figures)
        figures.add(
            f"Ratio to the naive baseline: {first.rate / naive:,.0f}x with {cores} worker "
            f"processes, {single.rate / naive:,.0f}x with one; {cores} processes are "
            f"{first.rate / single.rate:.2f}x one process"
        )
    floor = _floor(env, first.day, connections=cores, figures=figures)
    figures.add(
        f"COB / floor: {first.seconds:.1f} s / {floor:.1f} s = {first.seconds / floor:.2f} "
        "(goal at most 2.0)"
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / "cob.txt").write_text("\n".join(figures.lines) + "\n")
    print(f"Figures written to {LOG_DIR / 'cob.txt'}")


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--seed-chunk", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--database", default=BENCH_DB, help="the bench's database (recreated)")
    parser.add_argument("--broker-db", type=int, default=BROKER_DB, help="the Redis database")
    parser.add_argument("--template", help="copy this seeded database instead of seeding")
    parser.add_argument(
        "--cob-only", action="store_true", help="skip the one-process run and the baseline"
    )
    parser.add_argument("--drop", action="store_true", help="drop the bench's database, and stop")
    return parser.parse_args()


# --- environment: a database and a broker database of the bench's own ---------------------


def _environment(database: str = BENCH_DB, broker_db: int = BROKER_DB) -> dict[str, str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.local")
    from lendportal.embedded import ensure_embedded_services

    ensure_embedded_services()  # only starts what DATABASE_URL / CELERY_BROKER_URL leave unset
    env = dict(os.environ)
    # The bench creates, migrates and seeds a database of its own: as the owner when there are
    # two roles (docs/database.md), the one role otherwise.
    env["LENDPORTAL_ADMIN_URL"] = env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]
    env["DATABASE_URL"] = _with_database(env["LENDPORTAL_ADMIN_URL"], database)
    env["CELERY_BROKER_URL"] = _with_broker_db(env["CELERY_BROKER_URL"], broker_db)
    if env["CELERY_BROKER_URL"].startswith("redis+socket://"):  # redis-py spells it ?db=
        socket_path = urlsplit(env["CELERY_BROKER_URL"]).path
        env["CACHE_URL"] = f"unix://{socket_path}?db={broker_db}"
    env["PYTHONUNBUFFERED"] = "1"
    os.environ.update(env)
    return env


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _with_broker_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "redis+socket":
        # Spelt out: urlunsplit drops the "//" of the empty host, and kombu then reads
        # "redis+socket:/path" as an AMQP host (issue #16).
        return f"redis+socket://{parts.netloc}{parts.path}?virtual_host={number}"
    return urlunsplit(parts._replace(path=f"/{number}"))


def _safe(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url)


def _database_create(env: dict[str, str], *, template: str | None = None) -> None:
    import psycopg

    name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    copy = f" TEMPLATE {template}" if template else ""
    with psycopg.connect(env["LENDPORTAL_ADMIN_URL"], autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}{copy}")
    print(f"Created database {name}{copy}", flush=True)


def _database_drop(env: dict[str, str]) -> None:
    import psycopg

    name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    with psycopg.connect(env["LENDPORTAL_ADMIN_URL"], autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"Dropped database {name}", flush=True)


def _manage(env: dict[str, str], *args: str, quiet_every: int = 1) -> list[str]:
    process = subprocess.Popen(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    lines = []
    for number, line in enumerate(process.stdout):
        lines.append(line.rstrip())
        if number % quiet_every == 0 or not line.startswith("["):
            print(f"  {line.rstrip()}", flush=True)
    if process.wait() != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return lines


def _django(env: dict[str, str]) -> None:
    import django

    django.setup()


def _open_date() -> date:
    from loans.cob.services.runs import business_date_open

    return business_date_open()


# --- COB on real workers --------------------------------------------------------------------


@dataclass
class CobTiming:
    day: date
    loans: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.loans / self.seconds


class Worker:
    """`celery worker` on ``queues`` with ``concurrency`` processes, logging to a file.

    With ``clock_offset`` (seconds) the worker's clock runs that far from the real one
    (tests.integration.cob.worker_harness, time-machine): the rails bench sends a date's
    attempts at that date's 08:00 in Beijing whatever the day it runs.
    """

    def __init__(
        self,
        env: dict[str, str],
        concurrency: int,
        name: str,
        *,
        queues: str = "cob",
        clock_offset: float = 0.0,
    ) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = LOG_DIR / f"worker-{name}.log"
        if clock_offset:
            command = [PYTHON, "-m", "tests.integration.cob.worker_harness"]
            env = {**env, "LENDPORTAL_TEST_CLOCK_OFFSET": str(clock_offset)}
        else:
            command = [str(Path(PYTHON).with_name("celery")), "-A", "lendportal", "worker"]
        self.process = subprocess.Popen(
            [*command, "--queues", queues, "--concurrency", str(concurrency),
             "--loglevel", "INFO", "--hostname", f"bench-{name}@%h", "--without-gossip",
             "--without-mingle"],
            cwd=BASE_DIR, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while " ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the bench worker did not start; see {self.log}")
            time.sleep(0.2)

    def peak_memory_mb(self) -> dict[int, float]:
        """VmHWM (peak resident memory) of the worker and each of its pool processes."""
        pids = [self.process.pid, *_children(self.process.pid)]
        peaks = {}
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks[pid] = int(match.group(1)) / 1024
        return peaks

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def _cob_on_workers(
    env: dict[str, str], day: date, *, concurrency: int, figures: Figures
) -> CobTiming:
    from loans.cob.models import CobRun

    worker = Worker(env, concurrency, name=f"{concurrency}proc")
    try:
        began = time.perf_counter()
        _manage(env, "close_business_day", "--date", day.isoformat(), quiet_every=10)
        seconds = time.perf_counter() - began
        peaks = worker.peak_memory_mb()
    finally:
        worker.stop()
    run = CobRun.objects.get(business_date=day)
    timing = CobTiming(day, int(run.summary["loans"]), seconds)
    figures.add(
        f"COB {day} on {concurrency} worker process(es): {timing.loans:,} loans in "
        f"{seconds:.1f} s = {timing.rate:,.0f} loans/s; peak worker memory "
        f"{max(peaks.values()):.0f} MB (per process: "
        + ", ".join(f"{mb:.0f}" for mb in peaks.values())
        + " MB)"
    )
    figures.add(f"  steps (summed over chunks, ms): {run.summary['ms']}")
    _timeline(run, figures)
    return timing


def _timeline(run: Any, figures: Figures) -> None:
    chunks = list(run.chunks.order_by("number").values_list("stats", "finished_at"))
    spans = [
        (datetime.fromisoformat(stats["started_at"]), finished, stats["worker"])
        for stats, finished in chunks
    ]
    events = sorted([(s, 1) for s, _, _ in spans] + [(f, -1) for _, f, _ in spans])
    running = most = 0
    for _, change in events:
        running += change
        most = max(most, running)
    workers = sorted({w for _, _, w in spans})
    figures.add(
        f"  {len(spans)} chunks on {len(workers)} process(es) {workers}; "
        f"at most {most} running at once"
    )
    for number, (start, finish, who) in enumerate(spans[:4], start=1):
        figures.add(
            f"  chunk {number}: {who} {start:%H:%M:%S.%f}"[:-3] + f" - {finish:%H:%M:%S.%f}"[:-3]
        )


# --- the same date again, and the naive baseline ---------------------------------------------


def _rerun(day: date, first_seconds: float, figures: Figures) -> None:
    """Deliver every chunk of the closed date again; each must find its work done."""
    from loans.cob.models import CobRun
    from loans.cob.services.runs import cob_chunk_process, cob_run_finish
    from loans.ledger.models import JournalLine

    run = CobRun.objects.get(business_date=day)
    before = _books()
    began = time.perf_counter()
    for chunk_id in run.chunks.values_list("id", flat=True):
        cob_chunk_process(chunk_id=chunk_id)
    cob_run_finish(run_id=run.pk)
    seconds = time.perf_counter() - began
    after = _books()
    if before != after:
        raise SystemExit(f"the rerun changed the books: {before} -> {after}")
    figures.add(
        f"COB {day} again (every chunk re-delivered): {seconds:.2f} s, "
        f"{100 * seconds / first_seconds:.1f}% of the first run; books unchanged "
        f"({JournalLine.objects.count():,} journal lines)"
    )


def _books() -> tuple[Any, ...]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(abs(amount)) FROM loans_journalline;")
        lines = cursor.fetchone()
        cursor.execute(
            "SELECT sum(interest_receivable_amount), sum(penalty_receivable_amount),"
            " sum(days_past_due), count(*) FILTER (WHERE status = 'ACTIVE') FROM loans_loan"
        )
        loans = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM loans_reminder")
        reminders = cursor.fetchone()
    return (*lines, *loans, *reminders)


def _baseline(day: date, sample: int, figures: Figures) -> float:
    """One ORM transaction per loan doing the day's accrual: the naive nightly batch."""
    from loans.servicing.models import Loan
    from loans.servicing.services.daily import loan_interest_accrue

    ids = list(Loan.objects.filter(status="ACTIVE").order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // sample)
    chosen = ids[::step][:sample]
    began = time.perf_counter()
    for loan in Loan.objects.filter(id__in=chosen).iterator(chunk_size=1000):
        loan_interest_accrue(loan=loan, as_of=day)
    seconds = time.perf_counter() - began
    rate = len(chosen) / seconds
    figures.add(
        f"Naive baseline {day} (one ORM transaction per loan, accrual only): "
        f"{len(chosen):,} loans in {seconds:.1f} s = {rate:,.0f} loans/s"
    )
    return rate


# --- the floor: the least a night can write ---------------------------------------------------

_FLOOR_TABLE = "bench_floor_line"
_FLOOR_CHUNK_SQL = (  # one chunk's statements (psycopg binds parameters one statement at a time)
    "SET LOCAL jit = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    f"""
    INSERT INTO {_FLOOR_TABLE} (entry_id, account, loan_id, installment_number, amount)
    SELECT 0, 'INTEREST_RECEIVABLE', i.loan_id, i.number, 0.01
    FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id
    WHERE l.id BETWEEN %(first)s AND %(last)s AND l.status = 'ACTIVE'
      AND i.loan_id BETWEEN %(first)s AND %(last)s AND i.paid_date IS NULL
    """,  # noqa: S608 - the table is a constant
    """
    UPDATE loans_loan SET interest_receivable_amount = interest_receivable_amount
    WHERE id BETWEEN %(first)s AND %(last)s AND status = 'ACTIVE'
    """,
)


def _floor(env: dict[str, str], day: date, *, connections: int, figures: Figures) -> float:
    """Time the floor over ``day``'s chunks on ``connections`` connections; return seconds.

    The lines go to a copy of the journal's table (its indexes and checks, no triggers), dropped
    afterwards; the UPDATE leaves every loan as it was.
    """
    import psycopg

    from loans.cob.models import CobRun

    chunks = list(
        CobRun.objects.get(business_date=day)
        .chunks.order_by("number")
        .values_list("first_loan_id", "last_loan_id")
    )
    url = env["DATABASE_URL"]  # the bench database, as its owner
    with psycopg.connect(url, autocommit=True) as setup:
        setup.execute(f"DROP TABLE IF EXISTS {_FLOOR_TABLE}")
        setup.execute(f"CREATE TABLE {_FLOOR_TABLE} (LIKE loans_journalline INCLUDING ALL)")
    work = iter(chunks)
    lock = threading.Lock()

    def run() -> None:
        with psycopg.connect(url) as conn:
            while True:
                with lock:
                    chunk = next(work, None)
                if chunk is None:
                    return
                with conn.transaction():
                    for sql in _FLOOR_CHUNK_SQL:
                        params = {"first": chunk[0], "last": chunk[1]} if "%(" in sql else None
                        conn.execute(sql, params)

    threads = [threading.Thread(target=run) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    with psycopg.connect(url, autocommit=True) as setup:
        written = setup.execute(f"SELECT count(*) FROM {_FLOOR_TABLE}").fetchone()  # noqa: S608
        setup.execute(f"DROP TABLE {_FLOOR_TABLE}")
    figures.add(
        f"Floor over {len(chunks)} chunks of {day} on {connections} connections: "
        f"{written[0] if written else 0:,} lines and one UPDATE of every active loan "
        f"in {seconds:.1f} s"
    )
    return seconds


if __name__ == "__main__":
    main()
