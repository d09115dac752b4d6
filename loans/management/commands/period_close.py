"""`manage.py period_close --month YYYY-MM`: close an accounting period (PRODUCT §13).

Lives with the top-level commands: it reads the open business date (``loans.calendar``) and
opens maker-checker requests (``loans.approvals``), which the ledger's own layer may not import.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from loans.approvals.services.maker_checker import period_reopen_request
from loans.calendar.selectors import business_date_held
from loans.errors import LendingError
from loans.ledger.periods import month_parse, period_close


class Command(BaseCommand):
    help = (
        "Close the accounting month YYYY-MM once close of business has closed its last day; no "
        "entry may then be booked in it. With --reopen, ask a second officer to reopen it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--month", required=True, help="the month YYYY-MM")
        parser.add_argument(
            "--reopen",
            action="store_true",
            help="request reopening: a different officer approves it in the back office",
        )
        parser.add_argument("--officer", help="the staff user's username (closing or requesting)")
        parser.add_argument("--reason", default="", help="why the period is reopened (required)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = month_parse(options["month"])
        except ValueError as error:
            raise CommandError(f"--month {options['month']!r} is not a month YYYY-MM.") from error
        officer = self._officer(options.get("officer"))
        try:
            if options["reopen"]:
                if officer is None:
                    raise CommandError("--reopen needs --officer: the staff user who asks.")
                request = period_reopen_request(
                    month=month, officer=officer, reason=options["reason"]
                )
                self.stdout.write(
                    f"Reopening {month:%Y-%m} waits for a second officer (request {request.pk})."
                )
                return
            with transaction.atomic():
                period = period_close(month=month, business_date=business_date_held(), user=officer)
        except LendingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Accounting period {period.month:%Y-%m} closed."))

    @staticmethod
    def _officer(username: str | None) -> User | None:
        if username is None:
            return None
        user = User.objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff user {username!r}.")
        return user
