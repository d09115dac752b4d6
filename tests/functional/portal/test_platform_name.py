"""The platform names itself (issue #22): emails say "LendPortal", not the host they were asked
from, and the language switcher names each language in itself."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def test_the_verification_email_names_the_platform_in_chinese(settings):
    settings.LENDPORTAL_SITE_NAME = "LendPortal"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1:8000")

    client.post(
        reverse("account_signup"),
        {"email": "wang.fang@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    (message,) = mail.outbox
    assert "LendPortal" in message.body
    assert "127.0.0.1:8000的" not in message.body
    assert message.subject.startswith("[LendPortal] ")


def test_the_language_switcher_names_each_language_in_itself():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()

    assert ">简体中文</option>" in page
    assert ">English</option>" in page
