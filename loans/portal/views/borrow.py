"""Borrowing: the form with its live quote, the contract, and the acceptance that draws."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.documents.services import contract_document_record
from loans.domain.quote import Quote
from loans.domain.schedule import RepaymentMethod
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import (
    DrawnAlready,
    LoanDrawDateNotOpen,
    LoanDrawRefused,
    loan_draw,
    loan_quote_for,
)
from loans.portal.access import borrower_required
from loans.portal.contract import acceptance, contract_for
from loans.portal.forms import AcceptForm, BorrowForm
from loans.portal.selectors import credit_line_of, payout_expected_by, products_offered
from loans.portal.templatetags.portal import day, yuan
from loans.servicing.models import CreditLine, CreditLineStatus, FreezeReason, Loan
from loans.servicing.selectors import borrower_past_due, loan_drawn_with


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


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the borrower cannot borrow now, in their language, and the loan to repay if any."""

    text: str
    loan_id: int | None = None


def _refusal(borrower: Borrower) -> Refusal | None:
    line = credit_line_of(borrower)
    if line is not None and line.status == CreditLineStatus.FROZEN:
        if line.frozen_reason == FreezeReason.WRITTEN_OFF:
            return Refusal(_("Your credit line is closed: a loan of yours was written off."))
        return Refusal(
            _(
                "Your credit line is frozen since %(date)s because a loan fell too far behind. "
                "Repay what is overdue, then contact us to unfreeze it."
            )
            % {"date": date_format(line.frozen_on) if line.frozen_on else "-"}
        )
    late = borrower_past_due(borrower=borrower, as_of=business_date_current())
    if late is None:
        return None
    if late.due_date is None:
        return Refusal(_("A loan of yours was written off: no new credit can be given."))
    return Refusal(
        _("An installment due on %(date)s is unpaid. Repay it, and you can borrow again at once.")
        % {"date": date_format(late.due_date)},
        loan_id=late.loan_id,
    )


@borrower_required
def borrow(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    refusal = _refusal(borrower)
    if refusal is not None:
        return render(request, "portal/borrow.html", {"refusal": refusal})
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
    setup = None if _refusal(borrower) else _setup(borrower, request.GET)
    if setup is None:
        raise Http404
    line, product, form = setup
    context = {"form": form, "quote": _quote(form, line, product), "product": product}
    return render(request, "portal/_quote.html", context)


@borrower_required
def contract(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Show the contract for the chosen terms; a signed POST draws the loan."""
    data = request.POST if request.method == "POST" else request.GET
    if (resubmitted := _drawn_already(request, borrower, data)) is not None:
        return resubmitted
    if _refusal(borrower) is not None:
        return redirect("portal:borrow")  # which says why
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
        initial={"text_hash": shown.text_hash, "draw_token": secrets.token_urlsafe(24)},
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
                    draw_key=accept.cleaned_data["draw_token"],
                )
            except DrawnAlready as drawn:
                return _to_drawn_loan(request, drawn.loan.pk)
            except LoanDrawDateNotOpen:
                # Close of business moved the date while the form was posted: the contract
                # shown carries the old date, so the borrower reads and signs today's.
                messages.error(
                    request,
                    _(
                        "The business day changed while you were signing. Nothing was drawn: "
                        "read the contract again and sign it."
                    ),
                )
                terms = urlencode({name: form.data[name] for name in form.fields})
                return redirect(f"{request.path}?{terms}")
            except LoanDrawRefused as refusal:
                messages.error(
                    request, _("The loan could not be drawn: %(why)s") % {"why": refusal}
                )
            else:
                contract_document_record(loan=loan)  # the contract PDF's SHA-256 (#19)
                messages.success(request, _signed_message(loan))
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


def _signed_message(loan: Loan) -> str:
    """What the borrower is told on signing: the money is sent, or waits for two officers."""
    expected_by = payout_expected_by(loan)
    if expected_by is None:
        return _("Your loan is signed. The money is on its way to your card.")
    return _(
        "Your loan is signed. Loans above %(limit)s are checked by a second officer before the "
        "money is sent: expect it by %(date)s."
    ) % {
        "limit": yuan(settings.LENDPORTAL_AUTO_DISBURSE_LIMIT),
        "date": day(expected_by),
    }


def _drawn_already(
    request: HttpRequest, borrower: Borrower, data: QueryDict
) -> HttpResponse | None:
    """A resubmitted signed form (double tap, back and submit): show the loan it made."""
    token = data.get("draw_token", "") if request.method == "POST" else ""
    loan_id = loan_drawn_with(borrower=borrower, draw_key=token)
    return None if loan_id is None else _to_drawn_loan(request, loan_id)


def _to_drawn_loan(request: HttpRequest, loan_id: int) -> HttpResponse:
    messages.info(request, _("You signed this contract already: here is the loan it made."))
    return redirect("portal:loan", loan_id=loan_id)
