"""The portal's forms say everything wrong at once (issue #22): the identity check character, the
mobile, the card's Luhn digit, the name and the amounts are form validation, so one submit shows
every error, and nothing is saved. Amounts are read as people type them ("1,000", "¥1,000")."""

# ruff: noqa: RUF001

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.payments.models import CardBinding
from tests.factories.accounts import make_bank_card, make_id_number
from tests.functional.portal.conftest import borrower_for, signed_in

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(birth_date=date(1996, 5, 17), sequence="321")
WRONG_CHECK = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
CARD = make_bank_card(number=4242)
NOT_LUHN = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)


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


EVERYTHING_WRONG = {
    "id_number": WRONG_CHECK,
    "mobile": "1391234567",  # 10 digits
    "bank_card": NOT_LUHN,
    "monthly_income_amount": "fifteen thousand",
    "employment_months": "four years",
}

ALL_AT_ONCE = {
    "en": [
        "The check character does not match the first 17 digits; check for a typo.",
        "A mobile number has 11 digits; this one has 10.",
        "The bank card number fails its check digit (Luhn); check for a typo.",
        "Enter an amount in yuan, such as 1,000 or 1,000.50.",
        "Enter a whole number.",
    ],
    "zh-hans": [
        "校验码与前 17 位不符，请检查是否输错。",
        "手机号应为 11 位，当前为 10 位。",
        "银行卡号校验位（Luhn）不符，请检查是否输错。",
        "请输入以元为单位的金额，例如 1,000 或 1,000.50。",
        "输入整数。",
    ],
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_profile_form_shows_every_error_in_one_submit(user: User, language: str):
    client = signed_in(user, language)

    response = client.post(reverse("portal:profile"), profile_data(**EVERYTHING_WRONG))

    assert response.status_code == 200
    for message in ALL_AT_ONCE[language]:
        assert message in response.text
    assert response.text.count('aria-invalid="true"') == 5
    assert Borrower.objects.count() == 0


def test_the_identity_rules_are_checked_by_the_form_with_the_age_on_the_business_date(
    client_en: Client,
):
    too_young = make_id_number(birth_date=date(2010, 1, 1), sequence="321")

    response = client_en.post(
        reverse("portal:profile"),
        profile_data(id_number=too_young, mobile="+86 139-1234-567", full_name="A"),
    )

    assert "The applicant is 17; the minimum age is 18." in response.text
    assert "A mobile number has 11 digits; this one has 10." in response.text
    assert "A name has 2 to 30 characters; this one has 1." in response.text
    assert Borrower.objects.count() == 0


def test_amounts_typed_with_separators_and_the_yuan_sign_are_saved(client_en: Client, user: User):
    response = client_en.post(
        reverse("portal:profile"),
        profile_data(
            monthly_income_amount="￥１５，０００．５０",
            monthly_debt_payments_amount="¥1,000",
            id_number=ID_NUMBER.lower(),
            mobile="+86 139 1234 5678",
            bank_card=" ".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]]),
        ),
    )

    assert response.status_code == 302
    borrower = Borrower.objects.get(user=user)
    assert borrower.monthly_income_amount == Decimal("15000.50")
    assert borrower.monthly_debt_payments_amount == Decimal("1000.00")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,000", Decimal("1000.00")),
        ("1,000.00", Decimal("1000.00")),
        ("¥1,000", Decimal("1000.00")),
        ("￥1,000", Decimal("1000.00")),
        ("１２，０００", Decimal("12000.00")),
        (" 12000 ", Decimal("12000.00")),
    ],
)
def test_the_profile_update_reads_amounts_as_people_type_them(
    client_en: Client, user: User, product, typed: str, stored: Decimal
):
    borrower = borrower_for(user)

    response = client_en.post(
        reverse("portal:profile"),
        {
            "monthly_income_amount": typed,
            "employment_months": "12",
            "monthly_debt_payments_amount": "0",
        },
    )

    assert response.status_code == 302
    borrower.refresh_from_db()
    assert borrower.monthly_income_amount == stored


@pytest.mark.parametrize("garbage", ["1,00", "1.000,00", "¥", "12e3", "1,000.5.0", "NaN"])
def test_garbage_in_an_amount_is_refused_with_a_clear_message(
    client_en: Client, user: User, product, garbage: str
):
    borrower = borrower_for(user)
    before = borrower.monthly_income_amount

    response = client_en.post(
        reverse("portal:profile"),
        {
            "monthly_income_amount": garbage,
            "employment_months": "12",
            "monthly_debt_payments_amount": "0",
        },
    )

    assert response.status_code == 200
    assert "Enter an amount in yuan, such as 1,000 or 1,000.50." in response.text
    borrower.refresh_from_db()
    assert borrower.monthly_income_amount == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_profile_update_shows_mobile_card_and_amount_errors_together(
    user: User, product, language: str
):
    borrower = borrower_for(user)
    before = (borrower.mobile_digest, borrower.bank_card_digest, borrower.monthly_income_amount)
    client = signed_in(user, language)

    response = client.post(
        reverse("portal:profile"),
        {
            "mobile": "1391234567",
            "bank_card": NOT_LUHN,
            "monthly_income_amount": "lots",
            "employment_months": "12",
            "monthly_debt_payments_amount": "0",
        },
    )

    assert response.status_code == 200
    for message in (ALL_AT_ONCE[language][1], ALL_AT_ONCE[language][2], ALL_AT_ONCE[language][3]):
        assert message in response.text
    borrower.refresh_from_db()
    assert (
        borrower.mobile_digest,
        borrower.bank_card_digest,
        borrower.monthly_income_amount,
    ) == before


def test_the_auto_debit_form_checks_the_card_and_the_holder_in_one_submit(
    client_en: Client, user: User, product
):
    borrower_for(user)

    response = client_en.post(
        reverse("portal:auto_debit"),
        {
            "card_number": NOT_LUHN,
            "holder_name": "A",
            "holder_id_number": WRONG_CHECK,
            "agree": "",
        },
    )

    assert response.status_code == 200
    assert ALL_AT_ONCE["en"][2] in response.text
    assert "A name has 2 to 30 characters; this one has 1." in response.text
    assert ALL_AT_ONCE["en"][0] in response.text
    assert "This field is required." in response.text
    assert CardBinding.objects.count() == 0
