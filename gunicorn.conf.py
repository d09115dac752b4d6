"""Gunicorn's settings for LendPortal's web processes.

    gunicorn -c gunicorn.conf.py lendportal.wsgi

Used by the Dockerfile, compose.yaml and `make run` (with LENDPORTAL_WEB=gunicorn). Each value
can be changed by the environment variable next to it. The access log is one JSON object per
request on stdout: the path without its query string (a search may hold a phone number), the
status, the bytes, the duration and the request's X-Request-Id.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT') or 8000}"
# Sync workers, (2 x cores) + 1 by default: each request holds one database connection.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # to finish requests on a restart
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers against slow leaks, rarely: a restart takes a worker away for a second or two
# (at 2,000 the API bench restarted each worker every 10 s, and its p99 went from tens of ms to
# over 600 ms).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The workers' heartbeat files in memory: a slow disk cannot make them look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The proxy in front sets X-Forwarded-Proto (settings.production trusts it): name its address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """Gunicorn's logger with the access log written as JSON, one object per line."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        self.access_log.info(access_line(resp, req, environ, request_time))


def access_line(resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> str:
    """The JSON access-log line of one request (no query string, no cookies, no body)."""
    return json.dumps(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "remote": environ.get("REMOTE_ADDR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(str(resp.status).split()[0]),
            "bytes": getattr(resp, "sent", 0),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": environ.get("HTTP_X_REQUEST_ID", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200],
        },
        ensure_ascii=False,
    )


logger_class = JsonAccessLogger

# prometheus-client's multiprocess mode (docs/observability.md): named here, in the master, so
# every worker inherits it before it imports the library; dead processes' files go at start.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(__file__).resolve().parent / "var" / "prometheus")
)


def on_starting(server: Any) -> None:
    from loans.metrics import metrics_dir_clear

    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    metrics_dir_clear()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
