"""Celery's processes write the same JSON log lines as the web (issue #21): with
LOG_FORMAT=json a worker's lines parse, and a task's lines carry the id of the request that
queued it, and the task's id."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from lendportal.celery import app
from lendportal.request_id import TASK_HEADER, task_context_enter, task_context_exit
from lendportal.settings.logs import logging_config
from lendportal.worker import celery_logger_json
from loans.logs import log_context

ROOT = Path(__file__).resolve().parents[2]


def _handler_as_celery_makes_it() -> tuple[logging.Logger, io.StringIO]:
    """A logger with a handler of Celery's own format, as the worker's setup leaves it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(asctime)s: %(levelname)s] %(message)s"))
    logger = logging.getLogger(f"tests.worker.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, stream


def test_with_json_logs_a_tasks_line_is_json_with_its_request_and_task_ids(settings) -> None:
    settings.LOGGING = logging_config("json")
    logger, stream = _handler_as_celery_makes_it()
    task = SimpleNamespace(request=SimpleNamespace(**{TASK_HEADER: "order-7f3a"}))

    celery_logger_json(logger=logger)  # Celery's after_setup_logger signal
    task_context_enter(task_id="task-1", task=task)
    try:
        logger.info("chunk %s done", 3)
    finally:
        task_context_exit(task_id="task-1")
    logger.info("between tasks")

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first == {
        "time": first["time"],
        "level": "INFO",
        "logger": logger.name,
        "message": "chunk 3 done",
        "request_id": "order-7f3a",
        "task_id": "task-1",
    }
    assert second["request_id"] == ""
    assert "task_id" not in second


def test_with_plain_logs_celerys_own_format_is_kept(settings) -> None:
    settings.LOGGING = logging_config("plain")
    logger, stream = _handler_as_celery_makes_it()

    celery_logger_json(logger=logger)
    logger.info("ready")

    assert stream.getvalue().endswith("INFO] ready\n")


@pytest.fixture
def json_worker(tmp_path: Path):
    """A real `celery worker` (solo pool) with LOG_FORMAT=json on a queue of its own."""
    queue = f"tests-logs-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "lendportal.settings.test"}
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["LENDPORTAL_WORKER_METRICS_PORT"] = str(_free_port())
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lendportal",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--queues",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(log, lambda line: "ready" in line.get("message", ""))
        yield queue, log, int(env["LENDPORTAL_WORKER_METRICS_PORT"])
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _json_lines(log: Path) -> list[dict]:
    lines = []
    for text in log.read_text().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    return lines


def _wait_for(log: Path, found, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in _json_lines(log):
            if found(line):
                return line
        time.sleep(0.2)
    raise AssertionError(f"not in the worker's log:\n{log.read_text()[-3000:]}")


def test_a_real_workers_log_lines_are_json_and_a_tasks_carry_its_request_id(json_worker) -> None:
    queue, log, _ = json_worker

    with log_context(request_id="order-9c1e"):  # as if sent while answering that request
        result = app.send_task("lendportal.beat_tick", queue=queue)

    line = _wait_for(log, lambda line: "succeeded" in line.get("message", ""))
    assert line["request_id"] == "order-9c1e"
    assert line["task_id"] == result.id
    assert line["logger"] == "celery.app.trace"
    assert line["level"] == "INFO"
    # The start-up banner is printed, not logged; from "ready" on every line is JSON.
    lines = log.read_text().splitlines()
    ready = next(n for n, line in enumerate(lines) if line.startswith("{") and "ready." in line)
    assert [line for line in lines[ready:] if line and not line.startswith("{")] == []
    assert len(lines[ready:]) >= 3  # ready, received, succeeded


def test_a_worker_serves_its_machines_metrics_on_the_port_set(json_worker) -> None:
    _, _, port = json_worker

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()

    assert "\nlendportal_cob_chunk_duration_seconds_count 0.0\n" in text
