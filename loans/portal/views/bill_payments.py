"""Paying the revolving account's bills (PRODUCT §10, issue #18): in full, the minimum, or an
amount of the borrower's choice. A check page says what the payment leaves owed (and what would
become credit balance); then the payment gateway, its confirmation and the receipt are the
loan's (``loans.portal.views.loans``: ``fake_gateway``, ``receipt``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Borrower
from loans.payments.models import PaymentPurpose
from loans.payments.services import PaymentRefused, bill_payment_start, payment_backend
from loans.portal.access import borrower_required
from loans.portal.fields import AmountField
from loans.portal.forms import PortalForm
from loans.portal.views.revolving import bills_account
from loans.revolving.selectors import RevolvingOwed, revolving_owed_for

FIXED = {PaymentPurpose.BILL_IN_FULL, PaymentPurpose.BILL_MINIMUM}


class BillAmountForm(PortalForm):
    """An amount of the borrower's choice: ¥0.01 up to ``RevolvingOwed.most_amount``."""

    amount = AmountField(
        label=gettext_lazy("Amount (¥)"),
        max_digits=12,
        min_value=Decimal("0.01"),
        help_text=gettext_lazy(
            "Beyond what you owe, the rest is kept as credit balance for your next purchases."
        ),
    )

    def __init__(self, *args: object, owed: RevolvingOwed, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.owed = owed

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount > self.owed.most_amount:
            raise forms.ValidationError(
                _(
                    "You can pay at most %(most)s now: what you owe, %(owed)s, and up to your "
                    "credit limit more as credit balance."
                )
                % {
                    "most": f"¥{self.owed.most_amount:,.2f}",
                    "owed": f"¥{self.owed.everything_amount:,.2f}",
                }
            )
        return amount


class BillPaymentChoiceForm(PortalForm):
    """The checked choice: what to pay and the amount the borrower saw."""

    purpose = forms.ChoiceField(
        choices=[(p.value, p.label) for p in (*FIXED, PaymentPurpose.AMOUNT)],
        widget=forms.HiddenInput,
    )
    amount = forms.DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput)


@borrower_required
def bill_pay(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """``?purpose=BILL_IN_FULL`` or ``BILL_MINIMUM``: the check page at once; otherwise the
    amount form (GET), checked on POST and then the check page."""
    account = bills_account(borrower)
    owed = revolving_owed_for(account=account)
    purpose = request.GET.get("purpose", "")
    if request.method != "POST" and purpose in FIXED:
        fixed = PaymentPurpose(purpose)
        amount = (
            owed.in_full_amount if fixed == PaymentPurpose.BILL_IN_FULL else owed.minimum_amount
        )
        if amount <= 0:
            messages.info(request, _nothing_due(fixed))
            return redirect("portal:bills")
        return _review(request, owed=owed, purpose=fixed, amount=amount)
    form = BillAmountForm(request.POST or None, owed=owed)
    if request.method == "POST" and form.is_valid():
        return _review(
            request, owed=owed, purpose=PaymentPurpose.AMOUNT, amount=form.cleaned_data["amount"]
        )
    return render(request, "portal/bill_pay.html", {"owed": owed, "form": form})


def _nothing_due(purpose: PaymentPurpose) -> str:
    if purpose == PaymentPurpose.BILL_MINIMUM:
        return _("The minimum is paid: nothing more is due by the due date.")
    return _("Nothing is owed on your bills now.")


def _review(
    request: HttpRequest, *, owed: RevolvingOwed, purpose: PaymentPurpose, amount: Decimal
) -> HttpResponse:
    context = {
        "owed": owed,
        "purpose": purpose,
        "after": owed.after(amount),
        "choice": BillPaymentChoiceForm(initial={"purpose": purpose.value, "amount": amount}),
    }
    return render(request, "portal/bill_pay_review.html", context)


@borrower_required
@require_POST
def bill_pay_start(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Open the payment and send the borrower to the gateway; back to the check page when what
    is owed changed since it was shown."""
    account = bills_account(borrower)
    form = BillPaymentChoiceForm(request.POST)
    if not form.is_valid():
        return redirect("portal:bill_pay")
    purpose = PaymentPurpose(form.cleaned_data["purpose"])
    try:
        payment = bill_payment_start(
            account=account, purpose=purpose, amount=form.cleaned_data["amount"]
        )
    except PaymentRefused:
        messages.error(request, _("What you owe has changed since you checked. Check it again."))
        return redirect("portal:bills")
    return redirect(payment_backend().checkout_url(payment))
