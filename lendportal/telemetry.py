"""Error tracking (Sentry) and tracing (OpenTelemetry), each on only when configured (#21).

``telemetry_init`` is called once per process: by wsgi.py/asgi.py before Django's handler is
built, and by the Celery processes (lendportal/celery.py). With ``SENTRY_DSN`` and
``OTEL_EXPORTER_OTLP_ENDPOINT`` unset it imports neither library and opens no connection.

Personal data (PRODUCT §6) never leaves: Sentry gets no default PII, no local variables, no
request bodies, cookies or headers but a few harmless ones, and every digit run long enough to
be an identity, phone or card number is masked in messages, exception values, breadcrumbs and
URLs (``scrub_event``). Traces carry the path without its query string.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Six digits or more, spaces or hyphens allowed between them, with an identity number's final
# X: identity (18), mobile (11) and card (16-19) numbers, never a loan id or an amount in yuan
# below a million.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){5,}[Xx]?(?!\d)")
MASK = "[number]"
# Request headers that say nothing about the person (the others may: cookies, authorization,
# forwarded addresses, a partner's own headers).
_SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-length",
        "content-type",
        "host",
        "user-agent",
        "x-request-id",
    }
)


def mask_digits(text: str) -> str:
    """``text`` with every run of 6+ digits (an ID, phone or card number) replaced."""
    return _DIGIT_RUN.sub(MASK, text)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_digits(value)
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's ``before_send``: strip what may hold personal data, mask digit runs."""
    if isinstance(event.get("request"), dict):
        _scrub_request(event["request"])
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")} if event["user"].get("id") else {}
    if "message" in event:
        event["message"] = _mask(event["message"])
    if isinstance(event.get("logentry"), dict):
        event["logentry"] = _mask(event["logentry"])
    for exception in (event.get("exception") or {}).get("values") or []:
        if "value" in exception:
            exception["value"] = _mask(exception["value"])
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict):
        crumbs["values"] = [scrub_breadcrumb(c) for c in crumbs.get("values") or []]
    if "extra" in event:
        event["extra"] = _mask(event["extra"])
    return event


def _scrub_request(request: dict[str, Any]) -> None:
    for key in ("data", "cookies", "env"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    request["headers"] = {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS}
    request.pop("query_string", None)  # a search may be a phone number
    if "url" in request:
        request["url"] = mask_digits(str(request["url"]))


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's ``before_breadcrumb``: mask digit runs in the message and data."""
    for key in ("message", "data"):
        if key in crumb:
            crumb[key] = _mask(crumb[key])
    return crumb


def sentry_init(*, dsn: str, transport: Any = None) -> None:
    """Start Sentry for this process (Django, Celery and logging integrations auto-enable)."""
    import sentry_sdk  # only when configured

    sentry_sdk.init(
        dsn=dsn,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        # send_default_pii=False, spelt as the option that replaces it (sentry-sdk 2.7x), and
        # stricter: no user, cookies, bodies, query strings, queue payloads, SQL parameters or
        # frame variables (they hold borrowers' data); headers only from the list below.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(_SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]  # traces, when sampled
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )


def otel_init(*, service_name: str, web: bool) -> None:
    """Send this process's traces over OTLP/HTTP (the exporter reads the OTEL_* variables)."""
    from opentelemetry import trace  # only when configured
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter,
    )
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    if web:
        from opentelemetry.instrumentation.django import DjangoInstrumentor

        DjangoInstrumentor().instrument(response_hook=_span_url_scrub)
    CeleryInstrumentor().instrument()
    # Statements only (with %s placeholders): parameters are never recorded.
    PsycopgInstrumentor().instrument(enable_commenter=False)


_URL_ATTRIBUTES = ("http.url", "url.full", "http.target")


def _span_url_scrub(span: Any, request: Any, response: Any) -> None:
    """Keep a request span's URL to its path (digit runs masked): no query string."""
    if not span.is_recording():
        return
    path = mask_digits(request.path)
    for name in _URL_ATTRIBUTES:
        span.set_attribute(name, path)
    span.set_attribute("url.query", "")


def telemetry_init(*, service: str, web: bool = False) -> dict[str, bool]:
    """Start what the settings configure; return which of sentry and otel started."""
    started = {"sentry": False, "otel": False}
    if settings.SENTRY_DSN:
        sentry_init(dsn=settings.SENTRY_DSN)
        started["sentry"] = True
    if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
        otel_init(service_name=f"{settings.OTEL_SERVICE_NAME}-{service}", web=web)
        started["otel"] = True
    if any(started.values()):
        logger.info("telemetry for %s: %s", service, started)
    return started
