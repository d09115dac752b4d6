"""Several senders share the queue without sending a reminder twice (real transactions)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from loans.servicing.models import Reminder, ReminderStatus
from loans.servicing.notifications import LocmemSmsBackend
from loans.servicing.services.reminders import reminders_queue, reminders_send_due
from tests.factories.loans import draw
from tests.integration.servicing.reminders.conftest import beijing, borrower_with_contacts

pytestmark = pytest.mark.django_db(transaction=True)

DUE = date(2027, 2, 15)


class SlowSmsBackend(LocmemSmsBackend):
    """Takes a moment per message, as a provider does, so the senders overlap."""

    def send(self, *, to: str, text: str) -> str:
        time.sleep(0.01)
        return super().send(to=to, text=text)


def send_together(senders: int, *, now: object) -> list[int]:
    barrier = threading.Barrier(senders)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(reminders_send_due(now=now))  # type: ignore[arg-type]
        except BaseException as error:  # noqa: BLE001 - reported by the test's asserts
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a sender is stuck"
    assert errors == []
    return results


def test_concurrent_senders_never_send_a_reminder_twice(settings):
    settings.LENDPORTAL_SMS_BACKEND = f"{__name__}.SlowSmsBackend"
    loans = [draw(borrower_with_contacts()) for _ in range(5)]
    queued = reminders_queue(
        first_loan_id=loans[0].pk,
        last_loan_id=loans[-1].pk,
        business_date=DUE,
        now=beijing(DUE, 10),
    )
    assert queued == 20  # DUE_SOON and DUE_TODAY, email and SMS, 5 loans

    results = send_together(3, now=beijing(DUE, 10))

    assert sum(results) == 20
    assert len(mail.outbox) + len(LocmemSmsBackend.outbox) == 20
    sms_texts = Counter((m.to, m.text) for m in LocmemSmsBackend.outbox)
    email_texts = Counter((tuple(m.to), m.subject, m.body) for m in mail.outbox)
    assert max(sms_texts.values()) == max(email_texts.values()) == 1
    reminders = Reminder.objects.all()
    assert {(r.status, r.attempts) for r in reminders} == {(ReminderStatus.SENT, 1)}
    assert len({r.provider_message_id for r in reminders if r.channel == "SMS"}) == 10
