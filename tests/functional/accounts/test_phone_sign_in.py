"""Sign-up and sign-in by mainland mobile number and six-digit SMS code (issue #22).

Codes go through LENDPORTAL_SMS_BACKEND (LocmemSmsBackend in tests), expire, and are limited per
number and per address; accounts made with an email and a password keep signing in.
"""

from __future__ import annotations

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client, override_settings
from django.urls import reverse

from accounts import crypto
from accounts.models import User
from tests.functional.accounts.conftest import MOBILE, client_in, last_code
from tests.functional.portal.conftest import PASSWORD, verified_user

pytestmark = pytest.mark.django_db


def sign_up(client: Client, phone: str = MOBILE, email: str = ""):
    return client.post(reverse("account_signup"), {"phone": phone, "email": email})


def request_code(client: Client, phone: str = MOBILE):
    return client.post(reverse("account_request_login_code"), {"phone": phone})


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def phone_user(phone: str = MOBILE) -> User:
    """A user who signed up by phone earlier and confirmed it."""
    client = client_in()
    sign_up(client, phone)
    client.post(reverse("account_verify_phone"), {"code": last_code_of(phone)})
    user = User.objects.get(phone_digest=crypto.lookup_digest(phone))
    assert user.phone_verified
    return user


def last_code_of(phone: str) -> str:
    from loans.servicing.notifications import LocmemSmsBackend

    return last_code(LocmemSmsBackend.outbox, phone)


def test_sign_up_with_a_phone_sends_a_code_that_signs_in(sms_outbox):
    client = client_in()

    response = sign_up(client, "139 1234 5678")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert signed_in_user(client) is None
    [sms] = sms_outbox
    assert sms.to == MOBILE
    assert sms.text.startswith("【LendPortal】")
    code = last_code(sms_outbox)
    page = client.get(reverse("account_verify_phone"))
    assert "1********78" in page.text
    assert MOBILE not in page.text
    assert 'id="resend-button"' in page.text
    assert 'autocomplete="one-time-code"' in page.text

    confirmed = client.post(reverse("account_verify_phone"), {"code": code})

    assert confirmed.status_code == 302
    user = signed_in_user(client)
    assert user is not None
    assert user.phone_verified
    assert user.phone_masked == "1********78"
    assert crypto.decrypt(user.phone_ciphertext) == MOBILE
    assert user.email == ""
    assert not user.has_usable_password()
    welcome = client.get(reverse("portal:dashboard"))
    assert welcome.status_code == 200
    assert "Welcome, 1********78" in welcome.text
    assert "Complete your profile" in welcome.text


def test_sign_up_may_give_an_email_for_statements(sms_outbox):
    client = client_in()

    sign_up(client, email="wang.fang@example.com")
    client.post(reverse("account_verify_phone"), {"code": last_code(sms_outbox)})

    user = signed_in_user(client)
    assert user is not None
    assert user.email == "wang.fang@example.com"
    # The email is not needed to use the portal: the phone is verified.
    assert client.get(reverse("portal:dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("1391234567", "A mobile number has 11 digits; this one has 10."),
        ("12912345678", "A mobile number starts with 13 to 19."),
        ("139-1234-567a", "A mobile number has only digits"),
        ("", "This field is required."),
    ],
)
def test_sign_up_refuses_what_is_not_a_mainland_mobile(phone, error, sms_outbox):
    response = sign_up(client_in(), phone)

    assert response.status_code == 200
    assert error in response.text
    assert 'id="id_phone_error"' in response.text
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_sign_in_by_code(sms_outbox):
    user = phone_user()
    client = client_in()

    asked = request_code(client, "+86 139-1234-5678")

    assert asked.status_code == 302
    assert asked["Location"] == reverse("account_confirm_login_code")
    page = client.get(reverse("account_confirm_login_code"))
    assert "1********78" in page.text
    signed = client.post(reverse("account_confirm_login_code"), {"code": last_code(sms_outbox)})
    assert signed.status_code == 302
    assert signed["Location"] == reverse("portal:dashboard")
    assert signed_in_user(client) == user


def test_a_wrong_code_does_not_sign_in_and_the_code_dies_after_five_tries(sms_outbox):
    phone_user()
    client = client_in()
    request_code(client)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"

    first = client.post(reverse("account_confirm_login_code"), {"code": wrong})

    assert first.status_code == 200
    assert "Incorrect code." in first.text
    assert signed_in_user(client) is None
    for _ in range(4):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    late = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert signed_in_user(client) is None
    assert late.status_code == 302
    assert late["Location"].startswith(reverse("account_login"))


def test_a_code_expires_after_five_minutes(sms_outbox):
    phone_user()
    client = client_in()
    with time_machine.travel("2027-01-15 02:00:00", tick=False):
        request_code(client)
    code = last_code(sms_outbox)

    with time_machine.travel("2027-01-15 02:05:01", tick=False):
        response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert signed_in_user(client) is None
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_sign_up_code_expires_too(sms_outbox):
    client = client_in()
    with time_machine.travel("2027-01-15 02:00:00", tick=False):
        sign_up(client)
    code = last_code(sms_outbox)

    with time_machine.travel("2027-01-15 02:05:01", tick=False):
        client.post(reverse("account_verify_phone"), {"code": code})

    assert signed_in_user(client) is None
    assert not User.objects.filter(phone_verified=True).exists()


def test_codes_are_limited_per_number(sms_outbox):
    phone_user()
    sms_outbox.clear()

    first = request_code(client_in())
    second = request_code(client_in())  # another device, same number, within the minute

    assert first.status_code == 302
    assert second.status_code == 200
    assert "Too many failed login attempts" in second.text
    assert len(sms_outbox) == 1


@override_settings(
    ACCOUNT_RATE_LIMITS={"request_login_code": "100/m/key,3/h/ip", "verify_phone": "3/h/ip"}
)
def test_codes_are_limited_per_address(sms_outbox):
    sent = [
        request_code(client_in(), phone).status_code
        for phone in ("13900000001", "13900000002", "13900000003", "13900000004")
    ]

    assert sent[:3] == [302, 302, 302]
    assert sent[3] == 200
    assert len(sms_outbox) == 3


def test_the_resend_button_waits_for_the_timer(sms_outbox):
    client = client_in("zh-hans")
    with time_machine.travel("2027-01-15 02:00:00", tick=False):
        sign_up(client)
        page = client.get(reverse("account_verify_phone"))
    assert 'data-wait="60"' in page.text
    assert "disabled" in page.text.split('id="resend-button"')[1].split(">")[0]
    assert "重新发送（60秒）" in page.text  # noqa: RUF001

    with time_machine.travel("2027-01-15 02:01:01", tick=False):
        later = client.get(reverse("account_verify_phone"))
        resent = client.post(reverse("account_verify_phone"), {"action": "resend"})

    assert 'data-wait="0"' in later.text
    assert resent.status_code == 302
    assert len(sms_outbox) == 2
    with time_machine.travel("2027-01-15 02:01:30", tick=False):
        client.post(reverse("account_verify_phone"), {"code": last_code(sms_outbox)})
    assert signed_in_user(client) is not None


def test_an_unknown_number_is_told_by_sms_and_the_page_reads_the_same(sms_outbox):
    response = request_code(client_in(), "13700000000")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    [sms] = sms_outbox
    assert sms.to == "13700000000"
    assert "No LendPortal account uses this number" in sms.text


def test_a_second_sign_up_within_the_minute_is_told_to_wait(sms_outbox):
    client = client_in()
    sign_up(client)

    again = sign_up(client_in())

    assert again.status_code == 200
    assert "Too many codes asked for: wait a minute and try again." in again.text
    assert len(sms_outbox) == 1


def test_a_taken_number_cannot_sign_up_again(sms_outbox):
    with time_machine.travel("2027-01-15 02:00:00", tick=False):
        user = phone_user()
    sms_outbox.clear()
    client = client_in()

    with time_machine.travel("2027-01-15 02:01:01", tick=False):
        sign_up(client)

    assert User.objects.count() == 1
    [sms] = sms_outbox
    assert "already has a LendPortal account" in sms.text
    assert signed_in_user(client) is None
    assert User.objects.get() == user


def test_email_accounts_still_sign_in_with_their_password():
    user = verified_user("li.lei@example.com")
    client = client_in()

    response = client.post(
        reverse("account_login"), {"login": "li.lei@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert signed_in_user(client) == user
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_sign_in_page_leads_with_the_phone_in_chinese():
    page = client_in("zh-hans").get(reverse("account_login")).text

    phone = page.index('name="phone"')
    password = page.index('name="password"')
    assert phone < password
    assert "手机号" in page
    signup = client_in("zh-hans").get(reverse("account_signup")).text
    assert '<label for="id_phone">手机号</label>' in signup
    assert signup.index('name="phone"') < signup.index('name="email"')
    assert 'name="password1"' not in signup
    assert "获取验证码" in page
    assert "用邮箱和密码登录" in page
    assert page.count(reverse("account_reset_password") + '"') == 1  # one "forgot" link


def test_an_unverified_email_account_is_still_sent_to_verify():
    user = User.objects.create_user(username="u", email="u@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client = client_in()
    client.force_login(user)

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")


def test_a_code_is_good_until_five_minutes(sms_outbox):
    user = phone_user()
    client = client_in()
    with time_machine.travel("2027-01-15 02:00:00", tick=False):
        request_code(client)
    code = last_code(sms_outbox)

    with time_machine.travel("2027-01-15 02:04:59", tick=False):
        client.post(reverse("account_confirm_login_code"), {"code": code})

    assert signed_in_user(client) == user


def test_asking_a_code_for_what_is_not_a_mobile_says_why(sms_outbox):
    response = request_code(client_in("zh-hans"), "1391234567")

    assert response.status_code == 200
    assert 'id="id_phone_error"' in response.text
    assert "11" in response.text.split('id="id_phone_error"')[1].split("</p>")[0]
    assert sms_outbox == []
