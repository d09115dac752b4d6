"""What the pages show of a borrower's identity (issue #16 hole 3): masks only, no birth date or
age, the mobile in clear only on the audited reveal, and at least a million identity numbers that
fit everything a member of staff or a partner can see."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Borrower, User
from accounts.validators import Sex
from loans.origination.models import CreditApplication
from loans.origination.services.credit import credit_application_submit
from loans.servicing.models import Loan
from tests.factories.accounts import borrower_create, make_id_number, totp_enable
from tests.factories.api import (
    ApiPartner,
    api_partner,
    business_date_set,
    partner_borrower,
    partner_loan,
)
from tests.factories.loans import DRAW_DATE
from tests.unit.accounts.candidates import birth_dates_at_registration, identity_candidates

pytestmark = pytest.mark.django_db

BORN = date(1990, 5, 17)  # 36 on DRAW_DATE
ID_NUMBER = make_id_number(region="810000", birth_date=BORN, sequence="467")  # Hong Kong, male
MOBILE = "13912345678"
CLEAR = (
    ID_NUMBER,
    ID_NUMBER[:14],  # the region and the birth date
    MOBILE,
    MOBILE[3:],
    "139 1234 5678",
    "1990-05-17",
    "19900517",
    "May 17, 1990",
    "1990年5月17日",
)
# 18 characters of digits, X and * with at least one *: an identity number, masked.
MASKED_ID = re.compile(r"(?<![0-9X*])(?=[0-9X]*\*)[0-9X*]{18}(?![0-9X*])")


@dataclass
class World:
    partner: ApiPartner
    loan: Loan

    @property
    def borrower(self) -> Borrower:
        return self.loan.borrower


@pytest.fixture
def world() -> World:
    business_date_set(DRAW_DATE)
    partner = api_partner()
    borrower = partner_borrower(partner.partner, id_number=ID_NUMBER, mobile=MOBILE)
    credit_application_submit(borrower=borrower, as_of=DRAW_DATE, partner=partner.partner)
    loan = partner_loan(partner.partner, borrower=borrower, principal="3000.00", term=3)
    return World(partner=partner, loan=loan)


@pytest.fixture
def superuser() -> User:
    user = User.objects.create_superuser("admin", "admin@example.com", "x")
    totp_enable(user)  # staff must have TOTP to use the admin (issue #6)
    return user


def staff_client(user: User) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def pages_seen(client: Client, world: World) -> dict[str, str]:
    """Every page of the back office that names the borrower, and the partner API's answer."""
    application = CreditApplication.objects.filter(borrower=world.borrower).latest("pk")
    loan_id, borrower_id = world.loan.pk, world.borrower.pk
    urls = {
        "borrower list": reverse("admin:accounts_borrower_changelist"),
        "borrower": reverse("admin:accounts_borrower_change", args=[borrower_id]),
        "application": reverse("admin:origination_creditapplication_change", args=[application.pk]),
        "loan list": reverse("admin:servicing_loan_changelist"),
        "loan": reverse("admin:servicing_loan_change", args=[loan_id]),
        "desk": reverse("admin:servicing_loan_desk", args=[loan_id]),
        "credit lines": reverse("admin:servicing_creditline_changelist"),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = html.unescape(response.content.decode())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.partner.token}")
    answer = api.get(f"/api/v1/borrowers/{borrower_id}")
    assert answer.status_code == 200, answer.content
    pages["api"] = answer.content.decode()
    return pages


def test_no_page_shows_the_mobile_or_the_birth_date_in_clear(superuser, world):
    pages = pages_seen(staff_client(superuser), world)

    for name, content in pages.items():
        for clear in CLEAR:
            assert clear not in content, (name, clear)
    for name in ("borrower list", "borrower", "desk", "api"):
        assert "1********78" in pages[name], name


def test_the_api_gives_the_mobile_masked_under_its_own_name(superuser, world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.partner.token}")

    body = api.get(f"/api/v1/borrowers/{world.borrower.pk}").json()

    assert body["mobile_masked"] == "1********78"
    assert body["id_number_masked"] == "810***************"
    assert "mobile" not in body
    assert "birth_date" not in body


def test_a_decision_shows_whether_the_age_was_within_policy_not_the_age(superuser, world):
    application = CreditApplication.objects.filter(borrower=world.borrower).latest("pk")
    assert application.inputs["age"] == 36  # the decision keeps its input

    page = pages_seen(staff_client(superuser), world)["application"]

    assert "age: within 18-60" in page
    assert "age: 36" not in page


def test_what_the_pages_show_leaves_a_million_identity_numbers(superuser, world):
    pages = pages_seen(staff_client(superuser), world)
    shown = set()
    for content in pages.values():
        shown.update(MASKED_ID.findall(content))
    assert shown == {world.borrower.id_number_masked}  # one mask, the same everywhere
    (masked,) = shown

    # Also shown: the registration date (ages 18-60 then); the name may give the sex away.
    window = birth_dates_at_registration(world.borrower.created_at.date())
    candidates = identity_candidates(masked, birth_dates=window, sex=Sex.MALE)

    assert candidates >= 1_000_000


def test_the_reveal_shows_the_mobile_in_clear_and_records_that_it_did(superuser, world):
    client = staff_client(superuser)

    response = client.post(reverse("admin:servicing_loan_desk_reveal", args=[world.loan.pk]))

    assert response.status_code == 200
    assert MOBILE in response.content.decode()
    assert ID_NUMBER in response.content.decode()
    event = AuditEvent.objects.get(action="borrower.reveal")
    assert event.details == {"fields": ["id_number", "bank_card", "mobile"]}


def test_without_the_reveal_permission_the_mobile_stays_hidden(world):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_loan"))
    totp_enable(viewer)
    client = staff_client(viewer)

    page = client.get(reverse("admin:servicing_loan_desk", args=[world.loan.pk]))
    reveal = client.post(reverse("admin:servicing_loan_desk_reveal", args=[world.loan.pk]))

    assert page.status_code == 200
    assert "1********78" in page.content.decode()
    assert MOBILE not in page.content.decode()
    assert reveal.status_code == 403
    assert MOBILE not in reveal.content.decode()
    assert not AuditEvent.objects.filter(action="borrower.reveal").exists()


@pytest.mark.parametrize("typed", [MOBILE, "+86 139 1234 5678", "139-1234-5678"])
def test_the_admin_finds_a_borrower_by_the_full_mobile_through_its_digest(superuser, world, typed):
    client = staff_client(superuser)

    for name in ("accounts_borrower", "servicing_loan", "servicing_creditline"):
        response = client.get(reverse(f"admin:{name}_changelist"), {"q": typed})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1, name
    partial = client.get(reverse("admin:accounts_borrower_changelist"), {"q": MOBILE[:7]})
    assert partial.context["cl"].result_count == 0


def test_the_portal_profile_shows_the_mobile_masked_and_keeps_it_when_left_empty(client):
    business_date_set(DRAW_DATE)
    user = User.objects.create_user("li@example.com", "li@example.com", "x")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    borrower = borrower_create(user=user, id_number=ID_NUMBER, mobile=MOBILE, email=user.email)
    client.force_login(user)

    page = client.get(reverse("portal:profile"), headers={"accept-language": "en"})
    response = client.post(
        reverse("portal:profile"),
        {
            "mobile": "",
            "bank_card": "",
            "monthly_income_amount": "16000.00",
            "employment_months": "50",
            "monthly_debt_payments_amount": "0",
        },
    )

    content = html.unescape(page.content.decode())
    assert "1********78" in content
    for clear in CLEAR:
        assert clear not in content
    assert response.status_code == 302
    after = Borrower.objects.get(pk=borrower.pk)
    assert after.mobile_digest == borrower.mobile_digest
    assert after.monthly_income_amount == Decimal("16000.00")
