"""``/metrics`` for Prometheus (issue #21, docs/observability.md): the HTTP middleware, the
Celery queue lengths and the view. The metrics themselves are defined in ``loans/metrics.py``.

The page adds up the samples of every process of this machine (prometheus-client's
multiprocess mode) and reads the queue lengths from Redis when scraped. It answers only the
networks of ``LENDPORTAL_METRICS_ALLOWED_IPS``, directly (not through a proxy); others get a 404.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lendportal.env import cache_url_for_broker
from loans.metrics import HTTP_REQUEST_QUERIES, HTTP_REQUEST_SECONDS, metrics_registry

logger = logging.getLogger(__name__)

UNMATCHED = "<unmatched>"  # the view label of a URL that matched no pattern (a 404)


class MetricsMiddleware:
    """Time, status and database queries of each request, labelled by view name, never path.

    Second in MIDDLEWARE (after the request id): it times every other middleware too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        view = view_name(request)
        HTTP_REQUEST_SECONDS.labels(
            view=view, method=_method(request), status=str(response.status_code)
        ).observe(time.perf_counter() - started)
        HTTP_REQUEST_QUERIES.labels(view=view).observe(queries.count)
        return response


class _QueryCounter:
    """A ``connection.execute_wrapper``: counts the statements it lets through."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def view_name(request: HttpRequest) -> str:
    """The URL pattern's name (with its namespace), else the view's dotted path; a fixed set."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match._func_path


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _method(request: HttpRequest) -> str:
    # Any other word a client sends would make a new series.
    return request.method if request.method in _METHODS else "OTHER"


# --- Celery queue lengths, read at scrape time ---------------------------------------------


def celery_queue_names() -> list[str]:
    """The queues settings name: the default queue and those of the task routes."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


class CeleryQueueCollector(Collector):
    """``lendportal_celery_queue_length{queue}``: LLEN of each queue's list in the broker's Redis.

    Read when scraped, so it is never stale and no process has to keep a gauge up to date. If
    Redis does not answer, the metric is left out (and ``..._up`` says 0), not reported as 0.
    """

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "lendportal_celery_broker_up", "Whether the broker's Redis answered this scrape."
        )
        lengths = GaugeMetricFamily(
            "lendportal_celery_queue_length",
            "Messages waiting in a Celery queue.",
            labels=["queue"],
        )
        try:
            client = redis.Redis.from_url(
                cache_url_for_broker(settings.CELERY_BROKER_URL),
                socket_timeout=2,
                socket_connect_timeout=2,
            )
            with client:
                for queue in celery_queue_names():
                    lengths.add_metric([queue], float(client.llen(queue)))
        except redis.RedisError as error:
            logger.warning("metrics: the broker did not answer: %s", type(error).__name__)
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield lengths


# --- The view -------------------------------------------------------------------------------


def address_allowed(address: str, networks: list[str]) -> bool:
    """Whether ``address`` is in one of ``networks`` (CIDR strings); a bad address is not."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Every process's samples and the queue lengths, in Prometheus's text format."""
    proxied = "HTTP_X_FORWARDED_FOR" in request.META
    address = request.META.get("REMOTE_ADDR", "")
    if proxied or not address_allowed(address, settings.LENDPORTAL_METRICS_ALLOWED_IPS):
        raise Http404
    registry = metrics_registry()
    registry.register(CeleryQueueCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
