"""The back office's own sign-in (issue #23): password once, then the TOTP code, enrolment for
staff without TOTP explained on a page of its own, and ``next`` kept to the admin page asked for."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.roles import LOAN_OFFICER
from tests.factories.accounts import totp_code, totp_enable
from tests.functional.backoffice.conftest import staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "staff-pass-1"
QUEUE = "/admin/backoffice/pendingapproval/"
QUEUE_QUOTED = "%2Fadmin%2Fbackoffice%2Fpendingapproval%2F"
LOGIN = "/admin/login/"


def password_step(client: Client, username: str, password: str = PASSWORD, next_url: str = QUEUE):
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"login": username, "password": password, "next": next_url},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["LendPortal back office", "Staff sign-in", "Username", "Sign in"]),
        ("zh-hans", ["LendPortal 信贷后台", "员工登录", "用户名", "登录"]),
    ],
)
def test_the_admin_has_a_sign_in_page_of_its_own(language: str, texts: list[str]):
    response = Client().get(f"{LOGIN}?next={QUEUE}", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 200
    assert [text in page for text in texts] == [True] * len(texts)
    assert f'name="next" value="{QUEUE}"' in page
    assert "sign up" not in page.lower()  # not the borrowers' page


def test_staff_with_totp_gives_the_password_once_then_the_code_and_lands_on_next():
    client = Client()
    secret = totp_enable(staff_member("officer", LOAN_OFFICER))

    password = password_step(client, "officer")
    code_url = f"{reverse('admin:signin_code')}?next={QUEUE_QUOTED}"
    assert (password.status_code, password["Location"]) == (302, code_url)
    assert "_auth_user_id" not in client.session  # not signed in before the code
    assert client.get(QUEUE).status_code == 302

    page = client.get(code_url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter the code from your authenticator app" in page.content.decode()
    wrong = client.post(code_url, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(code_url, {"code": totp_code(secret)})
    assert (right.status_code, right["Location"]) == (302, QUEUE)
    assert client.get(QUEUE).status_code == 200


def test_the_code_page_without_a_password_first_sends_back_to_sign_in():
    response = Client().get(reverse("admin:signin_code"))

    assert (response.status_code, response["Location"]) == (302, LOGIN)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            [
                "Two-factor sign-in is required for staff",
                "Scan the QR code with an authenticator app",
            ],
        ),
        ("zh-hans", ["员工必须开启两步验证", "用身份验证器应用扫描二维码"]),
    ],
)
def test_staff_without_totp_enrol_on_the_admins_page_and_land_on_next(
    language: str, texts: list[str]
):
    client = Client()
    user = staff_member("officer", LOAN_OFFICER)

    password = password_step(client, "officer")
    enrol_url = f"{reverse('admin:staff_totp_enrol')}?next={QUEUE_QUOTED}"
    assert (password.status_code, password["Location"]) == (302, enrol_url)
    blocked = client.get(QUEUE)
    assert (blocked.status_code, blocked["Location"]) == (302, enrol_url)

    page = client.get(enrol_url, HTTP_ACCEPT_LANGUAGE=language)
    content = page.content.decode()
    assert page.status_code == 200  # no second password prompt
    assert [text in content for text in texts] == [True, True]
    assert "<svg" in content
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in content  # the key typed by hand when the camera cannot scan

    wrong = client.post(enrol_url, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Incorrect code." in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user, type="totp").exists()

    done = client.post(enrol_url, {"code": totp_code(secret)})
    assert (done.status_code, done["Location"]) == (302, QUEUE)  # not the recovery codes
    assert Authenticator.objects.filter(user=user, type="totp").count() == 1
    assert client.get(QUEUE).status_code == 200


def test_a_borrower_with_the_right_password_is_refused_and_not_signed_in(django_user_model):
    client = Client()
    django_user_model.objects.create_user("b1", "b1@example.com", PASSWORD)

    response = password_step(client, "b1")

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account" in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_failed_admin_sign_ins_are_rate_limited_by_allauth():
    client = Client()
    totp_enable(staff_member("officer", LOAN_OFFICER))

    failures = [password_step(client, "officer", "wrong").status_code for _ in range(5)]
    blocked = password_step(client, "officer")

    assert failures == [200] * 5
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "backoffice.signin" not in client.session


def test_next_to_another_site_is_ignored():
    client = Client()
    secret = totp_enable(staff_member("officer", LOAN_OFFICER))

    password_step(client, "officer", next_url="https://evil.example/")
    right = client.post(reverse("admin:signin_code"), {"code": totp_code(secret)})

    assert (right.status_code, right["Location"]) == (302, "/admin/")
