"""``seed_portfolio --revolving N``: seed the revolving accounts and print their progress and
step times like the loans' (``loans.management.seeding.portfolio.revolving``)."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from loans.management.seeding.portfolio.revolving import RevolvingSeedRefused, revolving_seed


def revolving_seed_report(
    command: BaseCommand, *, accounts: int, as_of: date, seed: int, months: int
) -> None:
    """Seed ``accounts`` revolving accounts as of ``as_of`` and write what happened."""
    write = command.stdout.write
    write(f"Seeding {accounts:,} revolving accounts with {months} months of purchases and bills.")
    started = time.monotonic()
    try:
        summary = revolving_seed(
            accounts=accounts, as_of=as_of, months=months, seed=seed, report=write
        )
    except RevolvingSeedRefused as error:
        raise CommandError(str(error)) from error
    write(
        f"Revolving: {summary.accounts:,} accounts, {summary.purchases:,} purchases, "
        f"{summary.refunds:,} refunds, {summary.payments:,} payments, {summary.bills:,} bills."
    )
    write("Time per step:")
    for step, seconds in summary.steps.items():
        write(f"  {step:<48} {seconds:8.1f} s")
    write(
        command.style.SUCCESS(
            f"Seeded {summary.accounts:,} revolving accounts in "
            f"{time.monotonic() - started:.1f} s; business date {as_of}."
        )
    )
