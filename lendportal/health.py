"""GET /healthz: is this web process able to reach PostgreSQL and the Celery broker?

``?full=1`` adds what an operator looks at in the morning (issue #21): the open business date,
the last close of business and whether last night's has finished, and beat's last tick (the
``beat_tick`` task, sent by beat every minute and run by a worker, so a silent tick means beat
or every worker is down). The answer's status follows the two checks only: a load balancer
must not drop a web process because of the night's batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lendportal.celery import app as celery_app
from loans.cob.models import CobRun
from loans.cob.services.runs import business_date_open

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


BEAT_TICK_KEY = "health:beat-tick"
BEAT_SILENT_AFTER = timedelta(minutes=3)  # beat sends a tick every minute


@shared_task(name="lendportal.beat_tick", ignore_result=True)
def beat_tick() -> str:
    """Beat's heartbeat, run by a worker: remember when (read by ``detail``)."""
    now = timezone.now().isoformat()
    cache.set(BEAT_TICK_KEY, now, timeout=None)
    return now


def detail(now: datetime) -> dict[str, Any]:
    """The business date, last night's close of business and beat's last tick."""
    open_date = business_date_open()
    last = CobRun.objects.order_by("-business_date").first()
    tick = cache.get(BEAT_TICK_KEY)
    ticked = datetime.fromisoformat(tick) if tick else None
    return {
        "business_date": open_date.isoformat(),
        # Every date before today (Beijing) is closed: last night's batch has finished.
        "last_night_closed": open_date >= timezone.localdate(now),
        "last_close": None
        if last is None
        else {
            "date": last.business_date.isoformat(),
            "status": last.status,
            "finished_at": last.finished_at.isoformat() if last.finished_at else None,
        },
        "beat": {
            "last_tick": tick,
            "seconds_ago": round((now - ticked).total_seconds()) if ticked else None,
            "ok": ticked is not None and now - ticked < BEAT_SILENT_AFTER,
        },
    }


@never_cache
@require_GET
def system_view(request: HttpRequest) -> HttpResponse:
    """The admin's system page (staff, /admin/system/): the checks and the detail of healthz."""
    context = {
        **admin.site.each_context(request),
        "title": _("System"),
        "checks": {name: _run(check) for name, check in CHECKS.items()},
        "detail": detail(timezone.now()),
    }
    return TemplateResponse(request, "admin/system.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "fail", "checks": results}
    if request.GET.get("full") == "1" and results["database"]["ok"]:
        body["detail"] = detail(timezone.now())
    return JsonResponse(body, status=200 if healthy else 503)
