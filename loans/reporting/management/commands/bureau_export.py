"""`python manage.py bureau_export --month YYYY-MM [--chunk-size N] [--workers N]` (§13, #19).

Writes the month's credit-bureau records of loans and revolving accounts (or, when the month
was exported before, only the corrections since) to a new file under LENDPORTAL_BUREAU_DIR,
keeps the run, and lists its rejects (and the revolving accounts left out for want of their
month-end row). Progress goes to stderr, the summary and the rejects to stdout; no identity
number is ever printed (docs/reporting.md "Credit-bureau export").
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.domain.bureau import Month
from loans.errors import LendingError
from loans.reporting.services.bureau import DEFAULT_CHUNK_SIZE, bureau_export


class Command(BaseCommand):
    help = "Export a month's credit-bureau records (JSON Lines) and keep the run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument(
            "--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="loans per statement"
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="processes working out the month's records"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = Month.parse(options["month"])
        except ValueError:
            raise CommandError(f"--month is YYYY-MM, got {options['month']!r}.") from None
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        began = time.perf_counter()
        try:
            result = bureau_export(
                month=month,
                chunk_size=options["chunk_size"],
                on_progress=self._progress,
                workers=options["workers"],
            )
        except LendingError as error:
            raise CommandError(str(error)) from None
        run = result.run
        self.stdout.write(
            f"Bureau run {run.pk} of {month} ({run.kind}): {run.records_count:,} records, "
            f"{run.corrections_count:,} corrections, {run.rejects_count:,} rejects, "
            f"in {time.perf_counter() - began:.1f} s."
        )
        self.stdout.write(f"  file {result.path} sha256 {run.file_sha256}")
        if result.resent:
            self.stdout.write(f"  {result.resent:,} earlier rejects sent")
        if result.revolving_unreported:
            self.stdout.write(
                f"  {result.revolving_unreported:,} revolving accounts not reported: no "
                f"month-end row at {month.last_day} (its close of business did not classify)"
            )
        for reject in result.rejects:
            subject = (
                f"loan {reject.loan_id}"
                if reject.loan_id is not None
                else f"revolving account {reject.revolving_account_id}"
            )
            self.stdout.write(
                f"  reject: {subject} {reject.month:%Y-%m} {reject.kind} {reject.reject_reason}"
            )

    def _progress(self, what: str, done: int) -> None:
        self.stderr.write(f"  {what}: {done:,} loans")
