"""Money pages are kept out of every cache (issue #16, item 6): a shared phone's back button, the
browser's disk cache or a proxy between the borrower and us must have nothing to show once the
borrower signs out. Every page behind the portal's sign-in answers ``Cache-Control: no-store``."""

from __future__ import annotations

import re

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.payments.models import PortalPayment
from tests.factories.loans import draw
from tests.functional.portal.conftest import TODAY

pytestmark = pytest.mark.django_db

TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}


def assert_no_store(response: HttpResponseBase, url: str) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private", "no-cache", "max-age=0"} <= directives, (url, directives)


def started(client: Client, loan_id: int) -> tuple[HttpResponseBase, PortalPayment]:
    """Start paying the next installment (the review, then the start); return both."""
    before = PortalPayment.objects.count()
    review = client.post(reverse("portal:repay", args=[loan_id]), {"purpose": "NEXT_INSTALLMENT"})
    amount = re.search(r'name="amount" value="([0-9.]+)"', review.text)
    start = client.post(
        reverse("portal:repay_start", args=[loan_id]),
        {
            "purpose": "NEXT_INSTALLMENT",
            "amount": amount.group(1) if amount else "",
            "prepayment_mode": "",
        },
    )
    assert PortalPayment.objects.count() == before + 1
    return start, PortalPayment.objects.latest("id")


def paid(client: Client, loan_id: int) -> PortalPayment:
    """Pay the next installment through the development gateway; return the payment."""
    _, payment = started(client, loan_id)
    client.post(reverse("portal:fake_gateway", args=[payment.token]), {"action": "pay"})
    return payment


def test_every_money_page_answers_no_store(client_en: Client, borrower: Borrower):
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    pending, pending_payment = started(client_en, loan.pk)  # left at the gateway, not paid
    payment = paid(client_en, loan.pk)
    pending_token = pending_payment.token
    pages = [
        (reverse("portal:dashboard"), {}),
        (reverse("portal:profile"), {}),
        (reverse("portal:credit"), {}),
        (reverse("portal:notifications"), {}),
        (reverse("portal:borrow"), TERMS),
        (reverse("portal:borrow_quote"), TERMS),
        (reverse("portal:contract"), TERMS),
        (reverse("portal:loan", args=[loan.pk]), {}),  # the loan and its schedule
        (reverse("portal:repay", args=[loan.pk]), {}),
        (reverse("portal:fake_gateway", args=[pending_token]), {}),
        (reverse("portal:receipt", args=[payment.token]), {}),
    ]

    for url, query in pages:
        response = client_en.get(url, query)
        assert response.status_code == 200, url  # the page itself, not a redirect
        assert_no_store(response, url)
    # Answers to posts too: the repayment review shows amounts, the start redirects.
    review = client_en.post(
        reverse("portal:repay", args=[loan.pk]), {"purpose": "NEXT_INSTALLMENT"}
    )
    assert review.status_code == 200
    assert_no_store(review, "repay review")
    assert pending.status_code == 302
    assert_no_store(pending, "repay start")


def test_a_page_before_the_profile_is_done_answers_no_store_too(client_en: Client):
    # No borrower yet: the money pages send the user to the profile page, which asks for the
    # identity number and the mobile; both answers stay out of caches.
    redirect = client_en.get(reverse("portal:borrow"))
    profile = client_en.get(reverse("portal:profile"))

    assert redirect["Location"] == reverse("portal:profile")
    assert_no_store(redirect, "borrow without a profile")
    assert profile.status_code == 200
    assert_no_store(profile, "profile")


def test_public_pages_may_still_be_cached():
    home = Client().get(reverse("home"))

    assert home.status_code == 200
    assert "no-store" not in home.get("Cache-Control", "")
