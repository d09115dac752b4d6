"""A loan's PDFs for officers (issue #19): staff who may view loans download what the borrower
can; the back office's loan page links them (templates/documents/_officer_links.html)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from loans.documents.services import (
    SettlementCertificateRefused,
    bill_pdf_generate,
    contract_pdf_generate,
    receipt_pdf_generate,
    settlement_pdf_generate,
)
from loans.revolving.models import Statement
from loans.servicing.models import Loan, Repayment

VIEW_LOAN = "servicing.view_loan"


def _loan(request: HttpRequest, loan_id: int) -> Loan:
    if not request.user.has_perm(VIEW_LOAN):
        raise PermissionDenied
    return get_object_or_404(Loan.objects.select_related("borrower", "product"), pk=loan_id)


def _pdf(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def contract_pdf_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan(request, loan_id)
    return _pdf(contract_pdf_generate(loan=loan), filename=f"contract-{loan.pk}.pdf")


def receipt_pdf_view(request: HttpRequest, loan_id: int, repayment_id: int) -> HttpResponse:
    loan = _loan(request, loan_id)
    repayment = get_object_or_404(
        Repayment.objects.select_related("loan"), loan=loan, pk=repayment_id
    )
    return _pdf(receipt_pdf_generate(repayment=repayment), filename=f"receipt-{repayment.pk}.pdf")


def settlement_pdf_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan(request, loan_id)
    domain = settings.LENDPORTAL_SITE_DOMAIN
    site_url = f"https://{domain}" if domain else request.build_absolute_uri("/")
    try:
        pdf = settlement_pdf_generate(loan=loan, site_url=site_url)
    except SettlementCertificateRefused as refusal:
        raise Http404 from refusal
    return _pdf(pdf, filename=f"settlement-{loan.pk}.pdf")


VIEW_BILL = "revolving.view_statement"


def bill_pdf_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    """A revolving account's bill, for staff who may view bills (the account page links it)."""
    if not request.user.has_perm(VIEW_BILL):
        raise PermissionDenied
    statement = get_object_or_404(Statement, pk=statement_id)
    return _pdf(bill_pdf_generate(statement=statement), filename=f"bill-{statement.pk}.pdf")
