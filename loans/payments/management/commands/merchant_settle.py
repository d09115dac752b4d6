"""`manage.py merchant_settle [--date YYYY-MM-DD]` (PRODUCT §10, §11; docs/revolving.md).

Settles what the platform owes each partner for a closed business date (every closed date not
settled yet by default, oldest first; or the one date given), prints a line per date with its
partners and the amount to pay on which day, then hands the payouts due on the open business
date to the bank and prints their outcomes. Idempotent: a date is settled once per partner, a
payout is sent at most once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum
from django.utils import timezone

from loans.calendar.selectors import business_date_current
from loans.payments.merchant_settlement import (
    MerchantSettlementRefused,
    merchant_payouts_send,
    merchant_settle,
    merchant_settlement_dates_due,
)
from loans.payments.models import MerchantSettlement


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, got {value!r}.") from None


class Command(BaseCommand):
    help = "Settle what each partner is owed for closed business dates and pay out what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="the closed business date to settle (default: every one not settled)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        days = [_date(options["date"])] if options["date"] else merchant_settlement_dates_due()
        if not days:
            self.stdout.write("No closed business date to settle.")
        for index, day in enumerate(days, start=1):
            try:
                written = merchant_settle(business_date=day, now=now)
            except MerchantSettlementRefused as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"[{index}/{len(days)}] {self._line(day, written)}")
        today = business_date_current()
        run = merchant_payouts_send(business_date=today, now=now)
        self.stdout.write(
            f"Payouts due by {today}: {run.sent} sent, ¥{run.amount:,.2f}: {run.settled} paid, "
            f"{run.failed} refused, {run.unknown} without an answer yet (asked about later)."
        )

    def _line(self, day: date, written: int) -> str:
        rows = MerchantSettlement.objects.filter(business_date=day).aggregate(
            partners=Count("id"), amount=Sum("payout_amount")
        )
        pay_date = (
            MerchantSettlement.objects.filter(business_date=day)
            .values_list("pay_date", flat=True)
            .first()
        )
        if not rows["partners"]:
            return f"{day}: nothing to settle."
        return (
            f"{day}: {rows['partners']} partner(s) ({written} new), "
            f"¥{rows['amount']:,.2f} to pay on {pay_date}."
        )
