"""No English on the way in Chinese (issue #22): every portal page, in every state a borrower meets
(tests/functional/portal/tour.py), every reminder and every account email, rendered in zh-hans,
has none of the product's English words in what a person reads.

What a person reads: the text of the page outside ``<script>``, ``<style>`` and ``<template>``,
plus the attributes that are read out or shown (``aria-label``, ``title``, ``alt``,
``placeholder``, and the ``value`` of a button-like input). Other attribute values (names, URLs,
form values such as ``EQUAL_INSTALLMENT``) are the machine's, not the reader's.

What fails: a word of ``VOCABULARY`` (the product's own English words, with their plurals and
-ed/-ing forms, and the commonest English words, which no Chinese sentence holds). Latin letters
that Chinese pages use on purpose are not in the list and so pass: ``APR`` (the rate's
abbreviation printed beside 年化利率, as Chinese lenders print it), ``LendPortal`` (the
platform's name), ``English`` (the language switcher names each language in itself), ``SMS``
is not allowed (短信). Data the borrower or a shop typed (an email address, a product
description) is theirs; the tour types it in Chinese.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.models import User
from loans.servicing.models import Reminder
from loans.servicing.services.reminders import reminder_render
from tests.functional.portal.tour import portal_tour

pytestmark = pytest.mark.django_db

VOCABULARY_TEXT = """
loan borrow borrower repay repayment installment principal interest penalty overdue due amount
contract cash plan bill card pay paid payment payoff fee rate schedule credit limit balance
advance receipt total term month day today disburse disbursed disbursement sign signed approve
approved decline declined review debit profile apply application available next submit save
continue cancel cancelled back order shop purchase minimum email password message reminder quote
refund refunded grade decision line officer late early date change update welcome hello
the your you and for with now this are will not
"""
VOCABULARY = VOCABULARY_TEXT.split()
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+")
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
HIDDEN = {"script", "style", "template"}


def _forms(word: str) -> set[str]:
    return {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}


FORBIDDEN = set().union(*(_forms(word) for word in VOCABULARY))


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        for name in READ_ATTRIBUTES & values.keys():
            self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_words(text: str) -> list[str]:
    """The vocabulary's words in the text, with a little of their context."""
    text = EMAIL.sub(" ", text)
    found = []
    for match in WORD.finditer(text):
        words = match.group().lower().split("-")
        if any(word in FORBIDDEN for word in words):
            start, end = max(0, match.start() - 30), match.end() + 30
            found.append(f"{match.group()!r} in …{' '.join(text[start:end].split())}…")
    return found


def test_the_checker_finds_english_in_what_is_read_and_only_there():
    html = (
        "<p>应还 <b>Amount</b> due</p><script>var loan = 1;</script><style>.bill{}</style>"
        '<input name="repay" value="EQUAL_INSTALLMENT"><span aria-label="Repay now"></span>'
        "<p>APR 10.80% · LendPortal · English · li.lei@example.com</p>"
    )

    found = english_words(visible_text(html))

    assert [f.split(" in ")[0] for f in found] == ["'Amount'", "'due'", "'Repay'", "'now'"]


def test_every_portal_page_in_every_state_is_chinese():
    leaks: list[str] = []
    seen = 0
    for stop in portal_tour():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        if stop.user.pk:
            client.force_login(stop.user)
        response = client.post(stop.url, stop.post) if stop.post else client.get(stop.url)
        assert response.status_code == 200, (stop.state, stop.name, response.status_code)
        seen += 1
        for word in english_words(visible_text(response.content.decode())):
            leaks.append(f"{stop.state} / {stop.name} ({stop.url}): {word}")

    assert seen >= 39
    assert leaks == [], "English in Chinese pages:\n" + "\n".join(leaks)


def test_every_reminder_in_chinese_is_chinese():
    for _ in portal_tour():  # the tour sends one reminder of each kind in Chinese
        pass
    leaks = []
    reminders = Reminder.objects.filter(language="zh-hans")
    for reminder in reminders:
        subject, body = reminder_render(reminder)
        leaks += [f"{reminder.kind}: {word}" for word in english_words(f"{subject}\n{body}")]

    assert reminders.count() >= 7
    assert leaks == [], "English in Chinese reminders:\n" + "\n".join(leaks)


ACCOUNT_EMAILS = [
    "account/email/email_confirmation_signup",
    "account/email/email_confirmation",
    "account/email/password_reset_key",
    "account/email/unknown_account",
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_deleted",
    "account/email/password_changed",
    "account/email/password_set",
    "account/email/password_reset",
]


def test_every_account_email_in_chinese_is_chinese(rf: RequestFactory, settings):
    settings.LENDPORTAL_SITE_NAME = "LendPortal"
    settings.LENDPORTAL_SITE_DOMAIN = "lendportal.example.com"
    user = User.objects.create_user(username="wang", email="wang.fang@example.com")
    request = rf.get("/")
    context = {
        "user": user,
        "activate_url": "https://lendportal.example.com/accounts/confirm-email/abc/",
        "password_reset_url": "https://lendportal.example.com/accounts/password/reset/key/x/",
        "signup_url": "https://lendportal.example.com/accounts/signup/",
        "key": "abc",
        "code": "123456",
        "email": "wang.fang@example.com",
        "from_email": "old@example.com",
        "to_email": "wang.fang@example.com",
        "deleted_email": "old@example.com",
    }
    leaks = []
    with translation.override("zh-hans"), allauth_context.request_context(request):
        for prefix in ACCOUNT_EMAILS:
            get_adapter(request).send_mail(prefix, "wang.fang@example.com", context)
    for prefix, message in zip(ACCOUNT_EMAILS, mail.outbox, strict=True):
        text = f"{message.subject}\n{message.body}"
        leaks += [f"{prefix}: {word}" for word in english_words(text)]

    assert leaks == [], "English in Chinese emails:\n" + "\n".join(leaks)
