"""Beat on two machines (issue #21): two `celery beat` processes against one Redis dispatch each
task once (RedBeat's lock: the second waits), and the second takes over when the first dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from kombu import Connection

from tests.integration.cob import worker_harness as harness

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
TICK = "lendportal.beat_tick"
SENT = "Sending due task beat-tick"


@pytest.fixture
def broker() -> Iterator[str]:
    """A Redis database of this test's own (another per pytest-xdist process)."""
    base = settings.CELERY_BROKER_URL
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    url = harness.broker_url(base, db=(harness.broker_db(base) + 8 + worker) % 16)
    harness.broker_flush(url)
    yield url
    harness.broker_flush(url)


def beat(broker: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "LENDPORTAL_BEAT_TICK_SECONDS": "1",  # beat_tick every second
        "LENDPORTAL_BEAT_LOCK_SECONDS": "4",  # a dead beat's lock lasts 4 s
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.local",
    }
    env.pop("CACHE_URL", None)
    with log.open("w") as out:
        return subprocess.Popen(
            [CELERY, "-A", "lendportal", "beat", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def ticks_sent(broker: str) -> int:
    """How many beat_tick messages wait in the default queue (no worker takes them here)."""
    with Connection(broker) as connection:
        client = cast(Any, connection.default_channel).client
        messages = [json.loads(raw) for raw in client.lrange("default", 0, -1)]
    return sum(m["headers"]["task"] == TICK for m in messages)


def wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_two_beats_send_each_tick_once_and_the_second_takes_over(broker, tmp_path):
    log_a, log_b = tmp_path / "beat-a.log", tmp_path / "beat-b.log"
    first = beat(broker, log_a)
    second = None
    try:
        assert wait_for(lambda: SENT in log_a.read_text(), 60), log_a.read_text()
        second = beat(broker, log_b)
        assert wait_for(lambda: "beat: Starting" in log_b.read_text(), 60), log_b.read_text()
        began, sent_before = time.monotonic(), ticks_sent(broker)
        time.sleep(8)
        both_running = ticks_sent(broker) - sent_before
        seconds = time.monotonic() - began

        # One beat's worth: a tick a second, not two.
        assert seconds - 2 <= both_running <= seconds + 2, (both_running, seconds)
        assert SENT not in log_b.read_text()  # the second waits for the lock

        os.killpg(first.pid, signal.SIGKILL)  # no chance to release the lock
        first.wait(timeout=10)
        killed = ticks_sent(broker)
        assert wait_for(lambda: SENT in log_b.read_text(), 30), log_b.read_text()
        assert wait_for(lambda: ticks_sent(broker) >= killed + 3, 10)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
