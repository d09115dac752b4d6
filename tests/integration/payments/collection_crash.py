"""Real Celery workers sending a collection run, killed mid-charge (issue #17, PRODUCT §11).

Used by test_collection_killed_workers.py. The workers are those of the close-of-business crash
tests (``tests.integration.cob.worker_harness``: the production app, prefork pool, acks_late,
reject-on-worker-lost), started with a fixed clock offset so that every worker, the first and
each replacement, reads the same running Beijing time on the due date; the fake gateway is the
shared one (Redis), scripted here and asserted on here.

A kill is aimed at the moment that matters: the gateway has debited a charge (its key is in the
fake's debits) while our attempt is still SENDING in PostgreSQL (the answer not yet recorded).
The worker is frozen (SIGSTOP) first, its PostgreSQL backend let finish the statement it was
running (a COMMIT may be on its way), and the state read again while nothing moves, so the kill
is known to have landed there; otherwise the worker is let go on and the next moment is tried.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import IN_FLIGHT, AttemptStatus, CollectionAttempt
from tests.integration.cob import worker_harness as harness

OPEN = (AttemptStatus.PLANNED, *IN_FLIGHT)


@dataclass(frozen=True)
class Kill:
    target: str  # "pool process" or "whole worker"
    seconds: float  # into the run
    sending: tuple[str, ...]  # keys SENDING in PostgreSQL while the worker stood frozen
    debited_unrecorded: tuple[str, ...]  # of those, the keys the gateway had already debited

    @property
    def mid_charge(self) -> bool:
        return bool(self.debited_unrecorded)


@dataclass
class CollectionWorkers:
    """One worker at a time on the due date's clock; killed and replaced by the test."""

    broker: str
    log_dir: Path
    namespace: str  # the shared fake gateway's
    clock: datetime  # the workers' wall time when the run starts
    workers: list[harness.Worker] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.offset = self.clock.timestamp() - time.time()  # the same for every worker

    @property
    def current(self) -> harness.Worker:
        return self.workers[-1]

    def application_name(self, number: int) -> str:
        return f"collection-crash-{os.getpid()}-{number}"

    def start_worker(self) -> harness.Worker:
        number = len(self.workers) + 1
        env = harness.worker_environment(
            connection.settings_dict,
            application_name=self.application_name(number),
            broker=self.broker,
            clock_offset=self.offset,
            # The fake gateway's Redis is the default cache's: the test process's, not the
            # broker's database of the workers.
            CACHE_URL=str(settings.CACHES["default"]["LOCATION"]),
            LENDPORTAL_FAKE_GATEWAY_SHARED="1",
            LENDPORTAL_FAKE_GATEWAY_NAMESPACE=self.namespace,
            LENDPORTAL_GATEWAY_BACKEND="loans.payments.fake_gateway.FakeGateway",
            LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE="40",
            LENDPORTAL_AUTO_DEBIT_QUERY_AFTER_SECONDS="1",
            LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND="500",
            LENDPORTAL_AUTO_DEBIT_SENDERS="4",  # as in production: threads per process
        )
        worker = harness.Worker(
            name=f"collect{number}",
            env=env,
            log_path=self.log_dir / f"collection-worker-{number}.log",
        )
        self.workers.append(worker)
        return worker.start()

    def beat(self) -> None:
        """What beat does: send what is due (every 5 minutes), ask about unknowns (every minute)."""
        harness.publish(self.broker, "loans.payments.tasks.collection_due_send")
        harness.publish(self.broker, "loans.payments.tasks.collection_attempts_query")

    def kill_mid_charge(self, target: str) -> Kill | None:
        """Freeze the worker; if a charge the gateway debited is still SENDING here, kill."""
        if not self._the_moment(_sending()):
            return None  # cheap look first: most moments are not the one
        worker = self.current
        pool = worker.freeze()
        # A statement the worker sent before it froze (a COMMIT, say) still runs in its
        # PostgreSQL backend: wait for it, so what is read next is what the kill leaves.
        time.sleep(0.02)  # bytes it wrote before it froze reach the backend
        self._wait_backend_idle(len(self.workers))
        sending = _sending()
        debited = self._the_moment(sending)
        if not debited or not pool or self._gateway_locked():
            _resume(worker)  # not the moment: let it go on
            return None
        kill = Kill(target, round(time.monotonic() - self.started, 2), sending, debited)
        if target == "pool process":
            worker.kill_pool_process(pool[0])
        else:
            worker.kill()
        self.kills.append(kill)
        if not worker.running():
            self.start_worker()
        return kill

    def _the_moment(self, sending: tuple[str, ...]) -> tuple[str, ...]:
        """The keys in flight now, if the gateway has debited every one of them; else ().

        Keys left SENDING by an earlier kill (waiting for the query sweep) are not in flight. A
        charge still on its way to the gateway (in the card's latency) is not killed: the
        gateway would never learn of it, and nothing decides such an attempt (the report).
        """
        stale = {key for kill in self.kills for key in kill.sending}
        fresh = tuple(key for key in sending if key not in stale)
        debited = _debited_unrecorded(fresh)
        return debited if fresh and debited == fresh else ()

    def _wait_backend_idle(self, number: int, timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s AND state = 'active'",
                    [self.application_name(number)],
                )
                if not cursor.fetchone()[0]:
                    return
            time.sleep(0.005)

    def _gateway_locked(self) -> bool:
        """The fake's Redis lock is held: a process killed holding it would stall every charge
        for the lock's 30 s timeout, which is not what this test is about."""
        client = redis.Redis.from_url(str(settings.CACHES["default"]["LOCATION"]))
        try:
            return bool(client.exists(f"{self.namespace}:lock"))
        finally:
            client.close()

    def report(self, headline: str) -> str:
        logs = "\n".join(f"--- {w.name} ({w.log_path}):\n{w.log_tail()}" for w in self.workers)
        return f"{headline}\nkills: {self.kills}\n{logs}"

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + 20
        while _worker_connections() and time.monotonic() < deadline:
            time.sleep(0.1)  # a killed worker's backend may still finish its last statement


def _resume(worker: harness.Worker) -> None:
    if worker.running() and worker.process is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.process.pid, signal.SIGCONT)


def _sending() -> tuple[str, ...]:
    keys = CollectionAttempt.objects.filter(status=AttemptStatus.SENDING).values_list(
        "key", flat=True
    )
    return tuple(sorted(keys))


def _debited_unrecorded(keys: tuple[str, ...]) -> tuple[str, ...]:
    gateway = FakeGateway()
    return tuple(k for k in keys if gateway.charge_query(key=k).outcome == ChargeOutcome.SUCCEEDED)


def _worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE %s",
            [f"collection-crash-{os.getpid()}-%"],
        )
        return int(cursor.fetchone()[0])


def open_attempts(day: date) -> int:
    return CollectionAttempt.objects.filter(due_date=day, status__in=OPEN).count()


def status_counts() -> list[tuple[str, int]]:
    rows = CollectionAttempt.objects.values_list("status", flat=True)
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return sorted(counts.items())
