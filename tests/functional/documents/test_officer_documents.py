"""A loan's PDFs for officers (issue #19): staff who may view loans download the borrower's
documents from the back office; other staff may not; the loan page's snippet links them."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import LOAN_OFFICER, roles_sync, staff_member_create
from loans.documents.models import ContractDocument
from loans.servicing.models import Loan, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import totp_enable
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.documents.pdfs import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(db) -> Loan:
    loan = draw(principal="5000.00", term=6, as_of=DRAW_DATE)
    business_date_set(DRAW_DATE)
    return loan


def staff_client(user: User) -> Client:
    totp_enable(user)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def officer() -> Client:
    roles_sync()
    return staff_client(staff_member_create(username="officer", password="x", role=LOAN_OFFICER))


def test_an_officer_downloads_the_contract_the_borrower_signed(loan: Loan):
    response = officer().get(reverse("backoffice:contract_pdf", args=[loan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    recorded = ContractDocument.objects.get(loan=loan)
    assert hashlib.sha256(response.content).hexdigest() == recorded.pdf_sha256
    assert "借款合同" in pdf_text(response.content)  # the borrower's language, not the officer's


def test_an_officer_downloads_a_receipt(loan: Loan):
    repayment = repayment_post(
        loan=loan,
        amount=Decimal("300.00"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.BACK_OFFICE,
    )

    response = officer().get(reverse("backoffice:receipt_pdf", args=[loan.pk, repayment.pk]))

    assert response.status_code == 200
    assert "¥300.00" in pdf_text(response.content)


def test_staff_without_the_view_permission_get_nothing(loan: Loan):
    clerk = User.objects.create_user(username="clerk", password="x", is_staff=True)

    response = staff_client(clerk).get(reverse("backoffice:contract_pdf", args=[loan.pk]))

    assert response.status_code == 403
    assert ContractDocument.objects.count() == 0


def test_a_borrower_is_sent_to_the_staff_sign_in(loan: Loan):
    response = Client().get(reverse("backoffice:contract_pdf", args=[loan.pk]))

    assert response.status_code == 302
    assert ContractDocument.objects.count() == 0


def test_the_officer_snippet_links_the_loans_documents(loan: Loan):
    html = render_to_string("documents/_officer_links.html", {"loan": loan})

    assert reverse("backoffice:contract_pdf", args=[loan.pk]) in html
    assert reverse("backoffice:settlement_pdf", args=[loan.pk]) not in html  # not paid off
