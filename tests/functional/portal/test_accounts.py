"""Sign-up, email verification, sign-in and the account pages (allauth), and the rule that
nothing financial happens before the email address is verified (issue #5)."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.origination.models import CreditApplication
from loans.servicing.models import Loan
from loans.servicing.notifications import LocmemSmsBackend
from tests.functional.accounts.conftest import CODE
from tests.functional.portal.conftest import PASSWORD, signed_in, verified_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def link(pattern: re.Pattern[str], body: object) -> str:
    found = pattern.search(str(body))
    assert found is not None, body
    return found.group(1)


def sms_code(to: str) -> str:
    found = CODE.search([sms.text for sms in LocmemSmsBackend.outbox if sms.to == to][-1])
    assert found is not None
    return found.group(1)


def signup(client: Client, email: str = "wang.fang@example.com"):
    # Sign-up is by mobile number since #22 (tests/functional/accounts); the email is optional.
    return client.post(reverse("account_signup"), {"phone": "13912345678", "email": email})


def test_an_email_given_at_sign_up_is_verified_by_its_link():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(email="wang.fang@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox == []  # mailed once the mobile is confirmed
    client.post(reverse("account_verify_phone"), {"code": sms_code("13912345678")})
    assert len(mail.outbox) == 1
    path = link(LINK, mail.outbox[0].body)
    page = client.get(path)
    assert page.status_code == 200
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def test_an_unverified_address_signs_in_but_sees_nothing_before_it_is_verified():
    user = User.objects.create_user(
        username="wang.fang@example.com", email="wang.fang@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        reverse("account_login"), {"login": "wang.fang@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"] == reverse("account_email")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("portal:profile", "post"),
        ("portal:credit", "post"),
        ("portal:borrow", "get"),
        ("portal:contract", "post"),
        ("portal:notifications", "get"),
    ],
)
def test_an_unverified_user_is_sent_to_verify_and_nothing_is_written(name, method):
    user = User.objects.create_user(username="u", email="u@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client = signed_in(user)

    response = getattr(client, method)(reverse(name), {"full_name": "张三"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")
    assert Borrower.objects.count() == 0
    assert CreditApplication.objects.count() == 0
    assert Loan.objects.count() == 0


def test_a_visitor_is_sent_to_sign_in():
    response = Client().get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sign_in_and_out():
    verified_user("li.lei@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        reverse("account_login"), {"login": "li.lei@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    out = client.post(reverse("account_logout"))
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password():
    user = verified_user("li.lei@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    client.post(reverse("account_reset_password"), {"email": "li.lei@example.com"})

    assert len(mail.outbox) == 1
    reset = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)")
    form = client.get(link(reset, mail.outbox[0].body), follow=True)
    new = "another-long-password-7"
    done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_change_email_keeps_the_verified_address_until_the_new_one_is_verified():
    user = verified_user("li.lei@example.com")
    client = signed_in(user)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "lei.li@example.com"}
    )

    assert response.status_code == 302
    addresses = dict(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    assert addresses == {"li.lei@example.com": True, "lei.li@example.com": False}
    assert "lei.li@example.com" in mail.outbox[-1].to


def test_two_factor_totp_can_be_turned_on_and_is_then_asked_at_sign_in():
    verified_user("li.lei@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("account_login"), {"login": "li.lei@example.com", "password": PASSWORD})

    # A security change asks for the password again first.
    asked = client.get(reverse("mfa_activate_totp"))
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    client.post(reverse("mfa_activate_totp"), {"code": code})
    client.post(reverse("account_logout"))
    again = client.post(
        reverse("account_login"), {"login": "li.lei@example.com", "password": PASSWORD}
    )

    assert page.status_code == 200
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 1
    assert again["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_security_pages_link_email_password_and_two_factor():
    client = signed_in(verified_user())

    page = client.get(reverse("account_email")).text

    for name in ("account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in page


def test_failed_sign_ins_are_rate_limited():
    verified_user("li.lei@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pages = [
        client.post(
            reverse("account_login"), {"login": "li.lei@example.com", "password": "wrong"}
        ).text
        for _ in range(6)
    ]
    right = client.post(
        reverse("account_login"), {"login": "li.lei@example.com", "password": PASSWORD}
    )

    assert not any("Too many failed login attempts" in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    # Even the right password is refused while the limit holds.
    assert right.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_up_errors_are_linked_to_their_fields_and_nothing_is_created():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        reverse("account_signup"),
        {"phone": "1391234567", "email": "not-an-email"},
    )

    assert response.status_code == 200
    assert 'id="id_email_error"' in response.text
    assert 'aria-describedby="id_email_helptext id_email_error"' in response.text
    assert 'id="id_phone_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<label for="id_email">' in response.text
    assert User.objects.count() == 0
    assert mail.outbox == []
