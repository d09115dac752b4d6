"""`manage.py settlement_import FILE`: match the gateway's daily settlement file (PRODUCT §11).

Exits non-zero and writes nothing when the file is malformed (every ``line N: reason`` is
printed). Importing the same file again changes nothing. docs/rails.md "Settlement files".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.payments.settlement.imports import ImportSummary, settlement_import
from loans.payments.settlement.parse import SettlementFileMalformed


class Command(BaseCommand):
    help = "Import the gateway's settlement file: match every line, queue the differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file (docs/rails.md)")
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="the file's date, for a file without lines (YYYY-MM-DD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            file, summary = settlement_import(
                name=path.name,
                content=content,
                settlement_date=options["date"],
                progress=self._progress,
            )
        except SettlementFileMalformed as error:
            raise CommandError(f"{path.name} refused, nothing imported:\n{error}") from error
        if summary.already_imported:
            self.stdout.write(
                f"{path.name} was imported on {file.completed_at:%Y-%m-%d %H:%M}; nothing changed."
            )
        self._summary_write(file.settlement_date, summary)

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done}/{total} lines")

    def _summary_write(self, day: date, summary: ImportSummary) -> None:
        self.stdout.write(
            f"Settlement {day}: {summary.lines} lines, {summary.matched} matched, "
            f"{summary.decided} decided by the file, {summary.differences} differences."
        )
        for kind, count in sorted(summary.by_difference.items()):
            self.stdout.write(f"  {kind}: {count}")
        style = self.style.WARNING if summary.differences else self.style.SUCCESS
        self.stdout.write(
            style(
                "Differences wait in the finance queue."
                if summary.differences
                else "Everything matched."
            )
        )
