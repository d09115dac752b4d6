"""The borrower's PDFs (issue #19, PRODUCT §14): the contract the same bytes as recorded at
signing, whatever happens to the loan later; CJK fonts embedded; receipts; certificates."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest

from loans.documents.models import ContractDocument, SettlementCertificate
from loans.documents.services import (
    ContractDocumentChanged,
    SettlementCertificateRefused,
    contract_document_record,
    contract_pdf_generate,
    receipt_pdf_generate,
    settlement_certificate_issue,
    settlement_pdf_generate,
)
from loans.domain.prepayment import PrepaymentMode
from loans.servicing.models import Loan, LoanStatus, RepaymentChannel
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.repayments import repayment_post
from tests.factories.accounts import borrower_create
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, credit_line_for, draw
from tests.integration.documents.pdfs import fonts_of, pdf_text

pytestmark = pytest.mark.django_db


def loan_of(language: str = "zh-hans") -> Loan:
    """A loan of 5,000 over 6 months drawn (and disbursed) on DRAW_DATE, the date still open."""
    borrower = borrower_create(full_name="王芳", language=language)
    credit_line_for(borrower)
    loan = draw(borrower, principal="5000.00", term=6)
    business_date_set(DRAW_DATE)
    return loan


def test_the_contract_is_the_same_bytes_as_recorded_even_after_a_prepayment():
    loan = loan_of()
    recorded = contract_document_record(loan=loan)
    first = contract_pdf_generate(loan=loan)

    # A prepayment re-amortises the live schedule: the contract signed must not change.
    repayment_post(
        loan=loan,
        amount=Decimal("2000.00"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.BACK_OFFICE,
        prepayment_mode=PrepaymentMode.LOWER_INSTALLMENT,
    )
    second = contract_pdf_generate(loan=Loan.objects.get(pk=loan.pk))

    assert first == second
    assert hashlib.sha256(second).hexdigest() == recorded.pdf_sha256
    assert ContractDocument.objects.get(loan=loan).pdf_sha256 == recorded.pdf_sha256
    assert first.startswith(b"%PDF-")


def test_the_contract_is_recorded_once_in_the_language_of_signing():
    loan = loan_of()
    recorded = contract_document_record(loan=loan)
    loan.borrower.language = "en"
    loan.borrower.save(update_fields=["language"])

    again = contract_document_record(loan=Loan.objects.get(pk=loan.pk))

    assert (again.pk, again.language, again.pdf_sha256) == (
        recorded.pk,
        "zh-hans",
        recorded.pdf_sha256,
    )
    assert "借款合同" in pdf_text(contract_pdf_generate(loan=loan))


def test_a_contract_that_no_longer_hashes_as_recorded_is_not_handed_out():
    loan = loan_of()
    contract_document_record(loan=loan)
    ContractDocument.objects.filter(loan=loan).update(pdf_sha256="0" * 64)

    with pytest.raises(ContractDocumentChanged):
        contract_pdf_generate(loan=loan)


def test_the_chinese_contract_shows_chinese_text_in_an_embedded_font():
    loan = loan_of("zh-hans")
    pdf = contract_pdf_generate(loan=loan)
    text = pdf_text(pdf)

    assert "借款合同" in text
    assert "王芳" in text
    assert loan.borrower.id_number_masked in text
    assert "年化综合成本" in text or "年化利率" in text
    fonts = fonts_of(pdf)
    assert fonts, "the PDF names no font"
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert all(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in fonts), fonts  # subsets


def test_the_english_contract_shows_the_schedule_and_apr_as_the_portal_formats_them():
    loan = loan_of("en")
    text = pdf_text(contract_pdf_generate(loan=loan))
    apr = (loan.apr * 100).quantize(Decimal("0.01"))

    assert "Loan contract" in text
    assert f"{apr}%" in text
    assert "¥5,000.00" in text
    for installment in loan.installments.order_by("number"):
        due = installment.due_date
        assert f"{due.day} {due.strftime('%B')} {due.year}" in text
        total = installment.principal_amount + installment.interest_amount
        assert f"¥{total:,.2f}" in text
        assert f"¥{installment.principal_amount:,.2f}" in text


def test_a_receipt_shows_the_amount_and_where_it_went():
    loan = loan_of("en")
    first = loan.installments.get(number=1)
    due = first.principal_amount + first.interest_amount
    business_date_set(first.due_date)
    repayment = repayment_post(
        loan=loan,
        amount=due,
        value_date=first.due_date,
        as_of=first.due_date,
        channel=RepaymentChannel.BACK_OFFICE,
        reference="BANK-42",
    )

    text = pdf_text(receipt_pdf_generate(repayment=repayment))

    assert "Repayment receipt" in text
    assert f"¥{due:,.2f}" in text
    assert f"¥{first.principal_amount:,.2f}" in text
    assert f"¥{first.interest_amount:,.2f}" in text
    assert "BANK-42" in text
    assert f"no. {loan.pk}" in text


def test_the_chinese_receipt_is_in_chinese_with_an_embedded_font():
    loan = loan_of("zh-hans")
    repayment = repayment_post(
        loan=loan,
        amount=Decimal("100.00"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    pdf = receipt_pdf_generate(repayment=repayment)

    assert "还款回单" in pdf_text(pdf)
    assert all(fonts_of(pdf).values())


def test_only_a_paid_off_loan_has_a_settlement_certificate():
    loan = loan_of()

    with pytest.raises(SettlementCertificateRefused):
        settlement_certificate_issue(loan=loan)
    assert SettlementCertificate.objects.count() == 0


def test_a_paid_off_loan_gets_one_certificate_with_an_unguessable_code():
    loan = loan_of()
    payoff = loan_payoff_quote(loan=loan, as_of=DRAW_DATE).total
    repayment_post(
        loan=loan,
        amount=payoff,
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.BACK_OFFICE,
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF

    certificate = settlement_certificate_issue(loan=loan)
    again = settlement_certificate_issue(loan=loan)
    text = pdf_text(settlement_pdf_generate(loan=loan, site_url="https://lendportal.example"))

    assert again.pk == certificate.pk
    assert re.fullmatch(r"[A-Z2-7]{16}", certificate.code)
    assert str(loan.pk) not in certificate.code
    assert "结清证明" in text
    assert certificate.code in text
    assert f"https://lendportal.example/verify/{certificate.code}" in text
