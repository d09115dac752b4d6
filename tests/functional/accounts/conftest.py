"""Phone sign-in (issue #22): SMS codes read from LocmemSmsBackend, the settings/test.py backend."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from django.test import Client

from loans.calendar.models import BusinessDate
from loans.servicing.notifications import LocmemSmsBackend, SmsMessage

TODAY = date(2027, 1, 15)
MOBILE = "13912345678"
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[SmsMessage]]:
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def business_date(db) -> date:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    return TODAY


def last_code(outbox: list[SmsMessage], to: str = MOBILE) -> str:
    """The six-digit code of the last SMS sent to a number."""
    texts = [message.text for message in outbox if message.to == to]
    assert texts, f"no SMS to {to}: {outbox}"
    found = CODE.search(texts[-1])
    assert found is not None, texts[-1]
    return found.group(1)


def client_in(language: str = "en") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)
