"""`make bench`, after the COB bench: the auto-debit collection run at scale (issue #17, §11).

On a copy of the bench database (``lendportal_bench`` as tests.bench.cob leaves it, 1,000,000
loans; or ``--template DB``, any seeded database) named ``<template>_rails``, with the bench
settings (``lendportal.settings.bench``: no DEBUG query log, as in production):

1. Due days bunch (the 10th of the month for most bills): the next installment of enough active
   loans is moved to the open business date D that ``--due`` (300,000) installments are due on
   it, and each of their borrowers has a card bound for auto-debit (set-based, untimed).
2. Planning D's run (``collection_plan``, one INSERT … SELECT) is timed: goal under 60 s.
3. Sending, by 2 worker processes through the fake gateway (shared in Redis), ``--chunks``
   chunks (1,000 attempts each) at a time: with no limit (what the workers can do), under the
   gateway's limit (``--rate``, default 100 per second), and under half the workers' capacity
   (where the limit must bind). The verdict says which bounds the sending. The workers' clock
   is D 08:00 in Beijing.
4. Checked: no key debited twice at the gateway, every debit posted once as an AUTO_DEBIT
   repayment (count and sum to the fen), and ``reconcile`` exits 0.

Prints the figures and writes var/bench/rails.txt.

    python -m tests.bench.rails [--due 300000] [--chunks 2] [--rate 100]
        [--template lendportal_bench] [--broker-db 14]

CPU per charge in PostgreSQL counts only the server processes of the bench's database
(sampled every 0.2 s), not the other databases of a shared server.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.bench.cob import (
    BENCH_DB,
    BROKER_DB,
    LOG_DIR,
    Figures,
    Worker,
    _environment,
    _manage,
    _safe,
    _with_database,
)
from tests.bench.cpu import tree_cpu_seconds

CARD = "6222020200000000006"  # one card for every bench borrower (Luhn-valid), unlimited balance
WORKER_PROCESSES = 2


def main() -> None:
    options = _options()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.bench")
    env = _environment(options.template, options.broker_db)
    rails_db = f"{options.template}_rails"
    _database_copy(env, options.template, rails_db)
    env["DATABASE_URL"] = _with_database(env["DATABASE_URL"], rails_db)
    env["LENDPORTAL_FAKE_GATEWAY_SHARED"] = "true"
    env["LENDPORTAL_GATEWAY_BACKEND"] = "loans.payments.fake_gateway.FakeGateway"
    os.environ.update(env)
    import django

    django.setup()
    from loans.calendar.selectors import business_date_current

    figures = Figures()
    day = business_date_current()
    figures.add(f"Database {_safe(env['DATABASE_URL'])}, {os.cpu_count()} cores; date {day}")
    _bunch(day, options.due, figures)
    run = _plan(day, figures)
    k = options.chunks
    sample = _agreements_open(run, 1 + 3 * k)
    # Chunk 0 warms the copied database's pages into memory first, so that the three timed
    # runs compare under the same conditions (the first was 20% slower without it).
    _send(env, run, range(0, 1), rate=0, figures=figures, label="warm-up, not compared")
    free = _send(env, run, range(1, 1 + k), rate=0, figures=figures)
    default = _send(env, run, range(1 + k, 1 + 2 * k), rate=options.rate, figures=figures)
    low_rate = max(1, int(free.per_second / 2))
    low = _send(env, run, range(1 + 2 * k, 1 + 3 * k), rate=low_rate, figures=figures)
    figures.add(_verdict(free, options.rate, default, low_rate, low))
    _check(run, sample, figures)
    _reconcile(env, figures)
    (LOG_DIR / "rails.txt").write_text("\n".join(figures.lines) + "\n")
    print(f"Figures written to {LOG_DIR / 'rails.txt'}")


@dataclass(frozen=True)
class Sending:
    per_second: float
    workers_ms: float  # CPU per charge in the worker processes
    database_ms: float  # CPU per charge in PostgreSQL (same machine)

    @property
    def cores_busy(self) -> float:
        """Cores kept busy by the workers and the database while sending."""
        return self.per_second * (self.workers_ms + self.database_ms) / 1000


def _verdict(free: Sending, rate: int, default: Sending, low_rate: int, low: Sending) -> str:
    """Which of the limit, the machine and the workers bounds the sending, from the three runs."""
    held = f"under a limit of {low_rate}/s (half their capacity) they sent {low.per_second:,.0f}/s"
    # The limit binds when the workers could send clearly more without it: 94/s under 100/s is
    # not the limit's doing when they send 95/s with none.
    if default.per_second >= 0.9 * rate and free.per_second >= 1.1 * rate:
        bound = f"{default.per_second:,.0f}/s under {rate}/s"
        return f"The rate limit is the bottleneck: {bound}; {held}"
    cores = os.cpu_count() or 1
    spent = (
        f"{free.workers_ms + free.database_ms:.1f} ms of CPU per charge, "
        f"{free.database_ms:.1f} of them the database's, kept {free.cores_busy:.1f} of "
        f"{cores} cores busy"
    )
    alone = WORKER_PROCESSES * 1000 / free.workers_ms
    projection = (
        f"With the database on a machine of its own the workers' {free.workers_ms:.1f} ms per "
        f"charge would allow about {alone:,.0f}/s (a projection from CPU time, not a measurement)"
    )
    if free.cores_busy < 0.8 * cores:
        return (
            f"The workers are the bottleneck at {rate}/s: {free.per_second:,.0f}/s with no "
            f"limit ({spent}: they wait more than they work; more senders per process, "
            f"LENDPORTAL_AUTO_DEBIT_SENDERS, would send more); {held}. {projection}"
        )
    return (
        f"This machine is the bottleneck at {rate}/s: {free.per_second:,.0f}/s is all that "
        f"{WORKER_PROCESSES} processes send with PostgreSQL on the same cores ({spent}); "
        f"{held}. {projection}"
    )


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=300_000)
    parser.add_argument("--chunks", type=int, default=2, help="chunks sent at each rate")
    parser.add_argument("--rate", type=int, default=100, help="charges per second")
    parser.add_argument("--template", default=BENCH_DB, help="the seeded database to copy")
    parser.add_argument("--broker-db", type=int, default=BROKER_DB, help="the Redis database")
    return parser.parse_args()


def _database_copy(env: dict[str, str], template: str, copy: str) -> None:
    import psycopg

    began = time.perf_counter()
    with psycopg.connect(env["LENDPORTAL_ADMIN_URL"], autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {copy} TEMPLATE {template}")
    print(f"Copied {template} to {copy} in {time.perf_counter() - began:.1f} s", flush=True)


class DatabaseCpu:
    """CPU seconds of the PostgreSQL server processes of one database, sampled.

    Their command line names the database; a process that ends loses at most its last
    sample period (0.2 s in ``_send``). The server's other databases, those of other
    sessions on a shared machine, are not counted.
    """

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.seen: dict[int, float] = {}

    def sample(self) -> None:
        from tests.bench.cpu import _own_and_reaped

        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if cmdline.startswith(b"postgres:") and self.marker in cmdline:
                pid = int(entry.name)
                self.seen[pid] = max(self.seen.get(pid, 0.0), _own_and_reaped(pid))

    def total(self) -> float:
        return sum(self.seen.values())


# --- 1. the day's due installments and their cards -------------------------------------------

_BUNCH_SQL = """
WITH next AS (
    SELECT DISTINCT ON (i.loan_id) i.id, i.loan_id, i.period_start, i.accrual_start_date
    FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id AND l.status = 'ACTIVE'
    WHERE i.paid_date IS NULL AND i.due_date > %(day)s
    ORDER BY i.loan_id, i.number
), moved AS (
    SELECT n.id FROM next n
    WHERE n.period_start < %(day)s AND n.accrual_start_date <= %(day)s
      AND NOT EXISTS (SELECT FROM loans_installment j
                      WHERE j.loan_id = n.loan_id AND j.due_date = %(day)s)
    ORDER BY n.loan_id LIMIT %(more)s
)
UPDATE loans_installment SET due_date = %(day)s WHERE id IN (SELECT id FROM moved)
"""

_BIND_SQL = """
INSERT INTO payments_cardbinding
    (borrower_id, card_number_ciphertext, card_number_digest, card_number_masked, gateway,
     agreement_reference, status, channel, consent_at, consent_ip, consent_user_agent,
     agreement_version, created_at, revoked_at, revoked_channel)
SELECT DISTINCT l.borrower_id, %(ciphertext)s, %(digest)s, %(masked)s, 'fake',
       'BENCH-' || l.borrower_id, 'ACTIVE', 'PORTAL', now(), NULL::inet, 'bench', %(version)s,
       now(), NULL::timestamptz, ''
FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id AND l.status = 'ACTIVE'
WHERE i.due_date = %(day)s AND i.paid_date IS NULL
ON CONFLICT DO NOTHING
"""


def _bunch(day: date, due: int, figures: Figures) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from accounts import crypto

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM loans_installment i JOIN loans_loan l ON l.id = i.loan_id "
            "AND l.status = 'ACTIVE' WHERE i.due_date = %s AND i.paid_date IS NULL",
            [day],
        )
        already = int(cursor.fetchone()[0])
        cursor.execute(_BUNCH_SQL, {"day": day, "more": max(0, due - already)})
        moved = cursor.rowcount
        cursor.execute(
            _BIND_SQL,
            {
                "day": day,
                "ciphertext": crypto.encrypt(CARD),
                "digest": crypto.lookup_digest(CARD),
                "masked": crypto.mask_bank_card(CARD),
                "version": settings.LENDPORTAL_AUTO_DEBIT_AGREEMENT_VERSION,
            },
        )
        bound = cursor.rowcount
        cursor.execute("ANALYZE loans_installment; ANALYZE payments_cardbinding")
    figures.add(
        f"Prepared {day}: {already:,} installments were due, {moved:,} moved to it, "
        f"{bound:,} cards bound ({time.perf_counter() - began:.1f} s, untimed)"
    )


# --- 2. planning ------------------------------------------------------------------------------


def _plan(day: date, figures: Figures) -> Any:
    from loans.payments.collection.planning import collection_plan

    began = time.perf_counter()
    run = collection_plan(business_date=day)
    seconds = time.perf_counter() - began
    figures.add(
        f"Planning {day}: {run.planned:,} attempts in {run.chunks:,} chunks in {seconds:.1f} s "
        f"(goal: under 60 s for 300,000)"
    )
    return run


# --- 3. sending -------------------------------------------------------------------------------


def _agreements_open(run: Any, chunks: int) -> list[int]:
    """Open a fake agreement for the cards of the first ``chunks`` chunks; return their ids."""
    from django.db import connection

    from loans.payments.fake_gateway import FakeGateway
    from loans.payments.gateway import CardDetails
    from loans.payments.models import CollectionAttempt

    FakeGateway.reset(seed=17)
    rows = list(
        CollectionAttempt.objects.filter(run=run, chunk__lt=chunks).values_list("pk", "binding_id")
    )
    fake = FakeGateway()
    card = CardDetails(number=CARD, holder_name="bench", holder_id_number="bench")
    references = [fake.bind(card=card) for _ in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_cardbinding b SET agreement_reference = r.reference "
            "FROM unnest(%s::bigint[], %s::text[]) AS r(id, reference) WHERE b.id = r.id",
            [[binding for _, binding in rows], references],
        )
    return [pk for pk, _ in rows]


def _send(
    env: dict[str, str], run: Any, chunks: range, *, rate: int, figures: Figures, label: str = ""
) -> Sending:
    """Send ``chunks`` of the run on 2 worker processes at ``rate`` (0: none); charges/s."""
    from django.conf import settings

    from loans.payments import tasks
    from loans.payments.models import IN_FLIGHT, AttemptStatus, CollectionAttempt

    attempts = CollectionAttempt.objects.filter(run=run, chunk__in=list(chunks), sequence=0)
    total = attempts.count()
    worker_env = {**env, "LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND": str(rate)}
    worker = Worker(
        worker_env,
        WORKER_PROCESSES,
        name=f"rails-{rate or 'free'}",
        queues="default",
        clock_offset=_offset_to_eight(run.business_date),
    )
    try:
        began = time.perf_counter()
        database = DatabaseCpu(env["DATABASE_URL"].rsplit("/", 1)[-1])
        database.sample()
        cpu_before = (tree_cpu_seconds(worker.process.pid), database.total())
        for chunk in chunks:
            tasks.collection_chunk_send.delay(run_id=run.pk, chunk=chunk)
        open_states = [AttemptStatus.PLANNED, *IN_FLIGHT]
        while attempts.filter(status__in=open_states).exists():
            if time.perf_counter() - began > 30 + 3 * total / max(rate, 10):
                raise SystemExit(f"sending stalled; see {worker.log}")
            time.sleep(0.2)
            database.sample()
        seconds = time.perf_counter() - began
        workers_cpu = tree_cpu_seconds(worker.process.pid) - cpu_before[0]
        database.sample()
        database_cpu = database.total() - cpu_before[1]
    finally:
        worker.stop()
    sent = Sending(total / seconds, 1000 * workers_cpu / total, 1000 * database_cpu / total)
    limit = f"a limit of {rate}/s" if rate else "no limit"
    limit += f" ({label})" if label else ""
    figures.add(
        f"Sending {total:,} attempts ({len(chunks)} chunks) on {WORKER_PROCESSES} worker "
        f"processes of {settings.LENDPORTAL_AUTO_DEBIT_SENDERS} senders under {limit}: "
        f"{seconds:.1f} s = {sent.per_second:,.0f} charges/s; CPU per charge: "
        f"{sent.workers_ms:.1f} ms in the workers, {sent.database_ms:.1f} ms in PostgreSQL"
    )
    return sent


def _offset_to_eight(day: date) -> float:
    """Seconds from now to ``day`` 08:00:30 in Beijing: the workers' clock starts there."""
    from zoneinfo import ZoneInfo

    eight = datetime(day.year, day.month, day.day, 8, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    return eight.timestamp() - time.time()


# --- 4. what must hold -----------------------------------------------------------------------


def _check(run: Any, sample: list[int], figures: Figures) -> None:
    from django.db.models import Count, Sum

    from loans.payments.fake_gateway import FakeGateway
    from loans.payments.models import AttemptStatus, CollectionAttempt
    from loans.servicing.models import Repayment, RepaymentChannel

    debits = FakeGateway().debits
    keys = [d.key for d in debits]
    succeeded = CollectionAttempt.objects.filter(pk__in=sample, status=AttemptStatus.SUCCEEDED)
    ours = succeeded.aggregate(n=Count("pk"), s=Sum("amount"))
    posted = Repayment.objects.filter(channel=RepaymentChannel.AUTO_DEBIT).aggregate(
        n=Count("pk"), s=Sum("amount")
    )
    taken = sum((d.amount for d in debits), Decimal("0.00"))
    statuses = dict(
        CollectionAttempt.objects.filter(pk__in=sample)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    figures.add(f"Attempts sent: {statuses}")
    figures.add(
        f"Gateway debits {len(keys):,} (¥{taken:,.2f}), keys debited twice: "
        f"{len(keys) - len(set(keys))}; succeeded attempts {ours['n']:,} "
        f"(¥{ours['s'] or 0:,.2f}); AUTO_DEBIT repayments {posted['n']:,} "
        f"(¥{posted['s'] or 0:,.2f})"
    )
    same = len(keys) == len(set(keys)) == ours["n"] == posted["n"]
    if not (same and taken == (ours["s"] or 0) == (posted["s"] or 0)):
        raise SystemExit("money taken at the gateway and money posted differ")


def _reconcile(env: dict[str, str], figures: Figures) -> None:
    began = time.perf_counter()
    _manage(env, "reconcile")  # exits non-zero on any difference
    figures.add(f"reconcile: the books agree ({time.perf_counter() - began:.1f} s)")


if __name__ == "__main__":
    main()
