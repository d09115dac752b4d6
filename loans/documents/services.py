"""Generating the borrower's PDFs and keeping what proves them (PRODUCT §14)."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import transaction
from django.urls import reverse

from loans.documents.models import ContractDocument, SettlementCertificate
from loans.documents.pdf import bill_pdf, contract_pdf, receipt_pdf, settlement_pdf
from loans.documents.selectors import (
    bill_data_for,
    contract_data_for,
    receipt_data_for,
    settlement_data_for,
)
from loans.errors import LendingError
from loans.revolving.models import Statement
from loans.servicing.models import Loan, LoanStatus, Repayment


class ContractDocumentChanged(LendingError):
    """The contract generated now does not hash to the SHA-256 recorded at signing."""

    code = "contract_document_changed"


class SettlementCertificateRefused(LendingError):
    code = "settlement_certificate_refused"


def _sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


@transaction.atomic
def contract_document_record(*, loan: Loan) -> ContractDocument:
    """Generate the signed contract's PDF once and record its language and SHA-256.

    Called when the borrower signs; a loan signed before documents existed (issue #19) gets its
    record on the first download. An existing record is returned unchanged.
    """
    loan = Loan.objects.select_for_update().select_related("borrower", "product").get(pk=loan.pk)
    existing = ContractDocument.objects.filter(loan=loan).first()
    if existing is not None:
        return existing
    language = loan.borrower.language
    pdf = contract_pdf(contract_data_for(loan=loan), language=language)
    return ContractDocument.objects.create(loan=loan, language=language, pdf_sha256=_sha256(pdf))


def contract_pdf_generate(*, loan: Loan) -> bytes:
    """Return the contract's PDF, the same bytes as at signing.

    Raises ContractDocumentChanged if they are not (a changed font or library version): the
    borrower is never handed a contract different from the one recorded.
    """
    record = contract_document_record(loan=loan)
    pdf = contract_pdf(contract_data_for(loan=record.loan), language=record.language)
    if _sha256(pdf) != record.pdf_sha256:
        raise ContractDocumentChanged(
            f"The contract of loan {loan.pk} no longer hashes to the SHA-256 recorded at "
            "signing; it is not handed out."
        )
    return pdf


def receipt_pdf_generate(*, repayment: Repayment) -> bytes:
    """Return a repayment's receipt in the borrower's language."""
    language = repayment.loan.borrower.language
    return receipt_pdf(receipt_data_for(repayment=repayment), language=language)


def bill_pdf_generate(*, statement: Statement) -> bytes:
    """Return a revolving bill's PDF in the borrower's language (the bills page's figures)."""
    statement = Statement.objects.select_related("account__credit_line__borrower").get(
        pk=statement.pk
    )
    language = statement.account.credit_line.borrower.language
    return bill_pdf(bill_data_for(statement=statement), language=language)


def _code_new() -> str:
    # 80 random bits in base32 (A-Z, 2-7): easy to read out, impossible to guess.
    return base64.b32encode(secrets.token_bytes(10)).decode()


@transaction.atomic
def settlement_certificate_issue(*, loan: Loan) -> SettlementCertificate:
    """Issue the settlement certificate of a paid-off loan (once; later calls return it).

    Raises SettlementCertificateRefused for a loan that is not paid off.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.PAID_OFF:
        raise SettlementCertificateRefused(
            f"Loan {loan.pk} is {loan.status}: only a paid-off loan has a settlement certificate."
        )
    certificate, _ = SettlementCertificate.objects.get_or_create(
        loan=loan, defaults={"code": _code_new()}
    )
    return certificate


def settlement_pdf_generate(*, loan: Loan, site_url: str) -> bytes:
    """Return the settlement certificate of a paid-off loan, issuing it the first time.

    ``site_url`` is the site's address (``https://example.com``) the verification link uses.
    Raises SettlementCertificateRefused.
    """
    certificate = settlement_certificate_issue(loan=loan)
    certificate = SettlementCertificate.objects.select_related("loan__borrower").get(
        pk=certificate.pk
    )
    verify_url = site_url.rstrip("/") + reverse("verify", args=[certificate.code])
    return settlement_pdf(
        settlement_data_for(certificate=certificate),
        language=certificate.loan.borrower.language,
        verify_url=verify_url,
    )
