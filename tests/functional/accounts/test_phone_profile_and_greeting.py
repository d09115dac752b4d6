"""After phone sign-up (issue #22): the profile's mobile is the sign-in number, and the portal
greets by the masked mobile until the real-name step is done, then by the real name."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts import crypto
from accounts.models import Borrower, User
from accounts.selectors import borrower_mobile_decrypt
from tests.factories.accounts import make_bank_card, make_id_number
from tests.functional.accounts.conftest import MOBILE, client_in, last_code

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(birth_date=date(1996, 5, 17), sequence="321")
CARD = make_bank_card(number=4242)


def profile_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "王芳",
        "id_number": ID_NUMBER,
        "bank_card": CARD,
        "monthly_income_amount": "15000",
        "employment_months": "48",
        "monthly_debt_payments_amount": "0",
        "credit_check_consent": "on",
        "privacy_consent": "on",
        **overrides,
    }


def signed_up(outbox, language: str = "en") -> Client:
    client = client_in(language)
    client.post(reverse("account_signup"), {"phone": MOBILE})
    client.post(reverse("account_verify_phone"), {"code": last_code(outbox)})
    assert client.session.get("_auth_user_id")
    return client


def test_the_profile_takes_the_sign_in_mobile_and_locks_it(sms_outbox):
    client = signed_up(sms_outbox)

    form = client.get(reverse("portal:profile")).text
    field = form.split('name="mobile"')[0].rsplit("<input", 1)[1] + form.split('name="mobile"')[1]
    assert "disabled" in field.split(">")[0]
    assert 'value="1********78"' in field.split(">")[0]
    assert MOBILE not in form
    # Whatever is posted for the mobile, the profile gets the sign-in number.
    saved = client.post(reverse("portal:profile"), profile_data(mobile="13800000000"))

    assert saved.status_code == 302
    borrower = Borrower.objects.get()
    assert borrower_mobile_decrypt(borrower=borrower) == MOBILE
    assert borrower.mobile_digest == User.objects.get().phone_digest
    update = client.get(reverse("portal:profile")).text
    assert 'name="mobile"' not in update


def test_the_greeting_is_the_masked_mobile_then_the_real_name(sms_outbox):
    client = signed_up(sms_outbox, "zh-hans")
    user = User.objects.get()

    welcome = client.get(reverse("portal:dashboard")).text
    assert "欢迎，1********78" in welcome  # noqa: RUF001
    assert user.username not in welcome

    client.post(reverse("portal:profile"), profile_data())
    dashboard = client.get(reverse("portal:dashboard")).text

    assert "王芳" in dashboard
    assert "1********78" not in dashboard
    # Signing in again: allauth's message names the borrower by the real name too.
    client.logout()
    client.post(reverse("account_request_login_code"), {"phone": MOBILE})
    signed = client.post(
        reverse("account_confirm_login_code"), {"code": last_code(sms_outbox)}, follow=True
    )
    assert "王芳" in signed.text
    assert user.username not in signed.text


def test_an_email_account_is_greeted_by_its_real_name_not_its_username():
    from tests.functional.portal.conftest import PASSWORD, borrower_for, verified_user

    user = verified_user("li.lei@example.com")
    borrower_for(user, line=False, full_name="李雷")
    client = client_in()

    signed = client.post(
        reverse("account_login"),
        {"login": "li.lei@example.com", "password": PASSWORD},
        follow=True,
    )

    assert "Successfully signed in as 李雷." in signed.text


def test_a_new_confirmed_number_becomes_the_profile_mobile(sms_outbox):
    from accounts.adapter import AccountAdapter

    client = signed_up(sms_outbox)
    client.post(reverse("portal:profile"), profile_data())
    user = User.objects.get()

    AccountAdapter().set_phone_verified(user, "13700001111")

    borrower = Borrower.objects.get()
    assert borrower_mobile_decrypt(borrower=borrower) == "13700001111"
    assert borrower.mobile_digest == crypto.lookup_digest("13700001111")
