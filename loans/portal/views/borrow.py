"""Borrowing: the form with its live quote, the contract, and the acceptance that draws."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.domain.quote import Quote
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import LoanDrawRefused, loan_draw, loan_quote_for
from loans.portal.access import borrower_required
from loans.portal.contract import acceptance, contract_for
from loans.portal.forms import AcceptForm, BorrowForm
from loans.portal.selectors import credit_line_of, products_offered
from loans.servicing.models import CreditLine, CreditLineStatus


def _setup(
    borrower: Borrower, data: QueryDict
) -> tuple[CreditLine, LoanProduct, BorrowForm] | None:
    line = credit_line_of(borrower)
    products = list(products_offered())
    if line is None or line.status != CreditLineStatus.ACTIVE or not products:
        return None
    by_code = {p.code: p for p in products}
    product = by_code.get(data.get("product", ""), products[0])
    initial = {
        "product": product.code,
        "amount": min(line.available_amount, Decimal("5000.00")),
        "term": 12 if 12 in product.terms else sorted(product.terms)[0],
        "method": product.methods[0],
    }
    bound = data if "amount" in data else None
    form = BorrowForm(
        bound,
        initial=initial,
        products=products,
        product=product,
        available=line.available_amount,
    )
    return line, product, form


def _quote(form: BorrowForm, line: CreditLine, product: LoanProduct) -> Quote | None:
    if form.is_bound and not form.is_valid():
        return None  # the form says what to correct; a quote for other values would mislead
    data = form.cleaned_data if form.is_bound else form.initial
    try:
        return loan_quote_for(
            product=product,
            principal=Decimal(data["amount"]),
            term=int(data["term"]),
            method=RepaymentMethod(data["method"]),
            start_date=business_date_current(),
            grade=line.grade,
        )
    except (LoanDrawRefused, ValueError, KeyError):
        return None


@borrower_required
def borrow(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    setup = _setup(borrower, request.GET)
    if setup is None:
        messages.info(request, _("You need an approved credit line to borrow."))
        return redirect("portal:credit")
    line, product, form = setup
    quote = _quote(form, line, product)
    context = {"form": form, "line": line, "product": product, "quote": quote}
    return render(request, "portal/borrow.html", context)


@borrower_required
def borrow_quote(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """The quote alone, for the page's script to replace as the inputs change."""
    setup = _setup(borrower, request.GET)
    if setup is None:
        raise Http404
    line, product, form = setup
    context = {"form": form, "quote": _quote(form, line, product), "product": product}
    return render(request, "portal/_quote.html", context)


@borrower_required
def contract(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Show the contract for the chosen terms; a signed POST draws the loan."""
    data = request.POST if request.method == "POST" else request.GET
    setup = _setup(borrower, data)
    if setup is None:
        return redirect("portal:credit")
    line, product, form = setup
    if not form.is_bound or not form.is_valid():
        return render(request, "portal/borrow.html", {"form": form, "line": line, "quote": None})
    as_of = business_date_current()
    quote = _quote(form, line, product)
    if quote is None:
        messages.error(request, _("These terms cannot be offered; choose others."))
        return redirect("portal:borrow")
    shown = contract_for(borrower=borrower, product=product, quote=quote, as_of=as_of)
    accept = AcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"text_hash": shown.text_hash},
        full_name=borrower.full_name,
    )
    if request.method == "POST" and accept.is_valid():
        if accept.cleaned_data["text_hash"] != shown.text_hash:
            messages.error(
                request, _("The terms have changed since you read them. Read them again.")
            )
        else:
            try:
                loan = loan_draw(
                    borrower=borrower,
                    product=product,
                    principal=form.cleaned_data["amount"],
                    term=form.cleaned_data["term"],
                    method=RepaymentMethod(form.cleaned_data["method"]),
                    contract=acceptance(
                        request=request,
                        contract=shown,
                        signature_name=accept.cleaned_data["signature_name"],
                    ),
                    as_of=as_of,
                    user=request.user,  # type: ignore[arg-type]
                )
            except LoanDrawRefused as refusal:
                messages.error(
                    request, _("The loan could not be drawn: %(why)s") % {"why": refusal}
                )
            else:
                messages.success(
                    request, _("Your loan is signed. The money is on its way to your card.")
                )
                return redirect("portal:loan", loan_id=loan.pk)
    context = {
        "form": form,
        "accept": accept,
        "contract": shown,
        "quote": quote,
        "product": product,
        "line": line,
    }
    return render(request, "portal/contract.html", context)
