"""The borrower's PDFs (issue #19) and the public check of a settlement certificate.

Each PDF is the owner's only: another borrower's loan or repayment is a 404, as a missing one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.models import Borrower
from loans.documents.selectors import verification_for
from loans.documents.services import (
    SettlementCertificateRefused,
    bill_pdf_generate,
    contract_pdf_generate,
    receipt_pdf_generate,
    settlement_pdf_generate,
)
from loans.portal.access import borrower_required
from loans.portal.selectors import loan_of
from loans.revolving.models import Statement
from loans.revolving.selectors import revolving_account_of


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def site_url(request: HttpRequest) -> str:
    """The site's address for links printed on paper: the configured domain, or this host."""
    domain = settings.LENDPORTAL_SITE_DOMAIN
    return f"https://{domain}" if domain else request.build_absolute_uri("/")


@borrower_required
def contract_download(request: HttpRequest, loan_id: int, *, borrower: Borrower) -> HttpResponse:
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    return pdf_response(contract_pdf_generate(loan=loan), filename=f"contract-{loan.pk}.pdf")


@borrower_required
def receipt_download(
    request: HttpRequest, loan_id: int, repayment_id: int, *, borrower: Borrower
) -> HttpResponse:
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    repayment = loan.repayments.filter(pk=repayment_id).first()
    if repayment is None:
        raise Http404
    return pdf_response(
        receipt_pdf_generate(repayment=repayment), filename=f"receipt-{repayment.pk}.pdf"
    )


@borrower_required
def settlement_download(request: HttpRequest, loan_id: int, *, borrower: Borrower) -> HttpResponse:
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    try:
        pdf = settlement_pdf_generate(loan=loan, site_url=site_url(request))
    except SettlementCertificateRefused as refusal:
        raise Http404 from refusal
    return pdf_response(pdf, filename=f"settlement-{loan.pk}.pdf")


@borrower_required
def bill_download(request: HttpRequest, statement_id: int, *, borrower: Borrower) -> HttpResponse:
    account = revolving_account_of(borrower=borrower)
    statement = Statement.objects.filter(account=account, pk=statement_id).first()
    if account is None or statement is None:
        raise Http404
    return pdf_response(bill_pdf_generate(statement=statement), filename=f"bill-{statement.pk}.pdf")


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone may check a certificate's code: the masked name, the dates, settled or not."""
    verification = verification_for(code=code)
    return render(
        request,
        "documents/verify.html",
        {"verification": verification},
        status=200 if verification is not None else 404,
    )
