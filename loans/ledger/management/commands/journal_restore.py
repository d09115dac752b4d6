"""`manage.py journal_restore FILE`: partitions archived by `journal_archive` back in place."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from accounts.database_roles import connection_as_owner
from loans.ledger.archive import ArchiveRefused, journal_restore


class Command(BaseCommand):
    help = "Bring the journal's partitions in a file written by journal_archive back."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="A file written by journal_archive.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with connection_as_owner("default"):
            try:
                restored = journal_restore(path=path, connection=connections["default"])
            except (ArchiveRefused, DatabaseError, ValueError) as error:
                raise CommandError(f"Nothing restored: {error}") from error
        for table in restored:
            self.stderr.write(f"  {table.table}: {table.rows:,} rows")
        self.stderr.write(f"Restored {len(restored)} partitions from {path}.")
