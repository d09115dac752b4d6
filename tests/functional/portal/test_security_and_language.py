"""Headers, CSRF, languages and formats of the portal (issue #5)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.origination.models import CreditApplication
from loans.servicing.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from tests.factories.loans import draw
from tests.functional.portal.conftest import TODAY, signed_in

pytestmark = pytest.mark.django_db


def test_every_page_has_a_csp_without_inline_scripts(client_en: Client, borrower: Borrower):
    for url in (reverse("home"), reverse("portal:dashboard"), reverse("account_login")):
        policy = client_en.get(url)["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert script_src.strip() == "script-src 'self'"
        assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_script(client_en: Client, borrower: Borrower):
    for url in (reverse("portal:borrow"), reverse("portal:dashboard"), reverse("home")):
        page = client_en.get(url).text
        assert "<script>" not in page
        assert "onclick" not in page


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    user: User, borrower: Borrower
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = CreditApplication.objects.count()

    response = client.post(reverse("portal:credit"))

    assert response.status_code == 403
    assert CreditApplication.objects.count() == before


def test_the_language_comes_from_the_browser(user: User, borrower: Borrower):
    chinese = signed_in(user, language="zh-CN,zh;q=0.9").get(reverse("portal:dashboard"))
    english = signed_in(user, language="en-US,en;q=0.9").get(reverse("portal:dashboard"))

    assert '<html lang="zh-hans">' in chinese.text
    assert "授信额度" in chinese.text
    assert '<html lang="en">' in english.text
    assert "Credit line" in english.text


def test_without_a_browser_language_the_portal_speaks_chinese():
    page = Client().get(reverse("home")).text

    assert '<html lang="zh-hans">' in page
    assert "注册" in page


def test_the_language_switcher_sets_the_language(user: User, borrower: Borrower):
    client = signed_in(user, language="en")

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/app/"})

    assert "授信额度" in client.get(reverse("portal:dashboard")).text


def test_amounts_and_chinese_dates_are_formatted(user: User, borrower: Borrower):
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    client = signed_in(user, language="zh-hans")

    page = client.get(reverse("portal:loan", args=[loan.pk])).text

    assert "¥5,000.00" in page
    assert "2027年2月15日" in page  # the first due date
    assert "年化利率" in page


def test_the_allauth_pages_are_in_chinese_too():
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get(reverse("account_signup")).text

    assert "注册" in page
    assert "LendPortal" in page


def test_notifications_list_the_reminders_sent(user: User, borrower: Borrower):
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    installment = loan.installments.get(number=1)
    Reminder.objects.create(
        installment=installment,
        loan=loan,
        kind=ReminderKind.DUE_SOON,
        channel=ReminderChannel.SMS,
        business_date=date(2027, 2, 12),
        language="zh-hans",
        send_after="2027-02-12T09:00:00+08:00",
        status=ReminderStatus.SENT,
        sent_at="2027-02-12T09:00:00+08:00",
    )
    client = signed_in(user, language="zh-hans")

    page = client.get(reverse("portal:notifications")).text

    assert "2027年2月15日" in page
    assert "短信" in page
