"""`python manage.py seed_demo [--if-empty]`: demo data for a development site (PRODUCT §8).

Creates, all through the services: the open business date, the staff roles and one user per
role, the CASH and INSTALLMENT products, a partner, borrowers with credit decisions of every kind,
and loans in every state with months of history (accrual day by day, fees, repayments, a
prepayment, a reversal, a payoff, a write-off with a second approver), written by
``loans.management.seeding.demo``. Development only: every password is public. See README,
"Demo data".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import Borrower, User
from loans.calendar.selectors import business_date_current
from loans.calendar.services import calendar_year_load, calendar_years_shipped
from loans.management.seeding.demo import (
    DEMO_ADMIN,
    STAFF,
    Demo,
    business_date_open,
    seed,
    seed_finish,
)
from loans.origination.models import CreditApplication, Payout, PayoutStatus
from loans.servicing.models import Loan


class Command(BaseCommand):
    help = (
        "Create demo data: staff in every role, products, a partner, borrowers and loans in "
        "every state (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (used by `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The working calendar of the shipped years, every time: loading is idempotent, and a
        # development database made before the calendar existed gets it too (PRODUCT §12).
        for year in calendar_years_shipped():
            calendar_year_load(year=year)
        self.stdout.write(f"Calendar: loaded {', '.join(map(str, calendar_years_shipped()))}.")
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data: the database has data already; nothing to do.")
                return
            if User.objects.filter(username=DEMO_ADMIN).exists():
                self.stdout.write(f"Demo data: user {DEMO_ADMIN!r} exists already.")
                return
        # All or nothing: a failure leaves no half-seeded database that --if-empty would skip.
        with transaction.atomic():
            demo = Demo(say=self.stdout.write, today=business_date_open())
            seed(demo)
        seed_finish()
        self.summary()

    def summary(self) -> None:
        statuses = Counter(Loan.objects.values_list("status", flat=True))
        decisions = Counter(CreditApplication.objects.values_list("status", flat=True))
        settled = Payout.objects.filter(status=PayoutStatus.SETTLED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: business date {business_date_current()}; "
                f"{Borrower.objects.count()} borrowers; applications "
                f"{dict(sorted(decisions.items()))}; loans {dict(sorted(statuses.items()))}; "
                f"{settled} payouts settled."
            )
        )
        staff = ", ".join(username for username, _ in STAFF)
        self.stdout.write(
            self.style.SUCCESS(
                f"Back office at /admin/: user {DEMO_ADMIN!r} (password from DEMO_ADMIN_PASSWORD, "
                f"default 'lendportal-demo'); staff {staff} with password 'lendportal-demo'. "
                "Staff sign in by username and must set up TOTP (an authenticator app) on "
                "their first visit (docs/backoffice.md)."
            )
        )
