"""What every log line says about where it comes from (issue #21): the request id, and the
close-of-business date and chunk, carried in a context variable.

``log_context(**fields)`` adds fields for the code inside it (a request, a task, a COB chunk);
``LogContextFilter``, on the log handlers (settings LOGGING), copies them onto each record, so
the JSON formatter writes them as keys. Never put personal data in a field.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("lendportal_log_context", default=None)


def log_fields() -> dict[str, Any]:
    """The fields of the current context (a copy)."""
    return dict(_CONTEXT.get() or {})


def request_id_current() -> str:
    """The id of the request (or of the request that queued this task), or ""."""
    return str((_CONTEXT.get() or {}).get("request_id", ""))


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every log line written inside the block (nested blocks add up)."""
    token = _CONTEXT.set({**(_CONTEXT.get() or {}), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class LogContextFilter(logging.Filter):
    """Copy the context's fields onto each record; ``request_id`` is always there ("" if none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = ""
        for name, value in (_CONTEXT.get() or {}).items():
            setattr(record, name, value)
        return True
