"""`python manage.py calendar_load YEAR [--file PATH]`: load a year of working days (PRODUCT §12).

Replaces the year's rows in one transaction from loans/calendar/data/YEAR.json (or ``--file``);
running it again with the same file changes nothing. docs/calendar.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.calendar.services import (
    CalendarYearNotShipped,
    calendar_file_read,
    calendar_year_load,
)
from loans.calendar.year_data import CalendarDataInvalid


class Command(BaseCommand):
    help = "Load (or reload) a year of the working calendar: weekends, holidays, 调休 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="The year, e.g. 2027.")
        parser.add_argument(
            "--file", type=Path, help="A data file instead of loans/calendar/data/YEAR.json."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        path: Path | None = options["file"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"Year {year} is out of range (2000-2100).")
        try:
            self.stdout.write(f"Calendar {year}: reading {path or 'the shipped data file'}...")
            data, checksum = calendar_file_read(year=year, path=path)
            self.stdout.write(f"  {len(data.days)} days, sha256 {checksum[:12]}; loading...")
            loaded = calendar_year_load(year=year, path=path)
        except (CalendarYearNotShipped, CalendarDataInvalid) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(loaded.counts.items()))
        self.stdout.write(
            f"  replaced {loaded.replaced} rows; {counts}; "
            f"{loaded.relinked} days of {year - 1} re-linked"
        )
        if not loaded.verified:
            self.stdout.write(
                self.style.WARNING(
                    f"  {year} is not verified against the State Council's notice: "
                    f"{len(loaded.unverified)} listed days unverified "
                    f"({', '.join(day.isoformat() for day in loaded.unverified) or 'none'}), "
                    "and its make-up working days may be missing (docs/calendar.md)."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Calendar {year} loaded."))
