"""The platform names itself (issue #22): emails say "LendPortal", not the host they were asked
from, and the language switcher names each language in itself."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from loans.servicing.notifications import LocmemSmsBackend
from tests.functional.accounts.conftest import CODE

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def sms_code(to: str) -> str:
    found = CODE.search([sms.text for sms in LocmemSmsBackend.outbox if sms.to == to][-1])
    assert found is not None
    return found.group(1)


def test_the_verification_email_names_the_platform_in_chinese(settings):
    settings.LENDPORTAL_SITE_NAME = "LendPortal"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1:8000")

    client.post(
        reverse("account_signup"),
        {"phone": "13912345678", "email": "wang.fang@example.com"},
    )
    # The link is mailed once the mobile is confirmed by its SMS code (#22).
    client.post(reverse("account_verify_phone"), {"code": sms_code("13912345678")})

    (message,) = mail.outbox
    assert "LendPortal" in message.body
    assert "127.0.0.1:8000的" not in message.body
    assert message.subject.startswith("[LendPortal] ")


def test_the_language_switcher_names_each_language_in_itself():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()

    assert ">简体中文</option>" in page
    assert ">English</option>" in page
