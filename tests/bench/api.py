"""`make bench`, partner API part (issue #7): gunicorn with 2 workers, wrk at 32 connections.

Uses the COB bench's database (``lendportal_bench``). Seeds the portfolio when it is smaller
than BENCH_LOANS (default 1,000,000) and gives its loans to a bench partner, then measures,
in one run: a bare Django "hello" view, GET /api/v1/loans/{id} over random loans, POST
/api/v1/loans/{id}/repayments with a fresh Idempotency-Key each, and GET /api/v1/loans/{id}
again while close of business runs on 2 worker processes (issue #20; it closes the open date).
Prints requests/s and p50/p99 latency, and the goals of issues #7 and #20. Only the loopback
interface is used; each load lasts BENCH_SECONDS (default 20).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import django

from tests.bench.cob import LOG_DIR, _environment

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("BENCH_PORT", "8811"))
BASE = f"http://127.0.0.1:{PORT}"
CONNECTIONS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
LOANS = int(os.environ.get("BENCH_LOANS", "1000000"))
LOG = LOG_DIR / "gunicorn.log"

GET_SCRIPT = """
math.randomseed(os.time())
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/loans/" .. id, {["Authorization"] = "Bearer TOKEN"})
end
"""
POST_SCRIPT = """
-- Every wrk thread gets its own number: without it the threads, seeded in the same second,
-- sent the same Idempotency-Keys and measured replays and 409s instead of repayments. The
-- reference is the key too: one reference posts once per loan (duplicate_reference).
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local n = 0
request = function()
  if n == 0 then math.randomseed(os.time() + thread_id) end
  n = n + 1
  local id = ids[math.random(#ids)]
  local key = "bench-" .. os.time() .. "-" .. thread_id .. "-" .. n
  return wrk.format("POST", "/api/v1/loans/" .. id .. "/repayments",
    {["Authorization"] = "Bearer TOKEN", ["Content-Type"] = "application/json",
     ["Idempotency-Key"] = key}, '{"amount": "1.00", "reference": "' .. key .. '"}')
end
"""
DONE_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def main() -> int:
    if shutil.which("wrk") is None:
        print("make bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.bench")
    # The COB bench's database (lendportal_bench) and broker database, as `make bench` leaves
    # them: the same 1,000,000 loans, never the development database.
    _environment()
    django.setup()
    token, loan_ids = _prepare()
    server = _start_gunicorn()
    try:
        hello = _load("hello", f"{BASE}/bench/hello", "", [])
        detail = _load("GET /api/v1/loans/{id}", BASE, GET_SCRIPT.replace("TOKEN", token), loan_ids)
        post = _load(
            "POST /api/v1/loans/{id}/repayments",
            BASE,
            POST_SCRIPT.replace("TOKEN", token),
            loan_ids,
        )
        during = _during_cob(token, loan_ids)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    _report(hello, detail, post)
    _report_during(detail, during)
    return 0


def _during_cob(token: str, ids: list[int]) -> dict[str, float]:
    """GET /api/v1/loans/{id} again while close of business runs on 2 worker processes (#20).

    The open business date is closed (it moves on by one day, as a night would).
    """
    from loans.cob.models import CobRun
    from tests.bench.cob import Figures, _cob_on_workers, _open_date

    day = _open_date()
    figures = Figures()
    night = threading.Thread(
        target=_cob_on_workers,
        args=(dict(os.environ), day),
        kwargs={"concurrency": 2, "figures": figures},
    )
    night.start()
    deadline = time.monotonic() + 120
    while not CobRun.objects.filter(business_date=day).exists():  # the workers are up, sent
        if time.monotonic() > deadline or not night.is_alive():
            raise RuntimeError("close of business did not start")
        time.sleep(0.2)
    name = "GET /api/v1/loans/{id} during COB"
    during = _load(name, BASE, GET_SCRIPT.replace("TOKEN", token), ids)
    night.join()
    print("\n".join(figures.lines[:1]), flush=True)
    during["cob_finished"] = float(not night.is_alive())
    return during


def _report_during(idle: dict[str, float], during: dict[str, float]) -> None:
    ratio = during["p99"] / idle["p99"]
    print(
        f"GET detail p99 during COB {during['p99']:.1f} ms, idle {idle['p99']:.1f} ms: "
        f"{ratio:.1f}x (goal: at most 2x, no error)"
    )
    met = ratio <= 2 and during["non_2xx"] + during["socket_errors"] == 0
    print(f"  {'met ' if met else 'MISSED'}  GET detail p99 during COB <= 2x idle, no error")


def _prepare() -> tuple[str, list[int]]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from accounts.models import Partner
    from accounts.services import partner_create
    from loans.calendar.selectors import business_date_current
    from loans.servicing.models import Loan, LoanStatus

    have = Loan.objects.filter(status=LoanStatus.ACTIVE).count()
    if have < LOANS:
        print(f"Seeding {LOANS - have} loans (have {have}) ...", flush=True)
        call_command(
            "seed_portfolio",
            loans=str(LOANS - have),
            as_of=business_date_current().isoformat(),
        )
    partner = Partner.objects.filter(name="Bench partner").first()
    if partner is None:
        partner = partner_create(name="Bench partner").partner
    if Loan.objects.filter(partner__isnull=True).update(partner=partner):
        # Fresh statistics: with the seed's (no loan has a partner) PostgreSQL would read a
        # loan through the partner index, all 1,000,000 of them, instead of its primary key.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE loans_loan")
    token = AccessToken.objects.create(
        application_id=partner.oauth_application_id,
        token=secrets.token_urlsafe(30),
        expires=timezone.now() + timedelta(hours=2),
        scope="loans:read repayments",
    )
    ids = list(
        Loan.objects.filter(partner=partner, status=LoanStatus.ACTIVE)
        .order_by("?")
        .values_list("id", flat=True)[:5000]
    )
    print(f"{Loan.objects.count()} loans; measuring over {len(ids)} random active ones.")
    return token.token, ids


def _start_gunicorn() -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lendportal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lendportal.settings.bench"},
        # gunicorn.conf.py's JSON access log, one line a request, to a file as in production
        # (to this terminal it cost the p99 a third).
        stdout=LOG.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/bench/hello", timeout=1)  # noqa: S310 - loopback
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _load(name: str, url: str, script: str, ids: list[int]) -> dict[str, float]:
    lua = "ids = {" + ",".join(map(str, ids)) + "}\n" + script + DONE_SCRIPT
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency"]
    command += ["-s", handle.name, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(handle.name).unlink()
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+)", output)
    if match is None:
        raise RuntimeError(output)
    requests, micros, p50, p99, bad_status, socket_errors = match.groups()
    result = {
        "rps": int(requests) / (int(micros) / 1e6),
        "p50": float(p50),
        "p99": float(p99),
        "non_2xx": int(bad_status),
        "socket_errors": int(socket_errors),
    }
    print(
        f"{name:40s} {result['rps']:8.0f} req/s  p50 {result['p50']:6.1f} ms  "
        f"p99 {result['p99']:6.1f} ms  non-2xx {result['non_2xx']}  "
        f"socket errors {result['socket_errors']}",
        flush=True,
    )
    return result


def _report(hello: dict[str, float], detail: dict[str, float], post: dict[str, float]) -> None:
    share = detail["rps"] / hello["rps"]
    goals = [
        ("GET detail >= 400 req/s", detail["rps"] >= 400),
        ("GET detail p99 < 100 ms", detail["p99"] < 100),
        (f"GET detail >= 25% of hello ({share:.0%})", share >= 0.25),
        ("POST repayment >= 150 req/s", post["rps"] >= 150),
        ("POST repayment p99 < 250 ms", post["p99"] < 250),
        ("no errors", detail["non_2xx"] + post["non_2xx"] == 0),
    ]
    for goal, met in goals:
        print(f"  {'met ' if met else 'MISSED'}  {goal}")


if __name__ == "__main__":
    sys.exit(main())
