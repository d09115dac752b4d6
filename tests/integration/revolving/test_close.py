"""Close of business of revolving accounts (issue #18, PRODUCT §10, §2.4): docs/revolving.md's
worked examples 2 and 3 through the services and the nightly close, its postings, its webhooks
(``statement.issued``, ``account.overdue``), and a night closed twice.

Statement day 1, account opened 15 March 2027, ¥3,000 bought on 20 March: the 1 April bill is
¥3,000.00, minimum ¥300.00, due 10 April (every day works: no calendar is loaded).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.calendar.services import calendar_year_load
from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.events.models import OutboxEvent
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel, Statement
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _shop_with_a_3000_bill() -> Shop:
    shop = shop_with_account(statement_day=1)
    # The borrower came through the partner: its events go to the partner.
    borrower = shop.line.borrower
    borrower.partner = shop.partner
    borrower.save(update_fields=["partner"])
    BusinessDate.objects.filter(id=1).update(current_date=D(2027, 3, 20))
    order = shop.order("3000.00", now=_now(D(2027, 3, 20)))
    order_capture(order_id=order.pk, now=_now(D(2027, 3, 20)))
    return shop


def _pay(shop: Shop, day: date, amount: str) -> None:
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=f"P-{day}",
        now=_now(day),
    )


def _nights(
    first: date, last: date, payments: dict[date, tuple[Shop, str]] | None = None
) -> dict[date, dict[str, Any]]:
    """Close every night from ``first`` through ``last``; the payments are made during the day."""
    summaries = {}
    day = first
    while day <= last:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        if payments and day in payments:
            shop, amount = payments[day]
            _pay(shop, day, amount)
        summaries[day] = revolving_day_close(business_date=day)
        day += timedelta(days=1)
    return summaries


def _charged(account: RevolvingAccount, entry_type: EntryType) -> dict[date, Decimal]:
    rows = (
        JournalLine.objects.filter(revolving_account=account, entry__entry_type=entry_type)
        .values_list("entry__value_date")
        .annotate(total=Sum("amount"))
    )
    return dict(rows)


def test_a_3000_bill_with_1000_paid_costs_10_at_the_due_date_then_1_a_day() -> None:
    shop = _shop_with_a_3000_bill()
    summaries = _nights(D(2027, 3, 20), D(2027, 5, 1), {D(2027, 4, 10): (shop, "1000.00")})

    interest = _charged(shop.account, EntryType.INTEREST_ACCRUAL)
    assert interest[D(2027, 4, 10)] == Decimal("10.00")
    assert interest[D(2027, 4, 11)] == Decimal("1.00")
    assert min(interest) == D(2027, 4, 10)  # nothing before the check: the free period
    assert summaries[D(2027, 4, 10)]["revolving_interest_checks"] == 1
    assert _charged(shop.account, EntryType.PENALTY) == {}  # the minimum was paid
    may = Statement.objects.get(statement_date=D(2027, 5, 1))
    # 10 + 20 days (11-30 April) of 1.00; interest from 1 May waits for the June bill.
    assert (
        may.new_interest_amount,
        may.revolving_principal_amount,
        may.balance_amount,
        may.minimum_payment_amount,
    ) == (Decimal("30.00"), Decimal("2000.00"), Decimal("2030.00"), Decimal("230.00"))
    shop.account.refresh_from_db()
    assert shop.account.unbilled_interest_amount == Decimal("1.00")  # the night of 1 May
    assert shop.account.days_past_due == 0
    assert Statement.objects.get(statement_date=D(2027, 4, 1)).bears_interest
    assert_books_reconcile()


def test_a_bill_paid_in_full_by_its_due_date_costs_nothing() -> None:
    shop = _shop_with_a_3000_bill()
    _nights(D(2027, 3, 20), D(2027, 5, 20), {D(2027, 4, 10): (shop, "3000.00")})

    assert _charged(shop.account, EntryType.INTEREST_ACCRUAL) == {}
    assert not Statement.objects.get().bears_interest
    assert Statement.objects.count() == 1  # nothing owed on 1 May: no bill
    assert_books_reconcile()


def test_the_minimum_not_paid_bears_penalty_instead_of_interest_and_is_past_due_the_next_day() -> (
    None
):
    shop = _shop_with_a_3000_bill()
    dpd: dict[date, tuple[int, str]] = {}
    day = D(2027, 3, 20)
    while day <= D(2027, 4, 16):
        BusinessDate.objects.filter(id=1).update(current_date=day)
        if day == D(2027, 4, 16):
            _pay(shop, day, "300.00")
        revolving_day_close(business_date=day)
        account = RevolvingAccount.objects.get(pk=shop.account.pk)
        dpd[day] = (account.days_past_due, account.bucket)
        day += timedelta(days=1)

    interest = _charged(shop.account, EntryType.INTEREST_ACCRUAL)
    penalty = _charged(shop.account, EntryType.PENALTY)
    assert interest[D(2027, 4, 10)] == Decimal("15.00")
    assert interest[D(2027, 4, 11)] == Decimal("1.35")  # on 2,700: 300 bears penalty instead
    assert (dpd[D(2027, 4, 10)], dpd[D(2027, 4, 11)]) == ((0, "CURRENT"), (1, "M1"))
    assert penalty == {D(2027, 4, 14): Decimal("0.80"), D(2027, 4, 15): Decimal("0.20")}
    # ¥300 on 16 April: 1.00 penalty, 21.75 interest, 277.25 principal; the minimum is met.
    payment = shop.account.payments.get()
    assert payment.entry.lines.filter(account="PENALTY_RECEIVABLE").get().amount == Decimal("-1.00")
    assert payment.entry.lines.filter(account="INTEREST_RECEIVABLE").get().amount == Decimal(
        "-21.75"
    )
    assert dpd[D(2027, 4, 16)] == (0, "CURRENT")
    assert interest[D(2027, 4, 16)] == Decimal("1.36")  # round(2,722.75 * 0.05%)
    assert_books_reconcile()


def test_webhooks_tell_the_partner_of_the_bill_and_of_the_first_day_overdue() -> None:
    shop = _shop_with_a_3000_bill()
    _nights(D(2027, 3, 20), D(2027, 5, 3))

    events = list(
        OutboxEvent.objects.filter(
            partner=shop.partner, event_type__in=["statement.issued", "account.overdue"]
        ).values_list("event_type", "data")
    )
    issued = [data for kind, data in events if kind == "statement.issued"]
    overdue = [data for kind, data in events if kind == "account.overdue"]
    assert issued[0] == {
        "account": shop.account.pk,
        "borrower": shop.line.borrower_id,
        "statement_date": "2027-04-01",
        "due_date": "2027-04-10",
        "pay_by_date": "2027-04-10",
        "balance": "3000.00",
        "minimum_payment": "300.00",
    }
    assert [d["statement_date"] for d in issued] == ["2027-04-01", "2027-05-01"]
    assert overdue == [
        {
            "account": shop.account.pk,
            "borrower": shop.line.borrower_id,
            "business_date": "2027-04-11",
            "days_past_due": 1,
            "overdue_minimum": "300.00",
        }
    ]  # once, on its first day past due, though it stays past due


@pytest.mark.parametrize(
    ("paid", "at_the_check", "daily", "past_due_on_tuesday"),
    [("1000.00", "12.00", "1.00", 0), (None, "18.00", "1.35", 1)],
)
def test_a_due_date_on_saturday_is_checked_at_the_close_of_monday(
    paid: str | None, at_the_check: str, daily: str, past_due_on_tuesday: int
) -> None:
    calendar_year_load(year=2027)  # 10 April 2027 is a Saturday: pay by Monday 12 April
    shop = _shop_with_a_3000_bill()
    payments = {D(2027, 4, 12): (shop, paid)} if paid else None
    _nights(D(2027, 3, 20), D(2027, 4, 13), payments)

    bill = Statement.objects.get()
    assert (bill.due_date, bill.pay_by_date) == (D(2027, 4, 10), D(2027, 4, 12))
    interest = _charged(shop.account, EntryType.INTEREST_ACCRUAL)
    # 10 days (1-10 April) rounded once, plus a daily amount for Sunday and Monday.
    assert interest == {D(2027, 4, 12): Decimal(at_the_check), D(2027, 4, 13): Decimal(daily)}
    shop.account.refresh_from_db()
    assert shop.account.days_past_due == past_due_on_tuesday
    assert_books_reconcile()


def _snapshot() -> dict[str, object]:
    return {
        "entries": list(JournalEntry.objects.values_list("id", "key")),
        "lines": list(JournalLine.objects.values_list("id", "account", "amount")),
        "bills": list(Statement.objects.values()),
        "accounts": list(RevolvingAccount.objects.values()),
        "events": list(OutboxEvent.objects.values_list("id", "event_type")),
    }


@pytest.mark.parametrize("night", [D(2027, 4, 1), D(2027, 4, 10), D(2027, 4, 14), D(2027, 5, 1)])
def test_closing_the_same_night_twice_changes_nothing(night: date) -> None:
    shop = _shop_with_a_3000_bill()
    _nights(D(2027, 3, 20), night - timedelta(days=1))
    BusinessDate.objects.filter(id=1).update(current_date=night)
    first = revolving_day_close(business_date=night)
    before = _snapshot()

    again = revolving_day_close(business_date=night)

    assert _snapshot() == before
    assert (again["revolving_bills"], again["revolving_accounts_charged"]) == (0, 0)
    assert first["revolving_bills"] + first["revolving_accounts_charged"] > 0
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    assert night in (account.last_statement_date, account.last_closed_date)  # it did run


def test_close_of_business_charges_the_due_date_in_its_summary() -> None:
    _shop_with_a_3000_bill()
    _nights(D(2027, 3, 20), D(2027, 4, 9))
    BusinessDate.objects.filter(id=1).update(current_date=D(2027, 4, 10))

    run = cob_run_open(business_date=D(2027, 4, 10))
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    closed, _ = cob_run_finish(run_id=run.pk)

    assert closed.summary["revolving_interest"] == "15.00"
    assert closed.summary["revolving_interest_checks"] == 1
    assert BusinessDate.objects.get(id=1).current_date == D(2027, 4, 11)
