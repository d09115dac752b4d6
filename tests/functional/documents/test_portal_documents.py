"""The borrower's PDFs in the portal (issue #19, PRODUCT §14): the contract recorded at signing,
its figures exactly as the loan page shows them, receipts, the settlement certificate and its
public check; another borrower gets a 404 for every one of them."""

from __future__ import annotations

import hashlib
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.documents.models import ContractDocument, SettlementCertificate
from loans.origination.models import LoanProduct
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentChannel
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.repayments import repayment_post, repayment_reverse
from tests.factories.loans import ProductFactory, draw
from tests.functional.portal.conftest import TODAY, borrower_for, signed_in, verified_user
from tests.integration.documents.pdfs import fonts_of, pdf_text

pytestmark = pytest.mark.django_db

TERMS = {"product": "CASH", "amount": "5000", "term": "12", "method": "EQUAL_INSTALLMENT"}


@pytest.fixture(autouse=True)
def business_date(db) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})


@pytest.fixture
def product(db) -> LoanProduct:
    return ProductFactory.create()


def owner(language: str, email: str = "wang.fang@example.com") -> tuple[Client, Borrower]:
    user = verified_user(email)
    borrower = borrower_for(user, full_name="王芳", language=language)
    return signed_in(user, "en" if language == "en" else "zh-hans"), borrower


def sign(client: Client, borrower: Borrower) -> Loan:
    """Borrow 5,000 over 12 months through the portal's contract page, as a borrower does."""
    page = client.get(reverse("portal:contract"), TERMS).text
    fields = dict(re.findall(r'name="(text_hash|draw_token)" value="([^"]+)"', page))
    response = client.post(
        reverse("portal:contract"),
        TERMS | fields | {"signature_name": borrower.full_name, "consent": "on"},
    )
    assert response.status_code == 302
    return Loan.objects.get(borrower=borrower)


def page_figures(page: str) -> list[str]:
    """The APR, the amount and every schedule figure of the loan page, as the page writes them."""
    apr = re.search(r'<p class="apr">([^<]+)</p>', page)
    assert apr is not None
    schedule = page[page.index('<table class="schedule">') : page.index("</table>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", schedule, flags=re.S)
    figures = [apr.group(1), "¥5,000.00"]
    for cell in cells:
        figures += [part.strip() for part in re.split(r"<br>|<span.*", cell) if part.strip()]
    return [html.unescape(figure) for figure in figures]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_contract_pdf_shows_the_figures_of_the_loan_page_and_is_recorded_at_signing(
    product: LoanProduct, language: str
):
    client, borrower = owner(language)
    loan = sign(client, borrower)
    recorded = ContractDocument.objects.get(loan=loan)  # at signing, before any download
    page = client.get(reverse("portal:loan", args=[loan.pk])).text

    first = client.get(reverse("portal:contract_pdf", args=[loan.pk]))
    second = client.get(reverse("portal:contract_pdf", args=[loan.pk]))

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == recorded.pdf_sha256
    assert recorded.language == language
    text = pdf_text(first.content)
    figures = page_figures(page)
    assert len(figures) == 2 + 12 * 5  # APR, amount; per row: no., date, total, principal, interest
    missing = [figure for figure in figures if figure not in text]
    assert missing == []
    assert ("借款合同" in text) == (language == "zh-hans")
    assert "王芳" in text
    assert all(fonts_of(first.content).values())
    assert reverse("portal:contract_pdf", args=[loan.pk]) in page


def test_receipts_for_each_repayment_from_the_loan_page(product: LoanProduct):
    client, borrower = owner("en")
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    repayment = repayment_post(
        loan=loan,
        amount=Decimal("1234.56"),
        value_date=TODAY,
        as_of=TODAY,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    page = client.get(reverse("portal:loan", args=[loan.pk])).text
    url = reverse("portal:receipt_pdf", args=[loan.pk, repayment.pk])

    response = client.get(url)

    assert url in page
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "¥1,234.56" in text
    assert "15 January 2027" in text


def paid_off(borrower: Borrower) -> Loan:
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)
    repayment_post(
        loan=loan,
        amount=loan_payoff_quote(loan=loan, as_of=TODAY).total,
        value_date=TODAY,
        as_of=TODAY,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF
    return loan


def test_the_settlement_certificate_and_its_public_check(product: LoanProduct):
    client, borrower = owner("zh-hans")
    loan = paid_off(borrower)
    page = client.get(reverse("portal:loan", args=[loan.pk])).text

    pdf = client.get(reverse("portal:settlement_pdf", args=[loan.pk]))

    assert reverse("portal:settlement_pdf", args=[loan.pk]) in page
    assert pdf.status_code == 200
    code = SettlementCertificate.objects.get(loan=loan).code
    text = pdf_text(pdf.content)
    assert "结清证明" in text
    assert code in text
    assert f"/verify/{code}" in text
    check = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("verify", args=[code]))
    assert check.status_code == 200
    shown = check.text
    assert "王*" in shown
    assert "王芳" not in shown
    assert "Settled" in shown
    assert "15 January 2027" in shown
    assert borrower.id_number_masked not in shown
    assert borrower.id_number_masked[-4:] not in shown
    assert "¥" not in shown
    assert "5,000" not in shown
    assert "5000" not in shown


def test_a_certificate_stops_verifying_when_the_loan_is_reopened(product: LoanProduct):
    client, borrower = owner("en")
    loan = paid_off(borrower)
    assert client.get(reverse("portal:settlement_pdf", args=[loan.pk])).status_code == 200
    code = SettlementCertificate.objects.get(loan=loan).code

    repayment_reverse(repayment=Repayment.objects.get(loan=loan), as_of=TODAY)
    check = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("verify", args=[code]))

    assert "Not settled" in check.text
    assert "Settled:" not in check.text
    assert client.get(reverse("portal:settlement_pdf", args=[loan.pk])).status_code == 404


def test_an_unknown_code_is_not_verified():
    check = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("verify", args=["AAAAAAAAAAAAAAAA"]))

    assert check.status_code == 404
    assert "No certificate has this code" in check.text
    assert "Settled" not in check.text


def test_an_active_loan_has_no_settlement_certificate(product: LoanProduct):
    client, borrower = owner("en")
    loan = draw(borrower, principal="5000.00", term=12, as_of=TODAY)

    response = client.get(reverse("portal:settlement_pdf", args=[loan.pk]))

    assert response.status_code == 404
    assert SettlementCertificate.objects.count() == 0
    assert (
        reverse("portal:settlement_pdf", args=[loan.pk])
        not in client.get(reverse("portal:loan", args=[loan.pk])).text
    )


def test_another_borrower_gets_a_404_for_every_document(product: LoanProduct):
    _, borrower = owner("en")
    loan = paid_off(borrower)
    repayment = Repayment.objects.get(loan=loan)
    other, _ = owner("en", email="li.na@example.com")

    urls = [
        reverse("portal:contract_pdf", args=[loan.pk]),
        reverse("portal:receipt_pdf", args=[loan.pk, repayment.pk]),
        reverse("portal:settlement_pdf", args=[loan.pk]),
    ]

    assert [other.get(url).status_code for url in urls] == [404, 404, 404]
    assert SettlementCertificate.objects.count() == 0
    assert ContractDocument.objects.count() == 0
