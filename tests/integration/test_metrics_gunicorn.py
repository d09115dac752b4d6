"""/metrics under gunicorn with two workers (issue #21, docs/observability.md): whichever
worker answers the scrape, it counts the requests both answered; the master clears the files
of ended processes before the workers start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
REQUESTS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ended_pid() -> int:
    probe = subprocess.Popen(["true"])
    probe.wait()
    return probe.pid


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    port, samples = free_port(), tmp_path / "prometheus"
    samples.mkdir()
    stale = samples / f"counter_{ended_pid()}.db"
    stale.write_bytes(b"left by an ended process")
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(samples),
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.local",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "lendportal.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while log.read_text().count("Booting worker") < 2:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, samples, stale
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
        assert answer.status == 200
        return bytes(answer.read())


def healthz_counts(text: str) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["view"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "lendportal_http_request_duration_seconds_count"
        and sample.labels["view"] == "healthz"
    }


def test_a_scrape_adds_up_both_workers_requests(two_workers) -> None:
    port, samples, stale = two_workers
    deadline = time.monotonic() + 60
    while True:  # the workers load the application after they boot
        try:
            before = healthz_counts(get(port, "/metrics").decode())
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.3)

    for _ in range(REQUESTS):
        get(port, "/healthz")  # a new connection each: either worker may answer
    after = healthz_counts(get(port, "/metrics").decode())

    assert before == {}
    assert after == {("healthz", "200"): REQUESTS}
    assert not stale.exists()  # removed by the master's on_starting
    assert any(samples.glob("histogram_*.db"))
