"""A loan's page, repaying it (next installment, any amount, payoff), the fake gateway and
receipts (of a loan's repayment and of a payment on the bills, ``bill_payments.py``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.domain.prepayment import PrepaymentMode
from loans.payments.models import PaymentPurpose, PaymentStatus, PortalPayment
from loans.payments.services import (
    FakePaymentGateway,
    PaymentRefused,
    payment_backend,
    payment_cancel,
    payment_confirm,
    payment_start,
)
from loans.portal.access import borrower_required
from loans.portal.forms import PaymentChoiceForm, RepayForm
from loans.portal.selectors import loan_of, loan_page_for, payment_of, repayment_totals
from loans.revolving.models import RevolvingAccount
from loans.revolving.selectors import revolving_owed_for, revolving_payment_parts
from loans.revolving.services.payments import RevolvingPaymentRefused
from loans.servicing.models import Loan, LoanStatus
from loans.servicing.selectors import loan_amounts_due
from loans.servicing.services.repayment_plans import RepaymentRefused
from loans.servicing.services.repayment_preview import repayment_preview


@borrower_required
def loan_detail(request: HttpRequest, loan_id: int, *, borrower: Borrower) -> HttpResponse:
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    page = loan_page_for(loan=loan, as_of=business_date_current())
    context = {
        "page": page,
        "loan": loan,
        "auto_disburse_limit": settings.LENDPORTAL_AUTO_DISBURSE_LIMIT,
    }
    return render(request, "portal/loan.html", context)


@borrower_required
def repay(request: HttpRequest, loan_id: int, *, borrower: Borrower) -> HttpResponse:
    """Choose what to pay; POST shows what it will do (and a prepayment's new schedules)."""
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    if loan.status != LoanStatus.ACTIVE:
        messages.info(request, _("This loan takes no more repayments."))
        return redirect("portal:loan", loan_id=loan.pk)
    as_of = business_date_current()
    due = loan_amounts_due(loan=loan, as_of=as_of)
    form = RepayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        purpose = PaymentPurpose(form.cleaned_data["purpose"])
        amount = {
            PaymentPurpose.NEXT_INSTALLMENT: due.next_amount,
            PaymentPurpose.PAYOFF: due.payoff,
        }.get(purpose, form.cleaned_data["amount"])
        if amount > due.payoff:
            form.add_error(
                "amount",
                _("That is more than the payoff amount, %(payoff)s.")
                % {"payoff": f"¥{due.payoff:,.2f}"},
            )
        elif amount <= 0:
            form.add_error(None, _("Nothing is due now."))
        else:
            return _review(request, loan=loan, purpose=purpose, amount=amount)
    return render(request, "portal/repay.html", {"loan": loan, "due": due, "form": form})


def _review(
    request: HttpRequest, *, loan: Loan, purpose: PaymentPurpose, amount: Decimal
) -> HttpResponse:
    as_of = business_date_current()
    try:
        plain = repayment_preview(loan=loan, amount=amount, as_of=as_of)
        options = {}
        if purpose == PaymentPurpose.AMOUNT and not plain.pays_off and plain.advance > 0:
            for mode in PrepaymentMode:
                options[mode.value] = repayment_preview(
                    loan=loan, amount=amount, as_of=as_of, prepayment_mode=mode
                )
    except RepaymentRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("portal:repay", loan_id=loan.pk)
    choice = PaymentChoiceForm(
        initial={
            "purpose": purpose,
            "amount": amount,
            "prepayment_mode": PrepaymentMode.SHORTEN_TERM if options else "",
        }
    )
    context = {
        "loan": loan,
        "purpose": purpose,
        "amount": amount,
        "plain": plain,
        "shorten": options.get(PrepaymentMode.SHORTEN_TERM),
        "lower": options.get(PrepaymentMode.LOWER_INSTALLMENT),
        # What the payment settles now, the same in every choice (the prepaid principal is
        # what the choices are about, said once above them).
        "paid_now": {
            component: value
            for component, value in plain.allocated.items()
            if component != "PREPAID_PRINCIPAL"
        },
        # The prepayment choices in the order shown, shorter term (the default) first.
        "options": [
            (mode.value, options[mode.value], title)
            for mode, title in (
                (PrepaymentMode.SHORTEN_TERM, _("Keep the installment, finish sooner")),
                (PrepaymentMode.LOWER_INSTALLMENT, _("Keep the end date, pay less each month")),
            )
            if mode.value in options
        ],
        "choice": choice,
    }
    return render(request, "portal/repay_review.html", context)


@borrower_required
@require_POST
def repay_start(request: HttpRequest, loan_id: int, *, borrower: Borrower) -> HttpResponse:
    """Open the payment and send the borrower to the gateway."""
    loan = loan_of(borrower=borrower, loan_id=loan_id)
    form = PaymentChoiceForm(request.POST)
    if not form.is_valid():
        return redirect("portal:repay", loan_id=loan.pk)
    purpose = PaymentPurpose(form.cleaned_data["purpose"])
    mode = form.cleaned_data.get("prepayment_mode") or None
    try:
        payment = payment_start(
            loan=loan,
            purpose=purpose,
            as_of=business_date_current(),
            amount=form.cleaned_data.get("amount") if purpose == PaymentPurpose.AMOUNT else None,
            prepayment_mode=PrepaymentMode(mode) if mode else None,
        )
    except PaymentRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("portal:repay", loan_id=loan.pk)
    return redirect(payment_backend().checkout_url(payment))


@borrower_required
def fake_gateway(request: HttpRequest, token: str, *, borrower: Borrower) -> HttpResponse:
    """The development gateway's "pay" page: Pay posts the repayment, Cancel drops it."""
    if payment_backend().name != FakePaymentGateway.name:
        raise Http404
    payment = payment_of(borrower=borrower, token=token)
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        if request.POST.get("action") == "pay":
            try:
                payment_confirm(
                    payment=payment,
                    gateway_reference=f"FAKE-{payment.pk:010d}",
                    as_of=business_date_current(),
                )
            except (PaymentRefused, RepaymentRefused, RevolvingPaymentRefused) as refusal:
                messages.error(request, str(refusal))
                return _paid_for(payment)
            messages.success(request, _("Payment received. Thank you."))
            return redirect("portal:receipt", token=payment.token)
        payment_cancel(payment=payment)
        messages.info(request, _("The payment was cancelled; nothing was charged."))
        return _paid_for(payment)
    if payment.status == PaymentStatus.PAID:
        return redirect("portal:receipt", token=payment.token)
    return render(request, "portal/fake_gateway.html", {"payment": payment})


def _paid_for(payment: PortalPayment) -> HttpResponse:
    """Back to what the payment was for: the loan's page or the bills."""
    if payment.loan_id is None:
        return redirect("portal:bills")
    return redirect("portal:loan", loan_id=payment.loan_id)


@borrower_required
def receipt(request: HttpRequest, token: str, *, borrower: Borrower) -> HttpResponse:
    payment = payment_of(borrower=borrower, token=token)
    if payment.account is not None:
        return _bill_receipt(request, payment, payment.account)
    if payment.status != PaymentStatus.PAID or payment.repayment is None:
        raise Http404
    context = {
        "payment": payment,
        "repayment": payment.repayment,
        "totals": repayment_totals(payment.repayment),
    }
    return render(request, "portal/receipt.html", context)


def _bill_receipt(
    request: HttpRequest, payment: PortalPayment, account: RevolvingAccount
) -> HttpResponse:
    """A payment on the bills: where it went, and what the bills still owe now."""
    if payment.status != PaymentStatus.PAID or payment.revolving_payment is None:
        raise Http404
    context = {
        "payment": payment,
        "posted": payment.revolving_payment,
        "paid": revolving_payment_parts(payment.revolving_payment),
        "owed": revolving_owed_for(account=account),
    }
    return render(request, "portal/bill_receipt.html", context)
