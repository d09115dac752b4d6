"""The request id (issue #21): taken from ``X-Request-Id`` or made, returned in the response,
written on every log line of the request, and carried into the Celery tasks it queues.

A caller's id is kept only if it is short and plain (letters, digits, ``._:-``, at most 64):
anything else is replaced, so a header cannot forge log lines or carry personal data in bulk.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from loans.logs import log_context, request_id_current

HEADER = "X-Request-Id"
TASK_HEADER = "lendportal_request_id"
_PLAIN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(incoming: str | None) -> str:
    """The caller's id if it is plain, else a new one (32 hex digits)."""
    if incoming and _PLAIN.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request carries its id, the response too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        with log_context(request_id=request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


# --- Celery: the id travels in a message header (connected in lendportal/celery.py) ---------


def task_publish_header(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """``before_task_publish``: stamp the message with the current request id, if any."""
    request_id = request_id_current()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_TASK_CONTEXTS: dict[str, Any] = {}


def task_context_enter(task_id: str = "", task: Any = None, **_: Any) -> None:
    """``task_prerun``: the task's log lines carry the id of the request that queued it."""
    header = getattr(getattr(task, "request", None), TASK_HEADER, None)
    request_id = header or request_id_current()  # run eagerly, inside the request itself
    context = log_context(request_id=request_id, task_id=task_id)
    context.__enter__()
    _TASK_CONTEXTS[task_id] = context


def task_context_exit(task_id: str = "", **_: Any) -> None:
    """``task_postrun``: leave the task's log context."""
    context = _TASK_CONTEXTS.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
