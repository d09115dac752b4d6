"""The request id (issue #21): taken from X-Request-Id or made, returned, on every log line of
the request as JSON, stamped on the Celery messages the request sends and restored around the
task in the worker; a COB chunk's log lines name its date and chunk."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from logging.config import DictConfigurator
from types import SimpleNamespace

import pytest
from django.test import Client

from lendportal import health
from lendportal.celery import app
from lendportal.request_id import (
    TASK_HEADER,
    task_context_enter,
    task_context_exit,
    task_publish_header,
)
from lendportal.settings.logs import logging_config
from loans.calendar.models import BusinessDate
from loans.cob.services.runs import cob_run_open
from loans.cob.tasks import cob_chunk_process
from loans.logs import LogContextFilter, log_context, log_fields, request_id_current
from tests.factories.loans import DRAW_DATE, draw

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the root logger writes through the production JSON formatter and the filter."""
    config = logging_config("json")
    formatter = DictConfigurator(config).configure_formatter(dict(config["formatters"]["json"]))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(LogContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_plain_id_is_kept_and_returned_and_names_the_requests_log_lines(
    client: Client, json_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down() -> None:
        raise ConnectionRefusedError

    monkeypatch.setitem(health.CHECKS, "broker", broker_down)  # the view then logs a warning

    response = client.get("/healthz", HTTP_X_REQUEST_ID="checkout-7f3a.2")

    assert response["X-Request-Id"] == "checkout-7f3a.2"
    lines = [x for x in parsed(json_lines) if x["logger"] == "lendportal.health"]
    assert lines == [
        {
            "time": lines[0]["time"],
            "level": "WARNING",
            "logger": "lendportal.health",
            "message": "health check failed: ConnectionRefusedError",
            "request_id": "checkout-7f3a.2",
        }
    ]
    assert request_id_current() == ""  # nothing leaks past the request


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [None, "", "a b", "x" * 65, "id\n{forged}", "身份证"])
def test_a_missing_or_unplain_id_is_replaced_by_a_new_one(client: Client, sent: str | None):
    headers = {} if sent is None else {"X-Request-Id": sent}
    response = client.get("/healthz", headers=headers)
    assert HEX32.fullmatch(response["X-Request-Id"])


def test_a_task_sent_in_a_request_carries_its_id_into_the_worker() -> None:
    headers: dict[str, object] = {}
    with log_context(request_id="req-41"):
        task_publish_header(headers=headers)
    assert headers == {TASK_HEADER: "req-41"}

    # In the worker, the message's headers become the task's request (celery.worker.request).
    task = SimpleNamespace(request=SimpleNamespace(**{TASK_HEADER: "req-41"}))
    task_context_enter(task_id="t-1", task=task)
    assert log_fields() == {"request_id": "req-41", "task_id": "t-1"}
    task_context_exit(task_id="t-1")
    assert request_id_current() == ""


def test_a_task_from_beat_has_no_request_id_and_sending_outside_a_request_stamps_none() -> None:
    headers: dict[str, object] = {}
    task_publish_header(headers=headers)
    assert headers == {}
    task_context_enter(task_id="t-2", task=SimpleNamespace(request=SimpleNamespace()))
    assert request_id_current() == ""
    task_context_exit(task_id="t-2")


def test_the_header_is_on_the_message_in_the_broker(settings) -> None:
    """Sent for real through kombu to Redis: the stamped header is in the stored message."""
    queue = f"request-id-test-{id(settings)}"
    with app.connection_for_write() as connection:
        with log_context(request_id="req-broker-1"):
            app.send_task(
                "lendportal.beat_tick", queue=queue, connection=connection, routing_key=queue
            )
        client = connection.default_channel.client  # type: ignore[attr-defined]
        raw = client.lpop(queue)
    message = json.loads(raw)
    assert message["headers"][TASK_HEADER] == "req-broker-1"


@pytest.mark.django_db
def test_a_cob_chunks_log_lines_name_its_date_and_chunk(json_lines: io.StringIO) -> None:
    draw(principal="10000.00", term=12)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    run = cob_run_open(business_date=DRAW_DATE)
    chunk = run.chunks.first()
    assert chunk is not None

    cob_chunk_process(chunk_id=chunk.pk, run_id=run.pk)

    mine = [x for x in parsed(json_lines) if x["logger"] == "loans.cob.tasks"]
    assert mine
    assert all(x["cob_date"] == DRAW_DATE.isoformat() for x in mine)
    assert all(x["cob_chunk"] == chunk.pk for x in mine)
