"""The application behind PgBouncer in transaction mode (#20, docs/scaling.md).

Starts Debian's pgbouncer on a free port in front of the test database (trust, transaction
mode, round-robin over two warmed server connections, so consecutive transactions of one client
really land on different server sessions), points Django's connection at it with
DISABLE_SERVER_SIDE_CURSORS (what DATABASE_PGBOUNCER sets), and runs a slice of the application:
a draw, repayments with idempotency keys, the event feed, a loan read and three nights of close
of business. Skipped, saying why, where pgbouncer is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from rest_framework.test import APIClient

from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun, CobRunStatus
from loans.servicing.models import Loan, Repayment
from tests.factories.api import api_partner, business_date_set, partner_borrower
from tests.factories.loans import DRAW_DATE, ProductFactory, credit_line_for
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db(transaction=True)

PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/sbin")
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ini(*, port: int, server_host: str, server_port: str, user: str) -> str:
    lines = [
        "[databases]",
        f"* = host={server_host} port={server_port}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        "auth_file = userlist.txt",
        "pool_mode = transaction",
        "default_pool_size = 4",
        # FIFO over idle servers: the next transaction takes another server than the last one.
        "server_round_robin = 1",
        f"admin_users = {user}",
        # As docs/scaling.md, plus the tests' own PGOPTIONS (tests/conftest.py).
        "ignore_startup_parameters = extra_float_digits, options",
    ]
    if os.geteuid() == 0:
        lines.append("user = nobody")  # pgbouncer refuses to run as root
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup: None) -> Iterator[int]:
    """A pgbouncer process of this module's own, in transaction mode; yields its port."""
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    settings_dict = connections["default"].settings_dict
    user = settings_dict["USER"]
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="lendportal-pgbouncer-"))
    folder.chmod(0o755)  # readable by the unprivileged user pgbouncer becomes
    users = {user, os.environ.get("LENDPORTAL_TEST_APP_ROLE") or user}
    (folder / "userlist.txt").write_text("".join(f'"{name}" ""\n' for name in sorted(users)))
    (folder / "pgbouncer.ini").write_text(
        _ini(
            port=port,
            server_host=settings_dict["HOST"] or "127.0.0.1",
            server_port=str(settings_dict["PORT"] or 5432),
            user=user,
        )
    )
    for name in ("userlist.txt", "pgbouncer.ini"):
        (folder / name).chmod(0o644)
    log = (folder / "stderr.log").open("wb")
    process = subprocess.Popen(
        [PGBOUNCER, str(folder / "pgbouncer.ini")], cwd=folder, stdout=log, stderr=log
    )
    try:
        _wait_ready(port, user, settings_dict["NAME"], process, folder)
        _warm_two_servers(port, user, settings_dict["NAME"])
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _connect(port: int, user: str, name: str, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(host="127.0.0.1", port=port, user=user, dbname=name, **kwargs)


def _wait_ready(port: int, user: str, name: str, process: Any, folder: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            _connect(port, user, name, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "stderr.log").read_text(errors="replace")
                pytest.fail(f"pgbouncer did not start:\n{log}")
            time.sleep(0.1)


def _warm_two_servers(port: int, user: str, name: str) -> None:
    """Two clients in a transaction at once: pgbouncer opens a second server connection."""
    first, second = _connect(port, user, name), _connect(port, user, name)
    with first, second:
        first.execute("SELECT 1")
        second.execute("SELECT 1")
        first.commit()
        second.commit()


def _pgbouncer_transactions(port: int, name: str) -> int:
    user = connections["default"].settings_dict["USER"]
    with _connect(port, user, "pgbouncer", autocommit=True) as admin:
        cursor = admin.cursor()
        cursor.execute("SHOW STATS")
        columns = [column.name for column in cursor.description or []]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return sum(int(row["total_xact_count"]) for row in rows if row["database"] == name)


@pytest.fixture
def through_pgbouncer(pgbouncer: int) -> Iterator[int]:
    """Django's default connection goes through pgbouncer, as DATABASE_PGBOUNCER sets it."""
    connection = connections["default"]
    keys = ("HOST", "PORT", "DISABLE_SERVER_SIDE_CURSORS")
    saved = {key: connection.settings_dict.get(key) for key in keys}
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT=str(pgbouncer), DISABLE_SERVER_SIDE_CURSORS=True
    )
    yield pgbouncer
    connection.close()
    connection.settings_dict.update(saved)  # the flush after the test goes direct


def _scalar(sql: str) -> Any:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _execute(sql: str) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql)


def test_transactions_land_on_different_server_sessions(through_pgbouncer):
    pids = [_scalar("SELECT pg_backend_pid()") for _ in range(4)]
    with transaction.atomic():
        inside = {_scalar("SELECT pg_backend_pid()") for _ in range(3)}

    assert len(set(pids)) >= 2  # outside a transaction: one server, then the other
    assert len(inside) == 1  # inside one: the same server throughout
    # Django turns psycopg's automatic preparing off, which PgBouncer 1.18 would break.
    assert connections["default"].connection.prepare_threshold is None


def test_session_state_does_not_follow_the_client(through_pgbouncer):
    default = _scalar("SHOW work_mem")
    _scalar("SELECT set_config('work_mem', '77MB', false)")  # what a plain SET does

    assert _scalar("SHOW work_mem") == default  # the next transaction: another server
    assert _scalar("SHOW work_mem") == "77MB"  # and it stays behind for whoever comes next
    _execute("RESET work_mem")
    _execute("RESET work_mem")  # on both servers


def test_a_server_side_cursor_outside_a_transaction_breaks_and_the_setting_avoids_it(
    through_pgbouncer,
):
    expected = ContentType.objects.count()
    settings_dict = connections["default"].settings_dict

    settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    with pytest.raises((DatabaseError, psycopg.Error), match="does not exist"):
        list(ContentType.objects.order_by("id").iterator(chunk_size=2))
    connections["default"].close()
    settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True

    assert len(list(ContentType.objects.order_by("id").iterator(chunk_size=2))) == expected


def test_a_slice_of_the_application_runs_through_pgbouncer(through_pgbouncer):
    name = connections["default"].settings_dict["NAME"]
    before = _pgbouncer_transactions(through_pgbouncer, name)
    acme = api_partner()
    business_date_set(DRAW_DATE)
    ProductFactory.create()
    borrower = partner_borrower(acme.partner)
    credit_line_for(borrower, limit=Decimal("20000.00"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {acme.token}")

    drawn = api.post(
        "/api/v1/loans", _draw_body(borrower), format="json", HTTP_IDEMPOTENCY_KEY="d1"
    )
    assert drawn.status_code == 201, drawn.content
    loan_id = drawn.json()["id"]
    paid = [
        api.post(
            f"/api/v1/loans/{loan_id}/repayments",
            {"amount": "100.00", "reference": "order-1"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="pay-1",
        )
        for _ in range(2)
    ]
    assert [response.status_code for response in paid] == [201, 201]
    assert paid[1]["Idempotent-Replayed"] == "true"
    assert Repayment.objects.filter(loan_id=loan_id).count() == 1
    events = api.get("/api/v1/events").json()["results"]
    assert [event["type"] for event in events] == ["loan.disbursed", "repayment.posted"]
    assert api.get(f"/api/v1/loans/{loan_id}").json()["status"] == "ACTIVE"

    out = StringIO()
    call_command("close_business_day", "--through", "2027-01-17", "--inline", stdout=out)

    statuses = list(CobRun.objects.order_by("business_date").values_list("status", flat=True))
    assert statuses == [CobRunStatus.DONE] * 3
    assert BusinessDate.objects.get(id=1).current_date.isoformat() == "2027-01-18"
    assert Loan.objects.get(pk=loan_id).installments.get(number=1).interest_accrued_amount > 0
    assert_books_reconcile()
    # All of it went through pgbouncer: it counted the transactions.
    assert _pgbouncer_transactions(through_pgbouncer, name) - before > 50


# A COB chunk's row lock is its lease (docs/cob.md): it must go when its worker dies, behind
# PgBouncer as on a direct connection. The child locks the business date row through PgBouncer.
HOLDER = """
import sys, time, psycopg
connection = psycopg.connect(sys.argv[1])
connection.execute("SELECT 1 FROM loans_businessdate WHERE id = 1 FOR UPDATE")
print("locked", flush=True)
time.sleep(120)
"""


def _lock_free() -> bool:
    try:
        with transaction.atomic():
            BusinessDate.objects.select_for_update(nowait=True).get(id=1)
    except DatabaseError:
        return False
    return True


def test_a_lock_held_through_pgbouncer_goes_when_its_holder_is_killed(pgbouncer):
    business_date_set(DRAW_DATE)
    database = connections["default"].settings_dict  # direct: only the child goes through
    url = f"postgresql://{database['USER']}@127.0.0.1:{pgbouncer}/{database['NAME']}"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        assert _lock_free() is False
    finally:
        holder.kill()  # SIGKILL: no goodbye to PgBouncer, as a lost worker
        holder.wait(timeout=10)

    deadline = time.monotonic() + 10
    while not _lock_free():
        assert time.monotonic() < deadline, "the lock outlived its holder"
        time.sleep(0.05)


def _draw_body(borrower: Any) -> dict[str, Any]:
    return {
        "borrower": borrower.pk,
        "product": "CASH",
        "principal": "5000.00",
        "term": 12,
        "method": "EQUAL_INSTALLMENT",
        "contract": {
            "version": "v1",
            "accepted_at": "2027-01-15T10:00:00+08:00",
            "ip": "203.0.113.7",
            "user_agent": "Shop app 3.1",
            "signature_name": borrower.full_name,
        },
    }


# Session state that transaction mode would lose or hand to another client, outside the
# seeding commands (they set work_mem and keep temporary tables for a whole session: run them
# against PostgreSQL directly, docs/scaling.md) and the embedded development server.
SESSION_STATE = [
    (r"pg_(try_)?advisory_lock(_shared)?\(", "a session-level advisory lock"),
    (r"\bLISTEN\b|\bUNLISTEN\b", "LISTEN"),
    (r"WITH HOLD", "a cursor kept across transactions"),
    # SET TRANSACTION (isolation, a shared snapshot) and SET CONSTRAINTS last the transaction,
    # like SET LOCAL.
    (r"""execute\(\s*f?["']SET (?!LOCAL|TRANSACTION|CONSTRAINTS)""", "SET without LOCAL"),
    (
        r"CREATE TEMP(ORARY)? TABLE \w+(?!\w)(?!\s+ON COMMIT DROP)",
        "a temporary table kept after commit",
    ),
    (r"\bPREPARE\b", "a prepared statement"),
]


def test_the_application_keeps_no_session_state():
    skipped = {"seeding", "embedded.py"}
    found = []
    for package in ("loans", "accounts", "lendportal"):
        for path in (ROOT / package).rglob("*.py"):
            if skipped & set(path.parts) or "migrations" in path.parts:
                continue
            text = path.read_text()
            found += [
                f"{path.relative_to(ROOT)}: {what}"
                for pattern, what in SESSION_STATE
                if re.search(pattern, text)
            ]

    assert found == []
