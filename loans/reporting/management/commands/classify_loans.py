"""`python manage.py classify_loans --month YYYY-MM [--chunk-size N]` (PRODUCT §13, issue #19).

Classifies every loan and revolving account at the month's last day into the five regulatory
classes and provision stages, stores the rows and posts the month's provision
(``loans_classify``). Close of business
does the same when it closes a month's last day; this runs it on demand (the morning after, for
instance after a write-off approved that day). Running it again changes only what changed.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.errors import LendingError
from loans.reporting.services.classification import (
    DEFAULT_CHUNK_SIZE,
    loans_classify,
    month_end_of,
)
from loans.reporting.services.provisions import provision_totals


class Command(BaseCommand):
    help = (
        "Classify every loan and revolving account at a month end (five-level classes, "
        "provisions) and post it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument(
            "--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="loan ids per statement"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month_end = _month_end(options["month"])
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        began = time.perf_counter()
        try:
            result = loans_classify(
                month_end=month_end, chunk_size=options["chunk_size"], on_chunk=self._progress
            )
        except LendingError as error:
            raise CommandError(str(error)) from None
        took = time.perf_counter() - began
        self.stdout.write(
            f"Classified {month_end}: {result.rows_written:,} rows written or changed, "
            f"{result.rows_removed:,} removed, in {took:.1f} s."
        )
        if result.accounts_written or result.accounts_removed:
            self.stdout.write(
                f"  revolving accounts: {result.accounts_written:,} rows written or changed, "
                f"{result.accounts_removed:,} removed"
            )
        for stage, total in provision_totals(month_end=month_end).items():
            self.stdout.write(f"  stage {int(stage)} provision {total}")
        entry = result.provision_entry
        self.stdout.write(
            f"Provision entry #{entry.pk} ({entry.key})." if entry else "No provision entry."
        )

    def _progress(self, done: int, total: int, last_loan_id: int) -> None:
        self.stdout.write(f"  chunk {done}/{total} done (loan ids through {last_loan_id})")


def _month_end(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return month_end_of(year, month)
    except ValueError:
        raise CommandError(f"--month is YYYY-MM, got {text!r}.") from None
