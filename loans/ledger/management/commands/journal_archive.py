"""`manage.py journal_archive --before YYYY-MM`: closed months of the journal out to a file.

See ``loans.ledger.archive`` and docs/ledger.md "Partitions". Runs as the tables' owner
(``DATABASE_OWNER_URL``): it detaches and drops partitions.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from accounts.database_roles import connection_as_owner
from loans.ledger.archive import ArchiveRefused, journal_archive


def month_argument(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a month, no time
    except ValueError as error:
        raise CommandError(f"Not a month (YYYY-MM): {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Detach the journal's partitions of posting months before --before (every entry in them "
        "booked in a closed accounting period), write them to --file and drop them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--before", required=True, help="First month kept, YYYY-MM.")
        parser.add_argument(
            "--file", help="Where to write (default var/journal-archive-before-YYYY-MM.copy)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before = month_argument(options["before"])
        default = Path(settings.BASE_DIR) / "var" / f"journal-archive-before-{before:%Y-%m}.copy"
        path = Path(options["file"] or default)
        if path.exists():
            raise CommandError(f"{path} exists: archive to a new file.")
        path.parent.mkdir(parents=True, exist_ok=True)
        with connection_as_owner("default"):
            try:
                archived = journal_archive(
                    before=before, path=path, connection=connections["default"]
                )
            except (ArchiveRefused, DatabaseError) as error:
                raise CommandError(f"Nothing archived: {error}") from error
        if not archived:
            self.stderr.write(f"No partition of the journal before {before:%Y-%m}: nothing to do.")
            return
        for table in archived:
            self.stderr.write(f"  {table.table}: {table.rows:,} rows")
        self.stderr.write(f"Archived {len(archived)} partitions to {path}.")
