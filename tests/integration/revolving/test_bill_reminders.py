"""Reminders of bills (issue #18, PRODUCT §10 last line, §5): bill ready, due soon, due today,
overdue, queued set-based by close of business once per (bill, kind, channel), sent through the
loan reminders' email and SMS backends, never for a bill already paid.

Statement day 1, ¥3,000 bought on 20 March 2027: the 1 April bill is ¥3,000.00, minimum
¥300.00, due 10 April (no calendar loaded: every day works, so the pay-by date is the due date).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.selectors import borrower_mobile_decrypt
from loans.calendar.models import BusinessDate
from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.revolving.models import BillReminder, BillReminderKind, RevolvingPaymentChannel
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.reminders import (
    bill_owing,
    bill_reminders_queue,
    bill_reminders_send_due,
)
from loans.servicing.models import ReminderChannel, ReminderStatus
from loans.servicing.notifications import LocmemSmsBackend, SmsMessage
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
BEIJING = ZoneInfo("Asia/Shanghai")
EMAIL = "huabei-borrower@example.com"
BILL = D(2027, 4, 1)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=BEIJING)


@pytest.fixture
def sms_outbox() -> Iterator[list[SmsMessage]]:
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def shop() -> Shop:
    """A ¥3,000 purchase on 20 March; nights closed through 31 March (no bill yet)."""
    shop = shop_with_account(statement_day=1)
    borrower = shop.line.borrower
    borrower.email = EMAIL
    borrower.save(update_fields=["email"])
    BusinessDate.objects.filter(id=1).update(current_date=D(2027, 3, 20))
    order = shop.order("3000.00", now=_noon(D(2027, 3, 20)))
    order_capture(order_id=order.pk, now=_noon(D(2027, 3, 20)))
    return shop


def _night(day: date) -> int:
    """Close ``day`` for revolving accounts, then queue its bill reminders, as COB does."""
    BusinessDate.objects.filter(id=1).update(current_date=day)
    revolving_day_close(business_date=day)
    return bill_reminders_queue(business_date=day, now=_noon(day))


def _nights(first: date, last: date) -> dict[date, int]:
    queued = {}
    day = first
    while day <= last:
        queued[day] = _night(day)
        day += timedelta(days=1)
    return queued


def _pay(shop: Shop, day: date, amount: str) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=f"P-{day}",
        now=_noon(day),
    )


def _kinds_by_date() -> dict[date, set[str]]:
    rows: dict[date, set[str]] = {}
    for reminder in BillReminder.objects.all():
        rows.setdefault(reminder.business_date, set()).add(reminder.kind)
    return rows


def test_nothing_paid_queues_each_kind_on_its_day_on_both_channels(shop: Shop) -> None:
    queued = _nights(D(2027, 3, 31), D(2027, 4, 20))

    assert _kinds_by_date() == {
        BILL: {BillReminderKind.BILL_READY},
        D(2027, 4, 7): {BillReminderKind.DUE_SOON},
        D(2027, 4, 10): {BillReminderKind.DUE_TODAY},
        D(2027, 4, 11): {BillReminderKind.OVERDUE},
    }
    assert {day: n for day, n in queued.items() if n} == {
        BILL: 2,
        D(2027, 4, 7): 2,
        D(2027, 4, 10): 2,
        D(2027, 4, 11): 2,
    }
    reminder = BillReminder.objects.get(kind=BillReminderKind.BILL_READY, channel="EMAIL")
    assert reminder.statement.statement_date == BILL
    assert reminder.account_id == shop.account.pk
    assert reminder.status == ReminderStatus.QUEUED


def test_a_night_closed_twice_queues_nothing_more(shop: Shop) -> None:
    _nights(D(2027, 3, 31), BILL)

    assert bill_reminders_queue(business_date=BILL, now=_noon(BILL)) == 0
    assert BillReminder.objects.count() == 2


def test_the_database_refuses_a_second_reminder_of_a_bill_kind_and_channel(shop: Shop) -> None:
    _nights(D(2027, 3, 31), BILL)
    first = BillReminder.objects.get(channel=ReminderChannel.EMAIL)

    with pytest.raises(IntegrityError), transaction.atomic():
        BillReminder.objects.create(
            statement=first.statement,
            account=first.account,
            kind=first.kind,
            channel=first.channel,
            business_date=D(2027, 4, 2),
            language="en",
            send_after=_noon(D(2027, 4, 2)),
        )


def test_a_missed_night_is_caught_up_the_next_night_and_never_doubled(shop: Shop) -> None:
    _nights(D(2027, 3, 31), D(2027, 4, 6))
    BusinessDate.objects.filter(id=1).update(current_date=D(2027, 4, 7))
    revolving_day_close(business_date=D(2027, 4, 7))  # no reminders queued that night

    assert _night(D(2027, 4, 8)) == 2
    assert bill_reminders_queue(business_date=D(2027, 4, 7), now=_noon(D(2027, 4, 8))) == 0
    due_soon = BillReminder.objects.filter(kind=BillReminderKind.DUE_SOON)
    assert {r.business_date for r in due_soon} == {D(2027, 4, 8)}


def test_a_bill_paid_in_full_gets_no_more_reminders(shop: Shop) -> None:
    _nights(D(2027, 3, 31), BILL)
    _pay(shop, D(2027, 4, 3), "3000.00")

    _nights(D(2027, 4, 2), D(2027, 4, 20))

    assert _kinds_by_date() == {BILL: {BillReminderKind.BILL_READY}}
    # The bill-ready reminder queued before the payment is cancelled, not sent.
    assert bill_reminders_send_due(now=_noon(D(2027, 4, 3))) == 0
    assert set(BillReminder.objects.values_list("status", "last_error")) == {
        (ReminderStatus.CANCELLED, "bill paid")
    }
    assert mail.outbox == []


def test_the_minimum_paid_stops_the_overdue_reminder_but_not_the_due_ones(shop: Shop) -> None:
    _nights(D(2027, 3, 31), D(2027, 4, 5))
    _pay(shop, D(2027, 4, 6), "300.00")

    _nights(D(2027, 4, 6), D(2027, 4, 20))

    kinds = set(BillReminder.objects.values_list("kind", flat=True))
    assert kinds == {
        BillReminderKind.BILL_READY,
        BillReminderKind.DUE_SOON,
        BillReminderKind.DUE_TODAY,
    }
    owing = bill_owing(statement=BillReminder.objects.first().statement)  # type: ignore[union-attr]
    assert (owing.amount, owing.minimum) == (Decimal("2700.00"), Decimal("0.00"))


def test_a_bill_paid_after_the_overdue_reminder_was_queued_cancels_it(shop: Shop) -> None:
    _nights(D(2027, 3, 31), D(2027, 4, 11))
    bill_reminders_send_due(now=_noon(D(2027, 4, 10)))
    _pay(shop, D(2027, 4, 12), "300.00")

    assert bill_reminders_send_due(now=_noon(D(2027, 4, 12))) == 0

    overdue = BillReminder.objects.filter(kind=BillReminderKind.OVERDUE)
    assert {(r.status, r.last_error) for r in overdue} == {
        (ReminderStatus.CANCELLED, "minimum paid")
    }


def test_sent_by_email_and_sms_in_the_borrowers_language_without_personal_data(
    shop: Shop, sms_outbox: list[SmsMessage], caplog: pytest.LogCaptureFixture
) -> None:
    borrower = shop.line.borrower
    borrower.language = "en"
    borrower.save(update_fields=["language"])
    _nights(D(2027, 3, 31), BILL)

    with caplog.at_level(logging.INFO):
        assert bill_reminders_send_due(now=_noon(BILL)) == 2

    [email] = mail.outbox
    assert email.to == [EMAIL]
    assert email.subject == "Your bill of 1 April 2027 is ready"
    assert "¥3,000.00 to pay by 10 April 2027, minimum payment ¥300.00" in email.body
    assert f"account no. {shop.account.pk}" in email.body
    [sms] = sms_outbox
    assert sms.to == borrower_mobile_decrypt(borrower=borrower)
    assert sms.text.startswith("【LendPortal】The bill of your credit account")
    assert borrower.full_name not in email.body + sms.text
    logs = caplog.text
    assert "SENT" in logs
    assert EMAIL not in logs
    assert sms.to not in logs
    assert "¥3,000.00" not in logs
    assert set(BillReminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    # Sent once: a second sweep has nothing left.
    assert bill_reminders_send_due(now=_noon(BILL) + timedelta(hours=1)) == 0


def test_chinese_overdue_message_counts_days_from_the_pay_by_date(
    shop: Shop, sms_outbox: list[SmsMessage]
) -> None:
    # Caught up on 13 April: two days after the overdue trigger.
    _nights(D(2027, 3, 31), D(2027, 4, 10))
    BillReminder.objects.all().delete()
    BusinessDate.objects.filter(id=1).update(current_date=D(2027, 4, 11))
    revolving_day_close(business_date=D(2027, 4, 11))
    revolving_day_close(business_date=D(2027, 4, 12))
    _night(D(2027, 4, 13))

    bill_reminders_send_due(now=_noon(D(2027, 4, 13)))

    [email] = mail.outbox
    assert email.subject == "逾期提醒：您的账单已逾期"  # noqa: RUF001
    assert "2027年4月1日账单（到期还款日2027年4月10日）的最低还款已逾期3天" in email.body  # noqa: RUF001
    assert "当前最低应还¥300.00" in email.body


def test_sms_queued_in_quiet_hours_waits_for_eight_in_the_morning(
    shop: Shop, sms_outbox: list[SmsMessage]
) -> None:
    _nights(D(2027, 3, 31), D(2027, 3, 31))
    BusinessDate.objects.filter(id=1).update(current_date=BILL)
    revolving_day_close(business_date=BILL)
    night = datetime.combine(D(2027, 4, 2), time(0, 30), tzinfo=BEIJING)
    bill_reminders_queue(business_date=BILL, now=night)

    assert bill_reminders_send_due(now=night) == 1  # the email only
    assert sms_outbox == []
    sms = BillReminder.objects.get(channel=ReminderChannel.SMS)
    assert sms.send_after == datetime.combine(D(2027, 4, 2), time(8), tzinfo=BEIJING)
    assert bill_reminders_send_due(now=sms.send_after) == 1
    assert len(sms_outbox) == 1


def test_a_failing_backend_is_retried_and_stores_only_the_error_class(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    _nights(D(2027, 3, 31), BILL)

    def refuse(**_: object) -> str:
        raise ConnectionError(f"refused {EMAIL}")

    monkeypatch.setattr("loans.servicing.services.delivery.email_send", refuse)
    bill_reminders_send_due(now=_noon(BILL))

    email = BillReminder.objects.get(channel=ReminderChannel.EMAIL)
    assert email.status == ReminderStatus.QUEUED
    assert email.last_error == "attempt 1: ConnectionError"
    assert email.send_after > _noon(BILL)


def test_close_of_business_queues_the_bill_reminders_after_the_cut(shop: Shop) -> None:
    _nights(D(2027, 3, 31), D(2027, 3, 31))
    BusinessDate.objects.filter(id=1).update(current_date=BILL)

    run = cob_run_open(business_date=BILL)
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    run, _ = cob_run_finish(run_id=run.pk)

    assert run.summary["revolving_bills"] == 1
    assert run.summary["revolving_bill_reminders"] == 2
    assert set(BillReminder.objects.values_list("kind", flat=True)) == {BillReminderKind.BILL_READY}
