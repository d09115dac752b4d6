"""Asking to reopen a closed accounting period (issue #19, PRODUCT §13): the maker's page.

An officer with ``approvals.request_period_reopen`` picks a closed month and gives the reason;
``period_reopen_request`` opens a PERIOD_REOPEN approval, and a second officer decides it in
the approvals queue (the month reopens only then). The page lists the closed months and the
requests still waiting. Served at /admin/portfolio/periods/reopen/.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import ApprovalRefused
from loans.approvals.services.maker_checker import period_reopen_request
from loans.ledger.models import AccountingPeriod
from loans.ledger.periods import PeriodCloseRefused, month_parse

REQUEST_PERMISSION = "approvals.request_period_reopen"


class PeriodReopenForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("Closed month"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, months: list[date], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(f"{month:%Y-%m}", f"{month:%Y-%m}") for month in months]
        self.fields["month"].choices = choices  # type: ignore[attr-defined]


def period_reopen_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(REQUEST_PERMISSION):
        raise PermissionDenied
    closed = list(AccountingPeriod.objects.filter(closed=True).order_by("-month"))
    form = PeriodReopenForm(request.POST or None, months=[period.month for period in closed])
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        try:
            period_reopen_request(
                month=month_parse(month),
                officer=cast(User, request.user),
                reason=form.cleaned_data["reason"],
            )
        except PeriodCloseRefused:
            form.add_error("month", _("This month is not closed."))
        except ApprovalRefused:
            form.add_error(None, _("Reopening this month already waits for a second officer."))
        else:
            messages.success(
                request,
                _("Reopening %(month)s now waits for a second officer's approval.")
                % {"month": month},
            )
            return redirect("backoffice:period_reopen")
    pending = ApprovalRequest.objects.filter(
        kind=ApprovalKind.PERIOD_REOPEN, status=ApprovalStatus.PENDING
    ).select_related("requested_by")
    context = {
        **admin.site.each_context(request),
        "title": _("Reopen an accounting period"),
        "form": form,
        "closed": closed,
        "pending": pending.order_by("-id"),
    }
    return TemplateResponse(request, "admin/backoffice/period_reopen.html", context)
