"""`manage.py trial_balance`: per account, opening, debits, credits, closing (PRODUCT §13)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loans.ledger.exports import trial_balance_text, trial_balance_write
from loans.ledger.management.period_args import (
    output_from_options,
    period_arguments_add,
    period_from_options,
)
from loans.ledger.statements import trial_balance, trial_balance_totals


class Command(BaseCommand):
    help = (
        "Write the trial balance of a period (--month YYYY-MM or --from/--to) as CSV or XLSX: "
        "per account opening balance, debits, credits and closing balance, and a TOTAL row."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        period_arguments_add(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = period_from_options(options)
        target, fmt = output_from_options(options)
        rows = trial_balance(start=start, end=end)
        total = trial_balance_totals(rows)
        if total.debits != total.credits or total.opening != 0 or total.closing != 0:
            raise CommandError(
                f"The books do not balance from {start} to {end}: debits {total.debits}, "
                f"credits {total.credits}, opening {total.opening}, closing {total.closing}."
            )
        if target is None:
            trial_balance_text(rows, self.stdout)
            return
        try:
            trial_balance_write(rows, target=target, fmt=fmt)
        except OSError as error:
            raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from error
        self.stderr.write(
            f"Trial balance {start} to {end}: {len(rows)} accounts, debits {total.debits} = "
            f"credits {total.credits}; written to {target} ({fmt})."
        )
