"""`manage.py journal_partitions_ensure`: the journal's partitions of this month and the next."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from loans.ledger.partitions import MONTHS_AHEAD, default_partition_rows, partitions_ensure


class Command(BaseCommand):
    help = (
        "Create the journal's partitions of this month and of --months next ones (beat does it "
        "daily); report entries that fell into the default partition."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--months", type=int, default=MONTHS_AHEAD, help="Months ahead.")

    def handle(self, *args: Any, **options: Any) -> None:
        created = partitions_ensure(months_ahead=options["months"])
        for month in created:
            self.stderr.write(f"Created the journal's partitions of {month:%Y-%m}.")
        if not created:
            self.stderr.write("The journal's partitions are there already.")
        if stray := default_partition_rows():
            self.stderr.write(f"WARNING: {stray:,} entries are in the default partition.")
