"""`make bench`, after the COB bench: how fast the back office's admin pages answer with a
large portfolio seeded (issue #6: within a second at 1,000,000 loans).

Against the bench database (``lendportal_bench``, as tests.bench.cob leaves it; ``--database``
names another, ``--seed N`` first creates it and seeds N loans with ``seed_portfolio``), signs a
staff superuser in with Django's test Client and times each page: one warm-up request, then the
median and worst of ``--repeat`` requests, with the queries each ran. Prints a table and writes
var/bench/admin.txt; exits non-zero when a page fails or its median is above the budget.

    python -m tests.bench.admin [--database lendportal_bench] [--seed N] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from typing import Any

from tests.bench.cob import AS_OF, BENCH_DB, LOG_DIR, _environment, _manage, _safe, _with_database

BUDGET_SECONDS = 1.0


@dataclass(frozen=True)
class Timing:
    name: str
    url: str
    status: int
    median: float
    worst: float
    queries: int
    size: int


def main() -> None:
    options = _options()
    env = _environment()
    env["DATABASE_URL"] = _with_database(env["DATABASE_URL"], options.database)
    os.environ.update(env)
    if options.seed:
        _seed(env, options.database, options.seed)
    import django

    django.setup()
    from django.conf import settings

    from loans.servicing.models import Loan

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test Client's host

    lines = [
        f"Database {_safe(env['DATABASE_URL'])}: {Loan.objects.count():,} loans, "
        f"{os.cpu_count()} cores; median and worst of {options.repeat} requests after a warm-up"
    ]
    lines.append(_summary_refresh())
    lines.append(_roll_rates_refresh())
    timings = [_time(name, url, options.repeat) for name, url in _pages()]
    lines += _table(timings)
    slow = [t for t in timings if t.status != 200 or t.median > BUDGET_SECONDS]
    lines.append(f"Pages over {BUDGET_SECONDS:.0f} s or failing: {len(slow)}")
    print("\n".join(lines), flush=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / "admin.txt").write_text("\n".join(lines) + "\n")
    print(f"Figures written to {LOG_DIR / 'admin.txt'}")
    if slow:
        raise SystemExit(1)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=BENCH_DB)
    parser.add_argument("--seed", type=int, default=0, help="create and seed N loans first")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def _seed(env: dict[str, str], database: str, loans: int) -> None:
    import psycopg

    with psycopg.connect(env["LENDPORTAL_ADMIN_URL"], autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {database}")
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "seed_portfolio", "--loans", str(loans), "--as-of", AS_OF.isoformat(),
            quiet_every=4)  # fmt: skip


def _summary_refresh() -> str:
    """Write the dashboard's daily rows for the seeded ledger, as close of business would."""
    from django.db.models import Max, Min

    from loans.ledger.models import JournalEntry
    from loans.reporting.services.portfolio_days import portfolio_days_refresh

    span = JournalEntry.objects.aggregate(first=Min("value_date"), last=Max("value_date"))
    if span["first"] is None:
        return "Ledger empty: no daily summary to write"
    began = time.perf_counter()
    rows = portfolio_days_refresh(first=span["first"], last=span["last"])
    return (
        f"Daily summary for {rows:,} value dates ({span['first']} to {span['last']}) written in "
        f"{time.perf_counter() - began:.1f} s"
    )


def _roll_rates_refresh() -> str:
    """Work out the roll rates through the last closed date, as close of business would."""
    from datetime import timedelta

    from loans.calendar.selectors import business_date_current
    from loans.reporting.services.roll_rates import roll_rates_refresh

    as_of = business_date_current() - timedelta(days=1)
    began = time.perf_counter()
    summary = roll_rates_refresh(as_of=as_of)
    return (
        f"Roll rates of ({summary.window_start}, {as_of}] worked out in "
        f"{time.perf_counter() - began:.1f} s (after close of business, not per view)"
    )


def _pages() -> list[tuple[str, str]]:
    from django.urls import reverse

    from loans.backoffice.selectors import worklist_queryset
    from loans.servicing.models import Loan

    overdue = worklist_queryset().values_list("pk", flat=True).first()
    loan_id = overdue or Loan.objects.values_list("pk", flat=True).first()

    def changelist(label: str) -> str:
        app_label, model = label.split(".")
        return reverse(f"admin:{app_label}_{model}_changelist")

    return [
        ("loan list", changelist("servicing.loan")),
        ("loan list, bucket M1", changelist("servicing.loan") + "?bucket__exact=M1"),
        ("loan list, page 500", changelist("servicing.loan") + "?p=500"),
        ("loan page (officer)", reverse("admin:servicing_loan_desk", args=[loan_id])),
        ("loan change form", reverse("admin:servicing_loan_change", args=[loan_id])),
        ("installments list", changelist("servicing.installment")),
        ("journal list", changelist("ledger.journalentry")),
        ("repayments list", changelist("servicing.repayment")),
        ("collections worklist", changelist("backoffice.overdueloan")),
        ("worklist, 91-180 DPD", changelist("backoffice.overdueloan") + "?dpd=91-180"),
        ("worklist, page 100", changelist("backoffice.overdueloan") + "?p=100"),
        ("approvals list", changelist("approvals.approvalrequest")),
        ("portfolio dashboard", reverse("backoffice:portfolio")),
        ("portfolio CSV", reverse("backoffice:portfolio_csv")),
    ]


def _client() -> Any:
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from accounts.models import User
    from tests.factories.accounts import totp_enable

    user = User.objects.filter(username="bench-admin").first()
    if user is None:
        user = User.objects.create_superuser("bench-admin", "bench@example.invalid", None)
    if not Authenticator.objects.filter(user=user).exists():
        totp_enable(user)  # staff without TOTP are sent to set it up (docs/backoffice.md)
    client = Client()
    client.force_login(user)
    return client


_CLIENT = None


def _time(name: str, url: str, repeat: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    global _CLIENT
    _CLIENT = _CLIENT or _client()
    response = _CLIENT.get(url)  # warm-up: caches, plans, pages in memory
    seconds = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = _CLIENT.get(url)
            seconds.append(time.perf_counter() - began)
    return Timing(
        name=name,
        url=url,
        status=response.status_code,
        median=statistics.median(seconds),
        worst=max(seconds),
        queries=len(queries),
        size=len(response.content),
    )


def _table(timings: list[Timing]) -> list[str]:
    lines = [f"{'page':<24} {'status':>6} {'median ms':>10} {'worst ms':>9} {'queries':>8}  url"]
    for t in timings:
        lines.append(
            f"{t.name:<24} {t.status:>6} {t.median * 1000:>10.0f} {t.worst * 1000:>9.0f} "
            f"{t.queries:>8}  {t.url}"
        )
    return lines


if __name__ == "__main__":
    main()
