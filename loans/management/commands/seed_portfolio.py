"""`python manage.py seed_portfolio --loans N --as-of YYYY-MM-DD [--seed S] [--writers W]`.

PRODUCT §8:

N active loans with a realistic spread, as they stand at the start of business date D (close of
business has run through D - 1), written set-based by ``loans.management.seeding.portfolio``;
the business
date is set to D and `manage.py reconcile` passes afterwards. See docs/ledger.md, "Seeding a
large portfolio".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.management.seeding.portfolio import (
    PortfolioSeedRefused,
    PortfolioSummary,
    Progress,
    ReferencesError,
    portfolio_seed,
)
from loans.management.seeding.portfolio.revolving_report import revolving_seed_report

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Seed N active loans as of the start of a business date, set-based (fast)."

    def add_arguments(self, parser: CommandParser) -> None:
        # Read as text and checked here, so a bad value is one line and a non-zero exit.
        parser.add_argument("--loans", required=True, help="Number of loans, at least 1.")
        parser.add_argument("--as-of", required=True, help="Business date D, YYYY-MM-DD.")
        parser.add_argument("--seed", default="1", help="Random seed (default 1).")
        parser.add_argument("--chunk-size", default="50000", help="Loans per transaction.")
        parser.add_argument(
            "--writers", default="2", help="Database connections writing at once (default 2)."
        )
        parser.add_argument(
            "--revolving", default="0", help="Revolving accounts with months of bills (default 0)."
        )
        parser.add_argument(
            "--revolving-months", default="4", help="Months the revolving accounts have lived."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loans = _positive_int(options["loans"], "--loans")
        chunk_size = _positive_int(options["chunk_size"], "--chunk-size")
        seed = _int(options["seed"], "--seed")
        writers = _positive_int(options["writers"], "--writers")
        revolving = _int(options["revolving"], "--revolving")
        months = _positive_int(options["revolving_months"], "--revolving-months")
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(
                f"--as-of must be a date as YYYY-MM-DD, got {options['as_of']!r}."
            ) from None
        self.stdout.write(
            f"Seeding {loans:,} loans as of the start of {as_of} (seed {seed}, "
            f"{writers} writer{'s' if writers > 1 else ''})."
        )
        try:
            summary = portfolio_seed(
                loans=loans,
                as_of=as_of,
                seed=seed,
                chunk_size=chunk_size,
                writers=writers,
                progress=self.progress,
            )
        except (PortfolioSeedRefused, ReferencesError) as error:
            raise CommandError(str(error)) from error
        self.report(summary, as_of)
        if revolving > 0:
            revolving_seed_report(self, accounts=revolving, as_of=as_of, seed=seed, months=months)

    def progress(self, event: Progress) -> None:
        filled = BAR_WIDTH * event.done // event.total if event.total else 0
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stdout.write(
            f"[{bar}] {event.done:>10,}/{event.total:,} loans  {event.rows:>12,} rows  "
            f"{event.elapsed:7.1f} s  {event.step}"
        )

    def report(self, summary: PortfolioSummary, as_of: date) -> None:
        write = self.stdout.write
        write(f"Loans: {summary.loans:,} ({_counts(summary.by_status)}), "
              f"borrowers {summary.borrowers:,}, installments {summary.installments:,}, "
              f"journal lines {summary.journal_lines:,}.")  # fmt: skip
        write(f"By bucket: {_counts(summary.by_bucket)}.")
        write(f"By method: {_counts(summary.by_method)}.")
        write(f"Principal outstanding: ¥{summary.principal_outstanding:,.2f}.")
        write("Time per step:")
        for step, seconds in summary.steps.items():
            write(f"  {step:<48} {seconds:8.1f} s")
        rate = summary.rows / summary.elapsed if summary.elapsed else 0.0
        write(
            self.style.SUCCESS(
                f"Seeded {summary.loans:,} loans ({summary.rows:,} rows) in "
                f"{summary.elapsed:.1f} s, {rate:,.0f} rows/s; business date {as_of}."
            )
        )


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"{name} must be a whole number, got {value!r}.") from None


def _positive_int(value: str, name: str) -> int:
    number = _int(value, name)
    if number <= 0:
        raise CommandError(f"{name} must be a positive whole number, got {number}.")
    return number


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{key} {count:,}" for key, count in sorted(counter.items()))
