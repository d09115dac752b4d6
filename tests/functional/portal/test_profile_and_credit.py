"""The real-name profile with its consents, and the credit application with its decision and
the reapply rule (issue #5; PRODUCT §6)."""

import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.origination.models import ApplicationStatus, CreditApplication
from loans.servicing.models import CreditLine
from tests.factories.accounts import make_bank_card, make_id_number
from tests.functional.portal.conftest import TODAY, borrower_for

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(birth_date=date(1996, 5, 17), sequence="321")
CARD = make_bank_card(number=4242)


def profile_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "王芳",
        "id_number": ID_NUMBER,
        "mobile": "13912345678",
        "bank_card": CARD,
        "monthly_income_amount": "15000",
        "employment_months": "48",
        "monthly_debt_payments_amount": "0",
        "credit_check_consent": "on",
        "privacy_consent": "on",
    } | overrides


def test_profile_is_saved_with_consents_and_shown_masked(
    client_en: Client, user: User, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)

    response = client_en.post(reverse("portal:profile"), profile_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:credit")
    borrower = Borrower.objects.get(user=user)
    assert borrower.full_name == "王芳"
    assert borrower.privacy_notice_version == "2026-11"
    assert borrower.privacy_consent_at is not None
    assert borrower.credit_check_consent_at is not None
    assert borrower.email == user.email
    assert borrower.language == "en"
    page = client_en.get(reverse("portal:profile")).text
    assert borrower.id_number_masked in page
    assert ID_NUMBER not in page
    assert CARD not in page
    # No personal data in the logs (PRODUCT §6).
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert ID_NUMBER not in logged
    assert CARD not in logged
    assert "王芳" not in logged


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"), "check character"),
        ("id_number", "11010519900517", "18 characters"),
        ("mobile", "12345678901", "starts with 13 to 19"),
        ("bank_card", CARD[:-1] + str((int(CARD[-1]) + 1) % 10), "Luhn"),
        ("full_name", "A", "2 to 30 characters"),
        ("credit_check_consent", "", "This field is required"),
    ],
)
def test_a_bad_profile_is_refused_field_by_field_and_nothing_is_saved(
    client_en: Client, field: str, value: str, message: str
):
    response = client_en.post(reverse("portal:profile"), profile_data(**{field: value}))

    assert response.status_code == 200
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert Borrower.objects.count() == 0


def test_an_applicant_over_60_is_refused_on_the_identity_number(client_en: Client):
    old = make_id_number(birth_date=date(1960, 1, 1), sequence="111")

    response = client_en.post(reverse("portal:profile"), profile_data(id_number=old))

    assert "maximum age is 60" in response.text
    assert Borrower.objects.count() == 0


def test_credit_application_is_approved_with_limit_grade_and_rate(
    client_en: Client, user: User, product
):
    borrower_for(user, line=False, full_name="王芳")

    response = client_en.post(reverse("portal:credit"))
    page = client_en.get(response["Location"]).text

    application = CreditApplication.objects.get()
    assert application.status == ApplicationStatus.APPROVED
    line = CreditLine.objects.get()
    assert application.annual_rate is not None
    assert f"¥{application.credit_limit_amount:,.2f}" in page
    assert f"{application.annual_rate * 100:.2f}%" in page
    assert line.limit_amount == application.credit_limit_amount
    assert "Borrow now" in page


def test_a_decline_shows_reasons_and_refuses_to_reapply_within_30_days(
    client_en: Client, user: User
):
    borrower_for(user, line=False, monthly_income_amount=Decimal("1500.00"))
    client_en.post(reverse("portal:credit"))

    page = client_en.get(reverse("portal:credit")).text
    again = client_en.post(reverse("portal:credit"), follow=True)

    assert CreditApplication.objects.get().status == ApplicationStatus.DECLINED
    assert "Your monthly income is below ¥2,000." in page
    reapply = TODAY + timedelta(days=30)
    assert f"You can apply again from {reapply.day} February 2027." in page
    assert "Apply again" not in page
    assert "You can apply again 30 days after a decline." in again.text
    assert CreditApplication.objects.count() == 1
    assert not CreditLine.objects.exists()


def test_a_referral_shows_under_review(client_en: Client, user: User):
    borrower_for(User.objects.create_user("x", "x@example.com"), line=False, mobile="13911112222")
    borrower_for(user, line=False, mobile="+86 139 1111 2222")  # the same, compared by digest

    client_en.post(reverse("portal:credit"))
    page = client_en.get(reverse("portal:credit")).text

    assert CreditApplication.objects.get(borrower__user=user).status == ApplicationStatus.REFERRED
    assert "Under review" in page
    assert "An officer is reviewing your application." in page
