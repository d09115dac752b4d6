"""`manage.py seed_portfolio --revolving N` (issue #18): N revolving accounts with months
(two here) of purchases, refunds, payments and bills, played night by night by the real
close of business; the books reconcile and the business date is D again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.ledger.reconciliation import books_reconcile
from loans.management.seeding.portfolio.revolving import RevolvingSeedRefused, revolving_seed
from loans.revolving.models import (
    BillReminder,
    Order,
    Refund,
    RevolvingAccount,
    RevolvingPayment,
    Statement,
)
from loans.revolving.services.reminders import bill_reminders_queue
from loans.servicing.models import CreditLine

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2027, 3, 1)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_portfolio", *args, stdout=out)
    return out.getvalue()


def test_revolving_accounts_with_months_of_bills_reconcile() -> None:
    output = seed(
        "--loans", "150", "--as-of", AS_OF.isoformat(), "--writers", "1",
        "--revolving", "30", "--revolving-months", "2",
    )  # fmt: skip

    assert "Seeded 30 revolving accounts" in output
    assert "revolving: nights (close of business)" in output
    assert [r.name for r in books_reconcile() if not r.ok] == []
    assert BusinessDate.objects.get(id=1).current_date == AS_OF
    accounts = RevolvingAccount.objects.all()
    assert accounts.count() == 30
    assert {a.opened_date for a in accounts} == {date(2027, 1, 1)}
    assert Order.objects.count() > 30 * 59 // 7 // 2  # about one account in seven a day
    assert Refund.objects.exists()
    assert RevolvingPayment.objects.exists()
    # Every account's statement day came round once or twice.
    assert Statement.objects.count() >= 30
    assert accounts.filter(days_past_due__gt=0).exists()  # some never paid
    assert Statement.objects.filter(bears_interest=True).exists()  # some paid the minimum
    # The limit is shared: every line's used amount covers its account's principal.
    for account in accounts.select_related("credit_line"):
        assert account.credit_line.used_amount >= account.principal_amount
    lines = CreditLine.objects.aggregate(over=Sum("used_amount"))
    assert lines["over"] is not None
    # The reminders of the nights before are recorded: the first close queues only its own.
    assert not BillReminder.objects.filter(status="QUEUED").exists()
    queued = bill_reminders_queue(business_date=AS_OF, now=_noon())
    assert all(r.business_date == AS_OF for r in BillReminder.objects.filter(status="QUEUED"))
    assert queued == BillReminder.objects.filter(status="QUEUED").count()


@pytest.mark.django_db
def test_more_accounts_than_lines_with_room_is_refused() -> None:
    with pytest.raises(RevolvingSeedRefused, match="active credit lines"):
        revolving_seed(accounts=5, as_of=AS_OF)

    assert not RevolvingAccount.objects.exists()


def _noon() -> datetime:
    return datetime(AS_OF.year, AS_OF.month, AS_OF.day, 4, tzinfo=UTC)
