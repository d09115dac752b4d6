"""Sentry and OpenTelemetry (issue #21): off unless configured, and no personal data sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from lendportal.telemetry import MASK, mask_digits, scrub_event, sentry_init, telemetry_init

ROOT = Path(__file__).resolve().parents[2]

# Loads the web application as gunicorn would, with every outgoing connection refused and
# counted, then says what it imported and started.
_LOAD_WEB = """
import json, socket, sys
attempts = []
def refuse(self, address, *args, **kwargs):
    attempts.append(str(address))
    raise OSError("no network in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
import lendportal.wsgi
from django.conf import settings
from opentelemetry import trace
active = "sentry_sdk" in sys.modules and sys.modules["sentry_sdk"].get_client().is_active()
print(json.dumps({
    "sentry_imported": "sentry_sdk" in sys.modules,
    "sentry": active,
    # redis-py imports OpenTelemetry when installed; what matters is that nothing is set up.
    "provider": type(trace.get_tracer_provider()).__name__,
    "otel_middleware": any("opentelemetry" in m for m in settings.MIDDLEWARE),
    "connections": attempts,
}))
"""


def _load_web(**env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "OTEL_"))}
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_WEB],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lendportal.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_unset_nothing_is_imported_started_or_connected() -> None:
    loaded = _load_web()

    assert loaded == {
        "sentry_imported": False,
        "sentry": False,
        "provider": "ProxyTracerProvider",  # the API's default: no tracing
        "otel_middleware": False,
        "connections": [],
    }


def test_an_otlp_endpoint_starts_tracing_without_connecting_at_start() -> None:
    loaded = _load_web(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318")

    assert loaded["provider"] == "TracerProvider"
    assert loaded["otel_middleware"] is True
    assert loaded["sentry"] is False
    assert loaded["connections"] == []  # spans are sent later, in batches


def test_a_dsn_starts_sentry_without_connecting_at_start() -> None:
    loaded = _load_web(SENTRY_DSN="https://public@sentry.invalid/1")

    assert loaded["sentry"] is True
    assert loaded["provider"] == "ProxyTracerProvider"
    assert loaded["connections"] == []


def test_with_the_variables_unset_telemetry_init_starts_nothing(settings) -> None:
    settings.SENTRY_DSN = ""
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = ""

    assert telemetry_init(service="web", web=True) == {"sentry": False, "otel": False}
    assert sentry_sdk.get_client().is_active() is False


class _Captured(Transport):
    """Sentry's documented hook for tests: a transport that keeps envelopes instead of sending."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Any) -> None:
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def captured() -> Any:
    transport = _Captured()
    sentry_init(dsn="https://public@sentry.invalid/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_a_phone_number_in_a_message_is_masked_before_it_is_sent(captured: _Captured) -> None:
    sentry_sdk.capture_message("SMS to 13812345678 failed for card 6222 0212 3456 7890, loan 42")
    sentry_sdk.flush()

    [event] = captured.events
    assert event["message"] == f"SMS to {MASK} failed for card {MASK}, loan 42"
    assert "13812345678" not in json.dumps(event)


def test_an_exception_value_with_an_identity_number_is_masked(captured: _Captured) -> None:
    try:
        raise ValueError("no borrower with 11010519491231002X")
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()

    [event] = captured.events
    assert event["exception"]["values"][0]["value"] == f"no borrower with {MASK}"
    assert "vars" not in json.dumps(event["exception"]["values"][0]["stacktrace"]["frames"][-1])


def test_request_bodies_cookies_and_personal_headers_are_stripped() -> None:
    event = {
        "request": {
            "url": "https://lend.example/api/v1/borrowers/13812345678",
            "method": "POST",
            "query_string": "mobile=13812345678",
            "data": {"id_number": "11010519491231002X"},
            "cookies": {"sessionid": "abc"},
            "headers": {
                "Authorization": "Bearer secret",
                "Cookie": "sessionid=abc",
                "X-Forwarded-For": "203.0.113.9",
                "User-Agent": "partner/1.0",
                "X-Request-Id": "req-1",
            },
        },
        "user": {"id": "7", "email": "wang@example.com", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": "looked up 6222021234567890123"}]},
    }

    scrubbed = scrub_event(event, {})

    assert scrubbed["request"] == {
        "url": f"https://lend.example/api/v1/borrowers/{MASK}",
        "method": "POST",
        "headers": {"User-Agent": "partner/1.0", "X-Request-Id": "req-1"},
    }
    assert scrubbed["user"] == {"id": "7"}
    assert scrubbed["breadcrumbs"]["values"] == [{"message": f"looked up {MASK}"}]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("loan 123456 paid", f"loan {MASK} paid"),
        ("loan 12345 paid ¥10000.00", "loan 12345 paid ¥10000.00"),
        ("+86 138-1234-5678", f"+{MASK}"),
        ("id 11010519491231002x.", f"id {MASK}."),
    ],
)
def test_runs_of_six_digits_or_more_are_masked(text: str, masked: str) -> None:
    assert mask_digits(text) == masked


# A request traced in memory: what a span would carry to the collector.
_TRACE_REQUEST = """
import json, os
import lendportal.wsgi
from django.test import Client
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
spans = InMemorySpanExporter()
trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(spans))
Client(HTTP_HOST="localhost").get("/borrowers/13812345678", {"mobile": "13812345678"})
print(json.dumps([dict(span.attributes) for span in spans.get_finished_spans()]), flush=True)
import shutil; shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"])  # atexit will not run
os._exit(0)  # before the exporter's last flush: no span leaves the process
"""


def test_a_traced_requests_span_has_no_number_nor_query_string() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "OTEL_"))}
    done = subprocess.run(
        [sys.executable, "-c", _TRACE_REQUEST],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "lendportal.settings.test",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",  # never reached
            "OTEL_BSP_SCHEDULE_DELAY": "600000",  # no batch is sent while the script runs
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    [span] = json.loads(done.stdout.strip().splitlines()[-1])

    assert "13812345678" not in json.dumps(span)
    assert "mobile" not in json.dumps(span)
    assert span["http.target"] == f"/borrowers/{MASK}"
