"""Metrics, error tracking and tracing (issue #21, docs/observability.md). Imported by base.py.

Everything here is off or local unless the environment says otherwise: ``/metrics`` answers
only the addresses below, and Sentry and OpenTelemetry start only when their variable is set
(``lendportal/telemetry.py``, called by wsgi.py and the Celery processes).
"""

from __future__ import annotations

import os
from pathlib import Path

from lendportal.env import env_decimal, env_int, env_list, env_str

# Where every process of this machine writes its metric samples (prometheus-client's
# multiprocess mode). The library reads the variable on its first import, so it is set here,
# before any metric is defined; a start script may set it first (gunicorn.conf.py does).
PROMETHEUS_MULTIPROC_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(Path(__file__).resolve().parent.parent.parent / "var" / "prometheus"),
)
Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

# Who may read /metrics: networks in CIDR notation. Others get a 404. A request that came
# through a proxy (X-Forwarded-For) is refused whatever the proxy's address, so a load balancer
# inside an allowed network does not open the page to the internet.
LENDPORTAL_METRICS_ALLOWED_IPS = env_list("LENDPORTAL_METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128")
# A Celery worker machine has no /metrics of its own: with this port set, each worker's main
# process serves its machine's samples there (on LENDPORTAL_WORKER_METRICS_ADDR, loopback by
# default: put the scraper on the machine or name a private address).
LENDPORTAL_WORKER_METRICS_PORT = env_int("LENDPORTAL_WORKER_METRICS_PORT", 0)
LENDPORTAL_WORKER_METRICS_ADDR = env_str("LENDPORTAL_WORKER_METRICS_ADDR", "127.0.0.1")

# Sentry: errors of the web and Celery processes, with personal data scrubbed. Unset: off.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = os.environ.get("SENTRY_RELEASE", "")
SENTRY_TRACES_SAMPLE_RATE = float(env_decimal("SENTRY_TRACES_SAMPLE_RATE", "0"))  # 0 to 1

# OpenTelemetry traces over OTLP/HTTP (the exporter reads the OTEL_* variables itself, e.g.
# OTEL_EXPORTER_OTLP_HEADERS). Unset: off.
OTEL_EXPORTER_OTLP_ENDPOINT = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
OTEL_SERVICE_NAME = env_str("OTEL_SERVICE_NAME", "lendportal")
