"""Real Celery workers for the close-of-business reliability tests: start, inspect, kill, stop.

Run as ``python -m tests.integration.cob.worker_harness WORKER-OPTIONS``, this module *is*
``celery -A lendportal worker WORKER-OPTIONS`` (the same app, tasks, settings, prefork pool,
acks_late and reject-on-worker-lost), with two test-only adjustments read from the environment
and applied before the worker starts, so that the pool processes forked from it inherit them:

- ``LENDPORTAL_TEST_CLOCK_OFFSET`` (seconds): the worker's wall clock runs that far from the real
  one (time-machine, ticking). ``business_day_close`` closes a date only once it has ended in
  Beijing, and catches up missed dates up to ``timezone.localdate()``: a fixed clock makes the
  dates a run closes independent of the day the suite runs on.
- ``LENDPORTAL_TEST_COB_CHUNK_SIZE``: the chunk size of the runs that ``business_day_close``
  opens. Production always opens them with ``cob.DEFAULT_CHUNK_SIZE`` (10,000 loans): a test
  portfolio of a few thousand loans would be one chunk, and no kill could land between chunks.

The test process talks to the workers only through the broker and PostgreSQL, as beat does.
Processes are signalled only by the ids this module started (a pid is checked against its
start time before it is signalled, so a reused pid is never hit).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parents[3]
CLOCK_OFFSET_ENV = "LENDPORTAL_TEST_CLOCK_OFFSET"
CHUNK_SIZE_ENV = "LENDPORTAL_COB_CHUNK_SIZE"  # the setting, read by business_day_close
BEIJING = ZoneInfo("Asia/Shanghai")


# --- configuration handed to the workers ----------------------------------------------------


def database_url(settings_dict: Mapping[str, Any], *, application_name: str) -> str:
    """A DATABASE_URL for the database of ``settings_dict`` (the pytest test database).

    ``application_name`` tags the worker's connections in pg_stat_activity, so that a test can
    see what a worker was doing in PostgreSQL at the moment it was killed.
    """
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = quote(str(settings_dict.get("HOST") or ""), safe="")  # a name or a socket directory
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    options = {k: str(v) for k, v in (settings_dict.get("OPTIONS") or {}).items()}
    options["application_name"] = application_name
    name = quote(str(settings_dict["NAME"]), safe="")
    return f"postgresql://{user}:{password}@{host}{port}/{name}?{urlencode(options)}"


def worker_environment(
    settings_dict: Mapping[str, Any],
    *,
    application_name: str,
    broker: str,
    clock_offset: float,
    **settings: str,
) -> dict[str, str]:
    """The environment of a test's worker: the test settings on the test database (its
    connections tagged ``application_name``), ``broker``, the clock moved by ``clock_offset``
    seconds, and ``settings`` on top. CACHE_URL is left out (the cache follows the broker's
    Redis database) unless ``settings`` names it.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.test",
        "DATABASE_URL": database_url(settings_dict, application_name=application_name),
        "CELERY_BROKER_URL": broker,
        CLOCK_OFFSET_ENV: str(clock_offset),
    }
    env.pop("CACHE_URL", None)
    return env | settings


def broker_url(base_url: str, *, db: int) -> str:
    """``base_url`` (a Redis broker URL) moved to Redis database number ``db``."""
    parts = urlsplit(base_url)
    if parts.scheme == "redis+socket":  # the embedded Redis of `make test`: a unix socket
        # Spelt out: urlunsplit drops the "//" of an empty host ("redis+socket:/path"), which
        # kombu then reads as a host name on its default transport, AMQP (issue #16).
        return f"redis+socket://{parts.netloc}{parts.path}?virtual_host={db}"
    return urlunsplit(parts._replace(path=f"/{db}"))


def broker_db(url: str) -> int:
    """The Redis database number of a broker URL."""
    parts = urlsplit(url)
    if parts.scheme == "redis+socket":
        query = dict(item.split("=", 1) for item in parts.query.split("&") if "=" in item)
        return int(query.get("virtual_host") or 0)
    return int(parts.path.strip("/") or 0)


def broker_flush(url: str) -> None:
    """Empty the broker's Redis database: queues, unacknowledged messages and bindings."""
    from kombu import Connection

    with Connection(url) as connection:
        cast(Any, connection.default_channel).client.flushdb()


def publish(url: str, task_name: str, **kwargs: Any) -> None:
    """Publish one task message to the broker at ``url``, routed as the app routes it.

    The queues must have been declared (by a worker that started on this broker).
    """
    from kombu import Connection

    from lendportal.celery import app

    with Connection(url) as connection:
        app.send_task(task_name, kwargs=kwargs, connection=connection)


def clock_offset(day: date, *, hour: int = 10) -> float:
    """Seconds from the real clock to ``hour``:00 Beijing time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING).timestamp() - time.time()


# --- processes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    """A process by pid and start time (field 22 of /proc/PID/stat): a reused pid is not it."""

    pid: int
    started: str

    @classmethod
    def of(cls, pid: int) -> Proc | None:
        stat = _stat(pid)
        return None if stat is None else cls(pid, stat[2])

    def alive(self) -> bool:
        stat = _stat(self.pid)
        return stat is not None and stat[2] == self.started and stat[0] not in "ZX"

    def signal(self, signum: signal.Signals) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent pid, start time) of a process, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces
    return fields[0], int(fields[1]), fields[19]


def _children(pid: int) -> list[Proc]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == pid and stat[0] not in "ZX":
                found.append(Proc(int(entry), stat[2]))
    return found


def _wait_gone(processes: list[Proc], timeout: float) -> list[Proc]:
    deadline = time.monotonic() + timeout
    alive = [p for p in processes if p.alive()]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [p for p in alive if p.alive()]
    return alive


class WorkerFailed(AssertionError):
    """A worker did not start or stop as it should."""


class Worker:
    """One ``celery worker`` process, in its own process group, and its prefork pool."""

    def __init__(
        self, *, name: str, env: Mapping[str, str], log_path: Path, concurrency: int = 1
    ) -> None:
        self.name = name
        self.env = dict(env)
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None
        self.orphans: list[Proc] = []  # pool processes left running by kill_main_process

    def start(self, *, ready_timeout: float = 90.0) -> Worker:
        argv = [
            sys.executable, "-m", "tests.integration.cob.worker_harness",
            "--hostname", f"{self.name}@%h", "--queues", "default,cob",
            "--pool", "prefork", "--concurrency", str(self.concurrency),
            "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # fixed argv, no shell
                argv,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, for a kill of the whole worker
            )
        deadline = time.monotonic() + ready_timeout
        while not (f"{self.name}@" in self.log() and " ready." in self.log() and self.pool()):
            if self.process.poll() is not None:
                raise WorkerFailed(f"worker {self.name} exited at start:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise WorkerFailed(f"worker {self.name} not ready:\n{self.log_tail()}")
            time.sleep(0.05)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def running(self) -> bool:
        """The main process has not exited (its pid, and so its process group id, is held)."""
        return self.process is not None and self.process.poll() is None

    def pool(self) -> list[Proc]:
        """The pool processes, which execute the tasks (children of the main process)."""
        return _children(self.process.pid) if self.running() and self.process else []

    def _group(self, signum: signal.Signals) -> None:
        if self.running() and self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def freeze(self) -> list[Proc]:
        """SIGSTOP the whole worker (nothing it sends can reach PostgreSQL); return its pool."""
        pool = self.pool()
        self._group(signal.SIGSTOP)
        return pool

    def kill_pool_process(self, process: Proc) -> None:
        """SIGKILL one pool process: the main process sees it lost and starts another."""
        process.signal(signal.SIGKILL)
        _wait_gone([process], 10)
        self._group(signal.SIGCONT)

    def kill_main_process(self) -> None:
        """SIGKILL the main process only; its pool process finishes its task as an orphan."""
        assert self.process is not None
        pool = self.pool()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for process in pool:
            process.signal(signal.SIGCONT)
        self.orphans.extend(pool)

    def kill(self) -> None:
        """SIGKILL the whole worker at once, as a lost machine or an OOM-killed container."""
        pool = self.pool()
        self._group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)
        _wait_gone(pool, 10)

    def stop(self, *, timeout: float = 20.0) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for whatever is left, orphans included."""
        pool = self.pool()
        self._group(signal.SIGCONT)
        if self.running() and self.process is not None:
            self.process.send_signal(signal.SIGTERM)  # the main process stops its pool itself
        if self.process is not None:
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._group(signal.SIGKILL)
                self.process.wait(timeout=10)
        leftover = [p for p in [*pool, *self.orphans] if p.alive()]
        for process in leftover:
            process.signal(signal.SIGKILL)
        _wait_gone(leftover, 10)


# --- the worker process itself ---------------------------------------------------------------


def main(argv: list[str]) -> None:
    offset = float(os.environ.get(CLOCK_OFFSET_ENV) or 0)
    if offset:
        import time_machine

        time_machine.travel(time.time() + offset, tick=True).start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.test")
    import django

    django.setup()
    from lendportal.celery import app

    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
