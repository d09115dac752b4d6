"""The Prometheus metrics of LendPortal (issue #21, docs/observability.md), defined in one place.

At the bottom of ``loans`` so that any lending code may record into them; the HTTP middleware,
the queue-length collector and the ``/metrics`` view are in ``lendportal/metrics.py``.

prometheus-client runs in multiprocess mode (gunicorn and Celery fork several processes): each
process writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds them up.
The library reads that variable when it is first imported, so settings set it
(``lendportal/settings/observability.py``) before anything imports this module. Labels hold
names and outcomes only, never an id, a path or personal data (each label value is a series).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess

# Seconds. Web requests: 5 ms to 10 s. COB chunks of 10,000 loans take seconds to minutes.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_COB_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

HTTP_REQUEST_SECONDS = Histogram(
    "lendportal_http_request_duration_seconds",
    "Time to answer an HTTP request, by view name (the URL pattern's name), method and status.",
    ["view", "method", "status"],
    buckets=_REQUEST_BUCKETS,
)
HTTP_REQUEST_QUERIES = Histogram(
    "lendportal_http_request_db_queries",
    "Database queries made while answering one HTTP request, by view name.",
    ["view"],
    buckets=_QUERY_BUCKETS,
)
COB_CHUNK_SECONDS = Histogram(
    "lendportal_cob_chunk_duration_seconds",
    "Time to close one close-of-business chunk (every step, one transaction).",
    buckets=_COB_BUCKETS,
)
COB_STEP_SECONDS = Histogram(
    "lendportal_cob_step_duration_seconds",
    "Time of one step of a close-of-business chunk, by step.",
    ["step"],
    buckets=_COB_BUCKETS,
)
COB_STEP_ROWS = Counter(
    "lendportal_cob_step_rows",
    "Rows a close-of-business step changed or read (steps that count rows), by step.",
    ["step"],
)
WEBHOOK_ATTEMPTS = Counter(
    "lendportal_webhook_attempts",
    "Webhook POST attempts by outcome: delivered, retry (failed, tried again), failed (for good).",
    ["outcome"],
)
AUTO_DEBIT_OUTCOMES = Counter(
    "lendportal_auto_debit_outcomes",
    "Auto-debit charge outcomes recorded (once per outcome of an attempt), by outcome.",
    ["outcome"],
)
IDEMPOTENCY_REPLAYS = Counter(
    "lendportal_idempotency_replays",
    "Partner API writes answered with the stored response of an earlier request (same key).",
)


def cob_chunk_observe(
    *, seconds: float, step_ms: Mapping[str, int], rows: Mapping[str, int]
) -> None:
    """Record a closed chunk: its time, each step's time (ms) and each counting step's rows."""
    COB_CHUNK_SECONDS.observe(seconds)
    for step, ms in step_ms.items():
        COB_STEP_SECONDS.labels(step=step).observe(ms / 1000)
    for step, count in rows.items():
        COB_STEP_ROWS.labels(step=step).inc(count)


def webhook_attempt_count(*, outcome: str) -> None:
    WEBHOOK_ATTEMPTS.labels(outcome=outcome).inc()


def auto_debit_outcome_count(*, outcome: str) -> None:
    AUTO_DEBIT_OUTCOMES.labels(outcome=outcome.lower()).inc()


def idempotency_replay_count() -> None:
    IDEMPOTENCY_REPLAYS.inc()


# --- The directory of the processes' samples ------------------------------------------------


def metrics_registry(path: str | Path | None = None) -> CollectorRegistry:
    """A registry of every process's samples in ``path`` (default PROMETHEUS_MULTIPROC_DIR).

    Made per scrape: the files are read then, so processes started since are included.
    """
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(path) if path else None)
    return registry


def metrics_dir_clear(path: str | Path | None = None) -> int:
    """Delete the sample files of processes that are no longer running; return how many.

    The library wants the directory emptied before the processes start. Web and Celery
    processes of one machine may share it, so a starting group removes only dead processes'
    files (named ``<kind>_<pid>.db``), never those of a live neighbour.
    """
    directory = Path(path or os.environ["PROMETHEUS_MULTIPROC_DIR"])
    removed = 0
    for file in directory.glob("*.db"):
        pid = file.stem.rpartition("_")[2]
        if pid.isdigit() and not _running(int(pid)):
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
