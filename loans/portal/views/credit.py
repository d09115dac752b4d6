"""The credit application and its decision."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Borrower
from loans.calendar.selectors import business_date_current
from loans.origination.services.credit import (
    CreditApplicationRefused,
    credit_application_check,
    credit_application_submit,
)
from loans.portal.access import borrower_required
from loans.portal.selectors import credit_line_of, latest_application


@borrower_required
@require_http_methods(["GET", "POST"])
def credit(request: HttpRequest, *, borrower: Borrower) -> HttpResponse:
    as_of = business_date_current()
    if request.method == "POST":
        try:
            credit_application_submit(borrower=borrower, as_of=as_of)
        except CreditApplicationRefused as error:
            messages.error(request, _refusal_text(error))
        return redirect("portal:credit")
    refusal = _may_apply(borrower, as_of)
    context = {
        "application": latest_application(borrower),
        "line": credit_line_of(borrower),
        "refusal": refusal,
    }
    return render(request, "portal/credit.html", context)


def _may_apply(borrower: Borrower, as_of: date) -> CreditApplicationRefused | None:
    try:
        credit_application_check(borrower=borrower, as_of=as_of)
    except CreditApplicationRefused as refusal:
        return refusal
    return None


def _refusal_text(refusal: CreditApplicationRefused) -> str:
    if refusal.reason == "UNDER_REVIEW":
        return _("Your application is being reviewed by an officer.")
    return _("You can apply again 30 days after a decline.")
