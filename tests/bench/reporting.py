"""`make bench`, reporting (issue #19): the month-end classification and the bureau export.

The issue's goal: at 1,000,000 loans, ``classify_loans`` and ``bureau_export`` each under
2 minutes, with memory flat (streamed, not built in memory). Each command runs in a child
process, timed by the wall clock, its peak memory read from the child's own rusage
(``os.wait4``: ``ru_maxrss``, KiB on Linux), so one command's peak never hides another's.

Against a database of its own, seeded with ``seed_portfolio --as-of 2027-04-01`` (the business
date then is 1 April, so March 31 is the last closed date: the month end ``classify_loans``
accepts, and March is over for ``bureau_export``). ``--reuse`` keeps a database seeded before (its
bureau runs removed). The export runs on ``--workers`` processes, one per core by default.
The export's file goes to a temporary directory, removed afterwards. The commands run with the
bench settings (``lendportal.settings.bench``: no DEBUG, as in production). Prints the figures
and writes var/bench/reporting.txt.

    python -m tests.bench.reporting [--loans 1000000] [--database lendportal_bench_reporting]
                                    [--reuse] [--workers N (default: one per core)]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date

from tests.bench.cob import BASE_DIR, BROKER_DB, LOG_DIR, PYTHON, _environment, _manage, _safe

AS_OF = date(2027, 4, 1)
MONTH = "2027-03"
GOAL_SECONDS = 120.0


@dataclass(frozen=True)
class Measured:
    name: str
    seconds: float
    peak_kib: int
    output: str


def main() -> None:
    options = _options()
    # As in production and the other benches: no DEBUG (its query log in every process).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.bench")
    env = _environment(options.database, options.broker_db)
    lines = [f"Database {_safe(env['DATABASE_URL'])}, {os.cpu_count()} cores"]
    print(lines[0], flush=True)
    if not options.reuse:
        _seed(env, options.database, options.loans)
    else:
        _forget_bureau_runs(env)
    workers = str(options.workers)
    with tempfile.TemporaryDirectory() as directory:
        env["LENDPORTAL_BUREAU_DIR"] = directory
        results = [
            _run(env, "classify_loans", "classify_loans", "--month", MONTH),
            _run(env, "bureau_export", "bureau_export", "--month", MONTH, "--workers", workers),
        ]
    for result in results:
        verdict = "within" if result.seconds < GOAL_SECONDS else "OVER"
        line = (
            f"{result.name} {MONTH}: {result.seconds:.1f} s ({verdict} the {GOAL_SECONDS:.0f} s "
            f"goal), peak memory {result.peak_kib / 1024:.0f} MiB"
        )
        lines.append(line)
        lines.append(f"  {result.output}")
        print(line, flush=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / "reporting.txt").write_text("\n".join(lines) + "\n")


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--database", default="lendportal_bench_reporting")
    parser.add_argument("--reuse", action="store_true", help="keep the database seeded before")
    parser.add_argument("--broker-db", type=int, default=BROKER_DB, help="the Redis database")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="bureau_export --workers"
    )
    # `make bench` passes BENCH_ARGS to every bench: the close-of-business ones are ignored.
    return parser.parse_known_args()[0]


def _seed(env: dict[str, str], database: str, loans: int) -> None:
    import psycopg

    with psycopg.connect(env["LENDPORTAL_ADMIN_URL"], autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {database}")
    _manage(env, "migrate", "--no-input", "-v", "0")
    began = time.perf_counter()
    _manage(env, "seed_portfolio", "--loans", str(loans), "--as-of", AS_OF.isoformat(),
            quiet_every=4)  # fmt: skip
    print(f"seed_portfolio {loans:,} loans: {time.perf_counter() - began:.1f} s", flush=True)


def _forget_bureau_runs(env: dict[str, str]) -> None:
    """A reused database: the export of an earlier bench would make this one a corrections
    run, so its runs go (TRUNCATE, as the owner: the kept-exports trigger is a row trigger)."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as database:
        database.execute("TRUNCATE reporting_bureaurecord, reporting_bureaurun")


def _run(env: dict[str, str], name: str, *args: str) -> Measured:
    """Run ``manage.py args`` in a child; its time and its own peak resident memory."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    # The summary: the first line not indented (progress lines are) and not a log record.
    summary = next(
        (line for line in output.splitlines() if line[:1].strip() and " INFO " not in line), ""
    )
    return Measured(name=name, seconds=seconds, peak_kib=usage.ru_maxrss, output=summary)


if __name__ == "__main__":
    main()
