"""Queueing reminders at close of business (PRODUCT §5): kinds, catch-up, once only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loans.servicing.models import Loan, LoanStatus, Reminder, ReminderChannel, ReminderKind
from loans.servicing.services.reminders import reminders_queue, sms_send_after
from tests.factories.loans import draw
from tests.integration.servicing.reminders.conftest import (
    DUE,
    beijing,
    borrower_with_contacts,
    pay_first_installment,
    queue,
)

pytestmark = pytest.mark.django_db

BOTH = {ReminderChannel.EMAIL, ReminderChannel.SMS}


@pytest.fixture
def loan() -> Loan:
    return draw(borrower_with_contacts(), principal="10000.00", term=12)


def first_installment_reminders(loan: Loan) -> set[tuple[str, str, date]]:
    return set(
        Reminder.objects.filter(loan=loan, installment__number=1).values_list(
            "kind", "channel", "business_date"
        )
    )


def test_each_kind_is_queued_on_its_trigger_date_when_cob_runs_every_day(loan):
    day = date(2027, 2, 1)
    while day <= date(2027, 3, 31):
        queue(loan, day)
        day += timedelta(days=1)

    assert first_installment_reminders(loan) == {
        (kind, channel, day)
        for kind, day in [
            (ReminderKind.DUE_SOON, date(2027, 2, 12)),
            (ReminderKind.DUE_TODAY, date(2027, 2, 15)),
            (ReminderKind.OVERDUE_1, date(2027, 2, 16)),
            (ReminderKind.OVERDUE_7, date(2027, 2, 22)),
            (ReminderKind.OVERDUE_30, date(2027, 3, 17)),
        ]
        for channel in BOTH
    }


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2027, 2, 12), ReminderKind.DUE_SOON),
        (date(2027, 2, 15), ReminderKind.DUE_TODAY),
        (date(2027, 2, 16), ReminderKind.OVERDUE_1),
        (date(2027, 2, 22), ReminderKind.OVERDUE_7),
        (date(2027, 3, 17), ReminderKind.OVERDUE_30),
    ],
)
def test_each_kind_waits_for_its_trigger_date(loan, day, kind):
    queue(loan, day - timedelta(days=1))
    assert kind not in {k for k, _, _ in first_installment_reminders(loan)}

    queue(loan, day)

    assert {(k, c) for k, c, d in first_installment_reminders(loan) if d == day} == {
        (kind, channel) for channel in BOTH
    }


def test_the_reminder_records_the_date_the_borrower_language_and_the_loan(loan):
    queue(loan, date(2027, 2, 12))

    reminder = Reminder.objects.get(kind=ReminderKind.DUE_SOON, channel=ReminderChannel.EMAIL)
    assert reminder.loan_id == loan.pk
    assert reminder.installment.number == 1
    assert reminder.business_date == date(2027, 2, 12)
    assert reminder.language == "zh-hans"
    assert (reminder.status, reminder.attempts, reminder.sent_at) == ("QUEUED", 0, None)


def test_running_the_same_date_twice_queues_nothing_new(loan):
    assert queue(loan, DUE) == 4  # DUE_SOON caught up and DUE_TODAY, email and SMS

    assert queue(loan, DUE) == 0
    assert Reminder.objects.count() == 4


def test_a_missed_day_is_caught_up_once(loan):
    queue(loan, date(2027, 2, 15))

    assert queue(loan, date(2027, 2, 17)) == 2
    assert queue(loan, date(2027, 2, 16)) == 0
    assert queue(loan, date(2027, 2, 18)) == 0

    overdue = Reminder.objects.filter(kind=ReminderKind.OVERDUE_1)
    assert sorted(overdue.values_list("channel", "business_date")) == [
        ("EMAIL", date(2027, 2, 17)),
        ("SMS", date(2027, 2, 17)),
    ]


def test_due_soon_missed_is_caught_up_until_the_due_date(loan):
    assert queue(loan, date(2027, 2, 14)) == 2

    assert {k for k, _, _ in first_installment_reminders(loan)} == {ReminderKind.DUE_SOON}


def test_due_soon_and_due_today_are_never_queued_after_the_due_date(loan):
    queue(loan, date(2027, 2, 23))

    assert {k for k, _, _ in first_installment_reminders(loan)} == {
        ReminderKind.OVERDUE_1,
        ReminderKind.OVERDUE_7,
    }


def test_a_paid_installment_gets_no_reminder(loan):
    pay_first_installment(loan, on=DUE)

    assert queue(loan, date(2027, 2, 16)) == 0
    assert queue(loan, date(2027, 3, 17)) == 2
    assert first_installment_reminders(loan) == set()
    assert sorted(Reminder.objects.values_list("installment__number", "kind", "channel")) == [
        (2, "OVERDUE_1", "EMAIL"),  # due 2027-03-15, still unpaid
        (2, "OVERDUE_1", "SMS"),
    ]


def test_a_borrower_without_email_gets_sms_only():
    loan = draw(borrower_with_contacts(email=""))

    queue(loan, date(2027, 2, 12))

    assert list(Reminder.objects.values_list("kind", "channel")) == [("DUE_SOON", "SMS")]


def test_only_active_loans_with_ids_in_the_range_are_queued(loan):
    pending = draw(borrower_with_contacts(), principal="25000.00")  # waits for a 2nd officer
    after_the_range = draw(borrower_with_contacts())
    assert pending.status == LoanStatus.PENDING_DISBURSEMENT
    assert loan.pk < pending.pk < after_the_range.pk

    queued = reminders_queue(
        first_loan_id=loan.pk,
        last_loan_id=pending.pk,
        business_date=date(2027, 2, 12),
        now=beijing(date(2027, 2, 12), 10),
    )

    assert queued == 2
    assert set(Reminder.objects.values_list("loan_id", flat=True)) == {loan.pk}


def test_sms_queued_in_quiet_hours_waits_for_eight_in_beijing_and_email_does_not(loan):
    now = beijing(date(2027, 2, 12), 0, 30)

    queue(loan, date(2027, 2, 12), now=now)

    send_after = dict(Reminder.objects.values_list("channel", "send_after"))
    assert send_after[ReminderChannel.EMAIL] == now
    assert send_after[ReminderChannel.SMS] == beijing(date(2027, 2, 12), 8)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (0, 30, beijing(date(2027, 2, 12), 8)),
        (7, 59, beijing(date(2027, 2, 12), 8)),
        (8, 0, beijing(date(2027, 2, 12), 8)),
        (20, 59, beijing(date(2027, 2, 12), 20, 59)),
        (21, 0, beijing(date(2027, 2, 13), 8)),
        (23, 45, beijing(date(2027, 2, 13), 8)),
    ],
)
def test_sms_send_after_postpones_quiet_hours_to_the_next_eight_oclock(hour, minute, expected):
    now = beijing(date(2027, 2, 12), hour, minute).astimezone(UTC)

    assert sms_send_after(now=now) == expected


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        sms_send_after(now=datetime(2027, 2, 12, 10, 0))  # noqa: DTZ001 - the case under test


def test_a_trigger_older_than_the_catch_up_window_is_not_queued(loan):
    # OVERDUE_1 fell on 02-16, eight days before 02-24: "1 day overdue" would be stale.
    queue(loan, date(2027, 2, 24))

    assert {k for k, _, _ in first_installment_reminders(loan)} == {ReminderKind.OVERDUE_7}
