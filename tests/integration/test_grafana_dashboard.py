"""docs/grafana/lendportal.json (issue #21) queries only metrics LendPortal exposes, and covers
each of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import Counter, Histogram

from loans import metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "lendportal.json"
# Read from Redis at scrape time (lendportal/metrics.py CeleryQueueCollector).
COLLECTED = {"lendportal_celery_queue_length", "lendportal_celery_broker_up"}


def exposed() -> dict[str, set[str]]:
    """Each metric of loans/metrics.py: the series names Prometheus sees."""
    names: dict[str, set[str]] = {}
    for value in vars(metrics).values():
        if isinstance(value, Histogram):
            base = value._name
            names[base] = {f"{base}_bucket", f"{base}_sum", f"{base}_count"}
        elif isinstance(value, Counter):
            names[value._name] = {f"{value._name}_total"}
    return names | {name: {name} for name in COLLECTED}


def queried() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    return {name for expr in expressions for name in re.findall(r"lendportal_[a-z_]+", expr)}


def test_the_dashboard_queries_only_exposed_series_and_every_metric() -> None:
    series = exposed()
    every_series = set().union(*series.values())

    assert queried() - every_series == set()
    assert {base for base, names in series.items() if names & queried()} == set(series)
