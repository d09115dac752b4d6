"""`manage.py journal_export`: every journal line booked in a period (PRODUCT §13)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loans.ledger.exports import journal_text, journal_write
from loans.ledger.management.period_args import (
    output_from_options,
    period_arguments_add,
    period_from_options,
)
from loans.ledger.statements import journal_rows


class Command(BaseCommand):
    help = (
        "Write every journal line booked in a period (--month YYYY-MM or --from/--to) as CSV "
        "or XLSX for the general-ledger system, streamed, with a TOTAL row; progress on stderr."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        period_arguments_add(parser)
        parser.add_argument(
            "--progress-every", type=int, default=100_000, help="lines between progress reports"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = period_from_options(options)
        target, fmt = output_from_options(options)
        every = options["progress_every"]
        if every < 1:
            raise CommandError("--progress-every must be at least 1.")
        began = time.monotonic()

        def progress(lines: int) -> None:
            self.stderr.write(f"journal_export: {lines:,} lines ({time.monotonic() - began:.0f} s)")

        rows = journal_rows(start=start, end=end)
        if target is None:
            totals = journal_text(rows, self.stdout)
        else:
            try:
                totals = journal_write(rows, target=target, fmt=fmt, progress=progress, every=every)
            except OSError as error:
                raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from error
        if totals.debits != totals.credits:
            raise CommandError(
                f"The journal from {start} to {end} does not balance: debits {totals.debits}, "
                f"credits {totals.credits}."
            )
        where = f" to {target} ({fmt})" if target else ""
        self.stderr.write(
            f"Journal {start} to {end}: {totals.lines:,} lines, debits {totals.debits} = "
            f"credits {totals.credits}{where}."
        )
