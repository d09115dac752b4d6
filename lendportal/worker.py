"""What the Celery processes (workers and beat) set up beyond Celery itself (issue #21):
JSON log lines, the metrics directory, and Sentry/OpenTelemetry when configured.

Connected to Celery's signals in lendportal/celery.py. Logging: Celery configures its own
handlers (it takes over the root logger); with ``LOG_FORMAT=json`` (production's default) the
``after_setup_logger``/``after_setup_task_logger`` signals then give those handlers the JSON
formatter of settings.LOGGING and the context filter of ``loans.logs``, so a worker's lines
carry ``request_id``, ``task_id`` and, in a COB chunk, ``cob_date`` and ``cob_chunk`` like the
web's. With the plain format Celery's own lines stay as they are (the crash tests read them).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from loans.logs import LogContextFilter

logger = logging.getLogger(__name__)


def json_logging_configured() -> bool:
    """Whether settings.LOGGING writes JSON lines (LOG_FORMAT=json)."""
    return bool(settings.LOGGING["handlers"]["console"]["formatter"] == "json")


def json_formatter() -> logging.Formatter:
    """The JSON formatter of settings.LOGGING, built as ``logging.config`` would build it."""
    spec = dict(settings.LOGGING["formatters"]["json"])
    factory = import_string(spec.pop("()"))
    spec["fmt"] = spec.pop("format")
    formatter: logging.Formatter = factory(**spec)
    return formatter


def celery_logger_json(logger: logging.Logger | None = None, **_: Any) -> None:
    """``after_setup_logger`` and ``after_setup_task_logger``: JSON lines with the context."""
    if logger is None or not json_logging_configured():
        return
    formatter = json_formatter()
    for handler in logger.handlers:
        handler.setFormatter(formatter)
        if not any(isinstance(f, LogContextFilter) for f in handler.filters):
            handler.addFilter(LogContextFilter())


def worker_metrics_start(**_: Any) -> None:
    """``worker_init`` (the main process, before the pool forks): prepare the metrics.

    Removes dead processes' sample files, and serves this machine's samples on
    LENDPORTAL_WORKER_METRICS_PORT when set (a worker machine has no web process).
    """
    # Settings first: they set PROMETHEUS_MULTIPROC_DIR, which the library reads on import.
    port = settings.LENDPORTAL_WORKER_METRICS_PORT
    from loans.metrics import metrics_dir_clear, metrics_registry

    metrics_dir_clear()
    if port:
        from prometheus_client import start_http_server

        start_http_server(
            port, addr=settings.LENDPORTAL_WORKER_METRICS_ADDR, registry=metrics_registry()
        )
        logger.info("worker metrics on %s:%s", settings.LENDPORTAL_WORKER_METRICS_ADDR, port)


def worker_telemetry_start(**_: Any) -> None:
    """``worker_process_init`` (each pool process): Sentry and OpenTelemetry when configured.

    In each process, as OpenTelemetry's Celery instrumentation asks: an exporter's thread
    does not cross a fork. (A ``--pool solo`` worker sends no such signal: no telemetry.)
    """
    from lendportal.telemetry import telemetry_init

    telemetry_init(service="worker")


def beat_telemetry_start(**_: Any) -> None:
    """``beat_init``: Sentry and OpenTelemetry when configured."""
    from lendportal.telemetry import telemetry_init

    telemetry_init(service="beat")
