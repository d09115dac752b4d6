"""GET /healthz: is this web process able to reach PostgreSQL and the Celery broker?"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lendportal.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {"database": _check_database, "broker": _check_broker}


def _run(check: Callable[[], None]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the type is reported
        logger.warning("health check failed: %s", type(error).__name__)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results},
        status=200 if healthy else 503,
    )
