"""`make bench-scale` (issue #20): does a loan cost more at 5,000,000 loans than at 1,000,000?

Runs the COB bench (``tests.bench.cob --cob-only``) twice, the same way, one after the other:
first ``--small`` loans (1,000,000), then ``--large`` (5,000,000), each seeded into a database of
its own and dropped after its run (the 5,000,000-loan database takes ~26 GB). For each it reads
the seed's and the two-process COB's seconds and prints seconds per million loans side by side
with their ratio; the goal is COB per million at 5,000,000 within 1.1x of the 1,000,000 run.
Then times the admin pages at 5,000,000 loans (``tests.bench.admin``: each under 1 s) before the
large database is dropped. Writes var/bench/scale.txt; the load average is printed before each
part (run it on a quiet machine).

    python -m tests.bench.scale [--small 1000000] [--large 5000000] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass

from tests.bench.cob import BASE_DIR, LOG_DIR, PYTHON, Figures

GOAL = 1.10
SEED = re.compile(r"^seed_portfolio ([\d,]+) loans: ([\d.]+) s$", re.MULTILINE)
COB = re.compile(
    r"^COB \S+ on \d+ worker process\(es\): ([\d,]+) loans in ([\d.]+) s", re.MULTILINE
)


@dataclass(frozen=True)
class Run:
    loans: int
    seed_seconds: float
    cob_seconds: float

    def per_million(self, seconds: float) -> float:
        return seconds / (self.loans / 1_000_000)


def main() -> int:
    options = _options()
    figures = Figures()
    small = _cob_bench(options.small, "lendportal_scale_small", figures, keep=options.keep)
    large = _cob_bench(
        options.large, "lendportal_scale_large", figures, keep=options.keep, admin=True
    )
    _compare(small, large, figures)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / "scale.txt").write_text("\n".join(figures.lines) + "\n")
    print(f"Figures written to {LOG_DIR / 'scale.txt'}")
    ratio = large.per_million(large.cob_seconds) / small.per_million(small.cob_seconds)
    return 0 if ratio <= GOAL else 1


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=5_000_000)
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    return parser.parse_args()


def _cob_bench(
    loans: int, database: str, figures: Figures, *, keep: bool, admin: bool = False
) -> Run:
    figures.add(f"--- {loans:,} loans into {database}; load average {_load()} ---")
    began = time.perf_counter()
    output = _run("tests.bench.cob", "--loans", str(loans), "--cob-only", "--database", database)
    seed = SEED.search(output)
    cob = COB.search(output)
    if seed is None or cob is None:
        raise SystemExit(f"the COB bench of {loans:,} loans printed no seed or COB time")
    run = Run(loans=loans, seed_seconds=float(seed.group(2)), cob_seconds=float(cob.group(2)))
    figures.add(
        f"{loans:,} loans: seed {run.seed_seconds:.1f} s, COB {run.cob_seconds:.1f} s "
        f"(the whole part {time.perf_counter() - began:.0f} s)"
    )
    if admin:
        figures.add(f"admin pages at {loans:,} loans; load average {_load()}")
        for line in _run("tests.bench.admin", "--database", database, check=False).splitlines():
            figures.add(f"  {line}")
    if not keep:
        _run("tests.bench.cob", "--drop", "--database", database)
    return run


def _compare(small: Run, large: Run, figures: Figures) -> None:
    figures.add("")
    figures.add(
        f"{'seconds per million loans':<28}{small.loans:>14,}{large.loans:>14,}{'ratio':>8}"
    )
    for name, a, b in (
        ("seed_portfolio", small.seed_seconds, large.seed_seconds),
        ("COB, 2 processes", small.cob_seconds, large.cob_seconds),
    ):
        per_small, per_large = small.per_million(a), large.per_million(b)
        figures.add(f"{name:<28}{per_small:>14.1f}{per_large:>14.1f}{per_large / per_small:>8.2f}")
    ratio = large.per_million(large.cob_seconds) / small.per_million(small.cob_seconds)
    verdict = "met" if ratio <= GOAL else "missed"
    figures.add(f"COB per loan at {large.loans:,} / at {small.loans:,}: {ratio:.2f} "
                f"(goal at most {GOAL:.2f}): {verdict}")  # fmt: skip


def _run(module: str, *args: str, check: bool = True) -> str:
    """Run a bench module, echo its output as it comes, and return it."""
    process = subprocess.Popen(
        [PYTHON, "-m", module, *args],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print(f"    {line}", end="", flush=True)
        lines.append(line)
    if process.wait() != 0 and check:
        raise SystemExit(f"{module} {' '.join(args)} failed with exit code {process.returncode}")
    return "".join(lines)


def _load() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
