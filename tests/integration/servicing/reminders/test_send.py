"""Sending queued reminders (PRODUCT §5): due ones only, in the borrower's language, once."""

# The Chinese messages use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
from django.core import mail

from accounts.crypto import decrypt
from loans.servicing.models import Loan, Reminder, ReminderChannel, ReminderKind, ReminderStatus
from loans.servicing.notifications import LocmemSmsBackend
from loans.servicing.services.reminders import reminders_send_due
from tests.factories.loans import draw
from tests.integration.servicing.reminders.conftest import (
    DUE,
    EMAIL,
    beijing,
    borrower_with_contacts,
    pay_first_installment,
    queue,
)

pytestmark = pytest.mark.django_db

FEB_12 = date(2027, 2, 12)


class RefusingSmsBackend:
    """A provider that refuses everything and quotes the number, as real ones do."""

    calls = 0

    def send(self, *, to: str, text: str) -> str:
        RefusingSmsBackend.calls += 1
        raise ConnectionError(f"provider refused {to}")


@pytest.fixture
def loan() -> Loan:
    """¥10,000 at 18% over 12 months from 2027-01-15: installment 1 of ¥916.80 due 02-15."""
    return draw(borrower_with_contacts(), principal="10000.00", term=12)


def statuses() -> dict[tuple[str, str], str]:
    return {(r.kind, r.channel): r.status for r in Reminder.objects.all()}


def test_only_reminders_whose_time_has_come_are_sent(loan):
    queue(loan, FEB_12, now=beijing(FEB_12, 10))

    assert reminders_send_due(now=beijing(FEB_12, 9, 59)) == 0
    assert (mail.outbox, LocmemSmsBackend.outbox) == ([], [])

    assert reminders_send_due(now=beijing(FEB_12, 10)) == 2
    assert len(mail.outbox) == len(LocmemSmsBackend.outbox) == 1


def test_chinese_is_the_default_language(loan):
    queue(loan, FEB_12)

    reminders_send_due(now=beijing(FEB_12, 10))

    [email] = mail.outbox
    [sms] = LocmemSmsBackend.outbox
    assert email.to == [EMAIL]
    assert email.subject == "还款提醒：您的借款将于2027年2月15日到期"
    assert email.body == (
        f"您的借款（编号{loan.pk}）第1/12期应还¥916.80，还款日为2027年2月15日，还有3天。"
        "请提前确保还款账户余额充足，按时还款。如已还款，请忽略本提醒。"
    )
    assert sms.to == decrypt(loan.borrower.mobile_ciphertext)  # stored encrypted (#16)
    assert re.fullmatch(r"1[3-9]\d{9}", sms.to)
    assert sms.text == "【LendPortal】" + email.body


def test_a_borrower_who_chose_english_gets_english(loan):
    english = borrower_with_contacts(language="en")
    loan = draw(english)
    queue(loan, DUE)

    reminders_send_due(now=beijing(DUE, 10))

    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Repayment reminder: your loan payment is due on 15 February 2027",
        "Repayment reminder: your loan payment is due today",
    ]
    today = next(m for m in mail.outbox if m.subject.endswith("today"))
    assert today.body == (
        f"Instalment 1 of 12 of your loan no. {loan.pk}, ¥916.80, is due today, "
        "15 February 2027. Please pay today to avoid late-payment penalty interest. "
        "If you have already paid, please ignore this reminder."
    )
    assert all("¥916.80" in sms.text for sms in LocmemSmsBackend.outbox)


def test_overdue_messages_give_the_days_overdue_as_of_the_date_that_queued_them(loan):
    queue(loan, date(2027, 2, 17))  # COB missed 02-16: OVERDUE_1 caught up on day 2

    reminders_send_due(now=beijing(date(2027, 2, 17), 10))

    [email] = mail.outbox
    assert email.subject == "逾期提醒：您的借款已逾期"
    assert "第1/12期（还款日2027年2月15日）已逾期2天，当前应还¥916.80" in email.body


def test_amounts_use_thousands_separators():
    loan = draw(borrower_with_contacts(), principal="20000.00", term=3)
    queue(loan, FEB_12)

    reminders_send_due(now=beijing(FEB_12, 10))

    assert re.search(r"应还¥6,\d{3}\.\d{2}，", str(mail.outbox[0].body))


def test_a_reminder_of_an_installment_paid_after_queueing_is_cancelled(loan):
    queue(loan, FEB_12)
    pay_first_installment(loan, on=DUE)

    assert reminders_send_due(now=beijing(DUE, 10)) == 0

    assert (mail.outbox, LocmemSmsBackend.outbox) == ([], [])
    assert set(Reminder.objects.values_list("status", "last_error")) == {
        (ReminderStatus.CANCELLED, "installment paid")
    }


def test_a_second_call_sends_nothing_again(loan):
    queue(loan, DUE)
    now = beijing(DUE, 10)
    assert reminders_send_due(now=now) == 4

    assert reminders_send_due(now=now + timedelta(hours=1)) == 0

    assert len(mail.outbox) == len(LocmemSmsBackend.outbox) == 2
    reminders = Reminder.objects.all()
    assert {(r.status, r.attempts, r.sent_at) for r in reminders} == {("SENT", 1, now)}
    assert all(r.provider_message_id.startswith("locmem-") for r in reminders if r.channel == "SMS")


def test_sms_waits_out_quiet_hours_at_send_time_and_email_does_not(loan):
    queue(loan, FEB_12, now=beijing(FEB_12, 10))

    assert reminders_send_due(now=beijing(FEB_12, 22)) == 1

    assert statuses() == {("DUE_SOON", "EMAIL"): "SENT", ("DUE_SOON", "SMS"): "QUEUED"}
    assert reminders_send_due(now=beijing(FEB_12 + timedelta(days=1), 7, 59)) == 0
    assert reminders_send_due(now=beijing(FEB_12 + timedelta(days=1), 8)) == 1
    assert len(LocmemSmsBackend.outbox) == 1


def test_an_sms_queued_at_night_goes_at_eight(loan):
    queue(loan, FEB_12, now=beijing(FEB_12, 0, 30))

    assert reminders_send_due(now=beijing(FEB_12, 0, 31)) == 1
    assert LocmemSmsBackend.outbox == []
    assert reminders_send_due(now=beijing(FEB_12, 8)) == 1
    assert len(LocmemSmsBackend.outbox) == 1


def test_a_failing_backend_is_retried_then_failed_without_personal_data(loan, settings):
    settings.LENDPORTAL_SMS_BACKEND = f"{__name__}.RefusingSmsBackend"
    RefusingSmsBackend.calls = 0
    queue(loan, FEB_12)
    sms = Reminder.objects.get(channel=ReminderChannel.SMS)
    now = beijing(FEB_12, 10)

    assert reminders_send_due(now=now) == 1  # the email
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == (
        "QUEUED",
        1,
        "attempt 1: ConnectionError",
    )
    assert sms.send_after == now + timedelta(minutes=5)

    reminders_send_due(now=now + timedelta(minutes=5))
    reminders_send_due(now=now + timedelta(minutes=15))
    reminders_send_due(now=now + timedelta(days=1))

    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.sent_at) == ("FAILED", 3, None)
    assert sms.last_error == "attempt 3: ConnectionError"
    assert RefusingSmsBackend.calls == 3


def test_logs_name_reminders_by_id_and_kind_only(loan, caplog):
    queue(loan, FEB_12)

    with caplog.at_level(logging.INFO, logger="loans.servicing.services.reminders"):
        reminders_send_due(now=beijing(FEB_12, 10))

    ids = sorted(Reminder.objects.values_list("id", flat=True))
    assert sorted(r.args[0] for r in caplog.records) == ids
    text = caplog.text
    borrower = loan.borrower
    mobile = decrypt(borrower.mobile_ciphertext)
    for personal in (EMAIL, mobile, borrower.full_name, "916.80"):
        assert personal not in text
    assert ReminderKind.DUE_SOON in text
