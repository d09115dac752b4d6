"""The borrower's revolving account (PRODUCT §10): the latest bill and what it holds, the
purchases not billed yet, the earlier bills, the installment plans; and turning the latest bill
into installments (账单分期): choose the amount and the number of months, see the APR, the fee
and each month's payment, then confirm."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.portal.access import borrower_required
from loans.portal.fields import AmountField
from loans.portal.forms import PortalForm
from loans.revolving.models import RevolvingAccount, Statement
from loans.revolving.selectors import revolving_account_of, revolving_board_for
from loans.revolving.services.installments import (
    BillInstallmentRefused,
    PlanQuote,
    bill_installment_create,
    bill_installment_open,
    bill_installment_quote,
)

TERMS = (3, 6, 9, 12)


@borrower_required
def bills(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Show the bills page; 404 for a borrower without a revolving account."""
    account = bills_account(borrower)
    board = revolving_board_for(account=account)
    convertible = bill_installment_open(account=account, as_of=business_date_current())
    return render(request, "portal/bills.html", {"board": board, "convertible": convertible})


def bills_account(borrower: Borrower) -> RevolvingAccount:
    """The borrower's revolving account; 404 without one."""
    account = revolving_account_of(borrower=borrower)
    if account is None:
        raise Http404("No revolving account.")
    return account


class BillInstallmentForm(PortalForm):
    amount = AmountField(
        label=gettext_lazy("Amount to spread"),
        help_text=gettext_lazy("At least ¥100, up to what this bill's purchases still owe."),
    )
    term = forms.TypedChoiceField(
        label=gettext_lazy("Number of months"),
        coerce=int,
        choices=[
            (3, gettext_lazy("3 months")),
            (6, gettext_lazy("6 months")),
            (9, gettext_lazy("9 months")),
            (12, gettext_lazy("12 months")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, bill: Statement, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.bill = bill

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount < Decimal("100.00"):
            raise forms.ValidationError(_("Spread at least ¥100."))
        if amount > self.bill.revolving_principal_unpaid_amount:
            raise forms.ValidationError(
                _("At most ¥%(most)s can be spread.")
                % {"most": f"{self.bill.revolving_principal_unpaid_amount:,.2f}"}
            )
        return amount


@borrower_required
def bill_installment(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    """Choose (GET), review the quote (GET with amount and term) and confirm (POST)."""
    account = bills_account(borrower)
    bill = bill_installment_open(account=account, as_of=business_date_current())
    if bill is None:
        messages.info(request, _("No bill can be turned into installments now."))
        return redirect("portal:bills")
    bill.account = account
    data = request.POST if request.method == "POST" else (request.GET or None)
    initial = {"amount": bill.revolving_principal_unpaid_amount, "term": 12}
    form = BillInstallmentForm(data, bill=bill, initial=initial)
    quote: PlanQuote | None = None
    if form.is_bound and form.is_valid():
        amount, term = form.cleaned_data["amount"], form.cleaned_data["term"]
        try:
            quote = bill_installment_quote(statement=bill, amount=amount, term=term)
            if request.method == "POST":
                return _confirm(request, account, bill, amount, term)
        except BillInstallmentRefused as exc:
            form.add_error(None, _refusal(exc))
            quote = None
    context = {
        "bill": bill,
        "form": form,
        "quote": quote,
        "options": _options(bill),
        "reference": request.POST.get("reference") or uuid.uuid4().hex,
    }
    return render(request, "portal/bill_installment.html", context)


def _confirm(
    request: HttpRequest, account: RevolvingAccount, bill: Statement, amount: Decimal, term: int
) -> HttpResponse:
    reference = request.POST.get("reference", "")[:64] or uuid.uuid4().hex
    bill_installment_create(
        account_id=account.pk,
        statement_date=bill.statement_date,
        amount=amount,
        term=term,
        reference=f"portal-{reference}",
        now=timezone.now(),
    )
    messages.success(
        request,
        _("Done: ¥%(amount)s of your bill is now in %(months)s monthly installments.")
        % {"amount": f"{amount:,.2f}", "months": term},
    )
    return redirect("portal:bills")


def _options(bill: Statement) -> list[PlanQuote]:
    """Every term for the whole amount that can be spread, to compare before choosing."""
    return [
        bill_installment_quote(
            statement=bill, amount=bill.revolving_principal_unpaid_amount, term=t
        )
        for t in TERMS
    ]


def _refusal(exc: BillInstallmentRefused) -> str:
    text = str(exc)
    if "due date" in text:
        return _("This bill is past its due date: it can no longer be turned into installments.")
    if "cap" in text.lower():
        return _("This plan would cost more than the rate cap allows.")
    return _("This amount cannot be turned into installments.")
