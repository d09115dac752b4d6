"""Django's psycopg pool, switched on by DATABASE_POOL_MAX_SIZE (#20, docs/scaling.md).

A process with the pool keeps its connections between requests: after each request Django
"closes" the connection, which hands it back to the pool. Run in a child process with the
variables set, as a web process is started, against the test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Twenty "requests": each runs a query, then Django's request_finished handler closes the
# connection, as after every request. Prints the server processes that answered.
REQUESTS = """
import json
import django
django.setup()
from django.core.signals import request_finished, request_started
from django.db import connection
pids = []
for _ in range(20):
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    request_finished.send(sender=None)
print(json.dumps({"pids": pids, "pool": bool(connection.pool)}))
"""


def _run(**variables: str) -> dict[str, Any]:
    database = connections["default"].settings_dict
    url = (
        f"postgresql://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    names = ("DATABASE_POOL_MAX_SIZE", "DATABASE_POOL_MIN_SIZE", "DATABASE_CONN_MAX_AGE")
    environment = {k: v for k, v in os.environ.items() if k not in names}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "lendportal.settings.local",
        "DATABASE_URL": url,
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_without_the_pool_each_request_opens_a_connection():
    answer = _run()

    assert answer["pool"] is False
    assert len(set(answer["pids"])) == 20


def test_the_pool_reuses_its_connections_across_requests():
    answer = _run(DATABASE_POOL_MAX_SIZE="2", DATABASE_POOL_MIN_SIZE="1")

    assert answer["pool"] is True
    assert len(set(answer["pids"])) <= 2
