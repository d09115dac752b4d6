"""Staff sign in to the admin through allauth, by username, with TOTP required (issue #6)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import LOAN_OFFICER
from tests.factories.accounts import totp_code, totp_enable
from tests.functional.backoffice.conftest import staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "staff-pass-1"
ADMIN = "/admin/"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_admin_login_is_the_back_offices_own_page():
    # Until #23 it redirected to allauth's (the borrowers') page; now it is the admin's own,
    # with allauth's form and rate limits behind it (test_staff_signin_page.py).
    response = Client().get(reverse("admin:login"))

    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


def test_staff_without_totp_is_sent_to_set_it_up_first(client: Client):
    staff_member("officer", LOAN_OFFICER)

    signed_in = sign_in(client, "officer")
    response = client.get(ADMIN)

    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("portal:dashboard"))
    assert response.status_code == 302
    # The admin's own enrolment page (#23; allauth's activation page until then).
    assert response["Location"] == f"{reverse('admin:staff_totp_enrol')}?next=%2Fadmin%2F"
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert 'name="code"' in setup.content.decode()  # the QR code and the first code to enter
    queue = client.get(reverse("admin:backoffice_pendingapproval_changelist"))
    assert queue.status_code == 302  # no authenticator yet: still sent to set one up
    assert queue["Location"].startswith(reverse("admin:staff_totp_enrol"))


def test_staff_with_totp_must_pass_the_totp_step(client: Client):
    secret = totp_enable(staff_member("officer", LOAN_OFFICER))

    response = sign_in(client, "officer")
    assert response["Location"] == reverse("mfa_authenticate")
    assert _is_sent_to_sign_in(client.get(ADMIN))  # not signed in before the code

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert _is_sent_to_sign_in(client.get(ADMIN))

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert (right.status_code, right["Location"]) == (302, reverse("portal:dashboard"))
    assert client.get(ADMIN).status_code == 200


def test_failed_staff_logins_are_rate_limited(client: Client):
    totp_enable(staff_member("officer", LOAN_OFFICER))

    failures = [sign_in(client, "officer", "wrong").status_code for _ in range(5)]
    blocked = sign_in(client, "officer")

    assert failures == [200] * 5
    assert blocked.status_code == 200  # the right password is refused now
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_borrower_cannot_open_the_admin(client: Client, django_user_model):
    borrower = django_user_model.objects.create_user("b1", "b1@example.com", PASSWORD)
    client.force_login(borrower)

    assert _is_sent_to_sign_in(client.get(ADMIN))
    assert _is_sent_to_sign_in(client.get(reverse("admin:backoffice_pendingapproval_changelist")))


def _is_sent_to_sign_in(response) -> bool:
    """The admin's answer to someone it does not let in: a redirect to its sign-in page."""
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
