"""Metrics in multiprocess mode (issue #21): the samples of several processes add up in one
scrape, and a starting process group removes only the files of processes that have ended."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from loans.metrics import metrics_dir_clear, metrics_registry

ROOT = Path(__file__).resolve().parents[2]

# A process that knows nothing of Django: the directory comes from the environment only.
_COUNT = """
import sys
from loans.metrics import idempotency_replay_count, webhook_attempt_count
for _ in range(int(sys.argv[1])):
    idempotency_replay_count()
webhook_attempt_count(outcome="delivered")
"""


def _run(directory: Path, times: int) -> int:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", _COUNT, str(times)], cwd=ROOT, env=env, check=True, timeout=60
    )
    return done.returncode


def _samples(directory: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(metrics_registry(directory)).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_two_processes_counters_add_up_in_one_scrape(tmp_path: Path) -> None:
    _run(tmp_path, 2)
    _run(tmp_path, 3)

    samples = _samples(tmp_path)

    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process
    assert samples[("lendportal_idempotency_replays_total", ())] == 5
    assert samples[("lendportal_webhook_attempts_total", (("outcome", "delivered"),))] == 2


def test_clearing_removes_only_the_files_of_ended_processes(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / f"counter_{ended}.db").write_bytes(b"")
    (tmp_path / f"histogram_{ended}.db").write_bytes(b"")
    (tmp_path / f"counter_{os.getpid()}.db").write_bytes(b"")  # this process is running

    removed = metrics_dir_clear(tmp_path)

    assert removed == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"counter_{os.getpid()}.db"]
