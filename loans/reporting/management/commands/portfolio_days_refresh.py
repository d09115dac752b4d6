"""`python manage.py portfolio_days_refresh [--from D] [--to D]`: rebuild the dashboard's daily
summary rows from the ledger (issue #6). Close of business writes each date it closes; this
back-fills history (a seeded portfolio, or after a back-dated correction)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min

from loans.calendar.selectors import business_date_current
from loans.ledger.models import JournalEntry
from loans.reporting.services.portfolio_days import portfolio_days_refresh


class Command(BaseCommand):
    help = "Rebuild the portfolio dashboard's daily summary from the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="First value date (default: earliest).")
        parser.add_argument("--to", dest="last", help="Last value date (default: yesterday).")

    def handle(self, *args: Any, **options: Any) -> None:
        span = JournalEntry.objects.aggregate(first=Min("value_date"), last=Max("value_date"))
        first = _date(options["first"]) or span["first"]
        last = _date(options["last"]) or business_date_current() - timedelta(days=1)
        if first is None:
            self.stdout.write("The ledger is empty; nothing to summarise.")
            return
        began = time.perf_counter()
        rows = portfolio_days_refresh(first=first, last=last)
        took = time.perf_counter() - began
        self.stdout.write(f"Summarised {rows:,} dates from {first} to {last} in {took:.1f} s.")


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Dates are YYYY-MM-DD, got {text!r}.") from None
