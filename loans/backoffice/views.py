"""The back office's admin views (issue #6): thin, one selector or service call each.

Each loan action is a form, then a confirmation page showing the action's effect (its own
service run in a rolled-back savepoint), then the commit on a second POST with ``confirm``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.reveal import REVEAL_PERMISSION, borrower_identity_reveal
from loans.approvals.services.maker_checker import waiver_request, write_off_request
from loans.backoffice.actions import LoanAction, loan_action, loan_actions_for
from loans.backoffice.charts import bar_chart
from loans.backoffice.effects import Effect, effect_preview
from loans.backoffice.forms import (
    ContactNoteForm,
    OfflineRepaymentForm,
    PromiseToPayForm,
    ReverseRepaymentForm,
    WaiverRequestForm,
    WriteOffRequestForm,
)
from loans.backoffice.revolving_portfolio import revolving_portfolio
from loans.backoffice.selectors import (
    Dashboard,
    dashboard_csv_rows,
    loan_desk_get,
    portfolio_dashboard,
)
from loans.backoffice.services import offline_repayment_record, repayment_staff_reverse
from loans.calendar.selectors import business_date_current
from loans.domain.allocation import Component
from loans.errors import LendingError
from loans.servicing.models import ContactChannel, Loan
from loans.servicing.services.collections_desk import contact_note_add, promise_to_pay_record
from loans.servicing.services.reminders import amount_format

DASHBOARD_PERMISSION = "reporting.view_portfolio"


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # admin_view has let only signed-in staff through
        raise PermissionDenied
    return request.user


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), **extra}


# --- the loan page -----------------------------------------------------------------------------


def loan_desk_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    if not request.user.has_perm("servicing.view_loan"):
        raise PermissionDenied
    get_object_or_404(Loan, pk=loan_id)
    desk = loan_desk_get(loan_id=loan_id, ledger_page=_int(request.GET.get("ledger"), 1))
    user = _user(request)
    return TemplateResponse(
        request,
        "admin/backoffice/desk/loan.html",
        _context(
            request,
            title=_("Loan %(id)s") % {"id": loan_id},
            desk=desk,
            loan=desk.loan,
            actions=loan_actions_for(user=user, loan=desk.loan),
            can_reveal=user.has_perm(REVEAL_PERMISSION),
            can_see_ledger=user.has_perm("ledger.view_journalentry"),
            as_of=business_date_current(),
        ),
    )


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


@require_POST
def loan_reveal_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Show the clear identity and card numbers once, on this response only (never stored)."""
    loan = get_object_or_404(Loan.objects.select_related("borrower"), pk=loan_id)
    revealed = borrower_identity_reveal(borrower=loan.borrower, user=_user(request))
    response = TemplateResponse(
        request,
        "admin/backoffice/desk/reveal.html",
        _context(request, title=_("Identity of borrower"), loan=loan, revealed=revealed),
    )
    response["Cache-Control"] = "no-store"
    return response


# --- actions: form → confirmation with the effect → commit -------------------------------------


@dataclass(frozen=True, slots=True)
class ActionSpec:
    form: Callable[..., forms.Form]
    run: Callable[[Loan, dict[str, Any], User, date], Any]
    describe: Callable[[Any], list[str]]
    done: str


def _repayment_describe(repayment: Any) -> list[str]:
    lines = [
        _("Installment %(number)s: %(component)s ¥%(amount)s") % part
        for part in repayment.allocation.get("parts", [])
    ]
    if repayment.advance_amount:
        lines.append(_("Held as an advance: ¥%(amount)s") % {"amount": repayment.advance_amount})
    if repayment.overpayment_amount:
        lines.append(_("Overpayment: ¥%(amount)s") % {"amount": repayment.overpayment_amount})
    return lines


ACTIONS: dict[str, ActionSpec] = {
    "offline_repayment": ActionSpec(
        form=lambda loan, **kw: OfflineRepaymentForm(**kw),
        run=lambda loan, data, user, as_of: offline_repayment_record(
            loan=loan,
            amount=data["amount"],
            value_date=data["value_date"],
            reference=data["reference"],
            as_of=as_of,
            user=user,
        ),
        describe=_repayment_describe,
        done=gettext_noop("Repayment recorded."),
    ),
    "reverse_repayment": ActionSpec(
        form=lambda loan, **kw: ReverseRepaymentForm(loan=loan, **kw),
        run=lambda loan, data, user, as_of: repayment_staff_reverse(
            repayment=data["repayment"], as_of=as_of, user=user, reason=data["reason"]
        ),
        describe=lambda r: [
            _("Repayment %(id)s of ¥%(amount)s is reversed; later ones are posted again.")
            % {"id": r.pk, "amount": r.amount}
        ],
        done=gettext_noop("Repayment reversed."),
    ),
    "promise_to_pay": ActionSpec(
        form=lambda loan, **kw: PromiseToPayForm(loan=loan, as_of=business_date_current(), **kw),
        run=lambda loan, data, user, as_of: promise_to_pay_record(
            loan=loan,
            user=user,
            amount=data["amount"],
            promised_date=data["promised_date"],
            as_of=as_of,
        ),
        describe=lambda p: [
            _("Promise to pay %(amount)s by %(date)s.")
            % {"amount": amount_format(p.amount), "date": p.promised_date}
        ],
        done=gettext_noop("Promise to pay noted."),
    ),
    "contact_note": ActionSpec(
        form=lambda loan, **kw: ContactNoteForm(**kw),
        run=lambda loan, data, user, as_of: contact_note_add(
            loan=loan,
            author=user,
            channel=ContactChannel(data["channel"]),
            text=data["text"],
            as_of=as_of,
        ),
        describe=lambda n: [_("Contact note (%(channel)s).") % {"channel": n.channel}],
        done=gettext_noop("Contact note added."),
    ),
    "write_off_request": ActionSpec(
        form=lambda loan, **kw: WriteOffRequestForm(**kw),
        run=lambda loan, data, user, as_of: write_off_request(
            loan=loan, officer=user, as_of=as_of, reason=data["reason"]
        ),
        describe=lambda r: [
            _("Write-off request %(id)s opened; a second officer must approve it.") % {"id": r.pk}
        ],
        done=gettext_noop("Write-off requested."),
    ),
    "waiver_request": ActionSpec(
        form=lambda loan, **kw: WaiverRequestForm(loan=loan, **kw),
        run=lambda loan, data, user, as_of: waiver_request(
            loan=loan,
            installment_number=data["installment_number"],
            component=Component(data["component"]),
            amount=data["amount"],
            officer=user,
            reason=data["reason"],
        ),
        describe=lambda r: [
            _("Waiver request %(id)s opened; a second officer must approve it.") % {"id": r.pk}
        ],
        done=gettext_noop("Waiver requested."),
    ),
}


def loan_action_view(request: HttpRequest, loan_id: int, key: str) -> HttpResponse:
    action, spec = loan_action(key), ACTIONS[key]
    if not request.user.has_perm(action.permission):
        raise PermissionDenied
    loan = get_object_or_404(Loan, pk=loan_id)
    as_of, user = business_date_current(), _user(request)
    initial = {"value_date": as_of, "promised_date": as_of}
    form = spec.form(loan, data=request.POST or None, initial=initial)
    effect: Effect | None = None
    if request.method == "POST" and form.is_valid():
        try:
            if "confirm" in request.POST:
                with transaction.atomic():
                    spec.run(loan, form.cleaned_data, user, as_of)
                messages.success(request, _(spec.done))
                return HttpResponseRedirect(reverse("admin:servicing_loan_desk", args=[loan.pk]))
            effect = effect_preview(
                loan=loan, run=lambda: spec.run(loan, form.cleaned_data, user, as_of)
            )
        except LendingError as error:
            form.add_error(None, str(error))
    return _action_page(request, loan, action, form, effect, spec, as_of)


def _action_page(
    request: HttpRequest,
    loan: Loan,
    action: LoanAction,
    form: forms.Form,
    effect: Effect | None,
    spec: ActionSpec,
    as_of: date,
) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/backoffice/desk/action.html",
        _context(
            request,
            title=f"{action.label}: {loan}",
            loan=loan,
            action=action,
            form=form,
            effect=effect,
            effect_lines=spec.describe(effect.result) if effect else [],
            as_of=as_of,
        ),
    )


# --- the portfolio dashboard -------------------------------------------------------------------


BUCKET_SHORT = {"CURRENT": gettext_noop("Current"), "M4_PLUS": "M4+"}


def portfolio_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        raise PermissionDenied
    dashboard = portfolio_dashboard(as_of=business_date_current())
    charts = [
        bar_chart(
            title=_("Principal outstanding by bucket"),
            points=[
                (_(BUCKET_SHORT.get(row.bucket, row.bucket)), row.principal)
                for row in dashboard.buckets
            ],
        ),
        bar_chart(
            title=_("Disbursed per month"),
            points=[(m.month.strftime("%Y-%m"), m.disbursed) for m in dashboard.months],
        ),
        bar_chart(
            title=_("Interest collected per month"),
            points=[(m.month.strftime("%Y-%m"), m.interest_collected) for m in dashboard.months],
        ),
    ]
    return TemplateResponse(
        request,
        "admin/backoffice/desk/portfolio.html",
        _context(
            request,
            title=_("Portfolio"),
            d=dashboard,
            charts=charts,
            negative=negative_figures_explained(dashboard),
            revolving=revolving_portfolio(as_of=dashboard.as_of),
        ),
    )


NEGATIVE_WHY = {
    "interest_accrued": gettext_noop(
        "Negative: more accrued interest was taken back than earned. A repayment before the due "
        "date (a prepayment or payoff) reverses interest accrued beyond what it settles, and a "
        "write-off or a reversed repayment reverses interest too."
    ),
    "interest_collected": gettext_noop(
        "Negative: repayments reversed in this period gave back more interest than was collected."
    ),
    "principal_collected": gettext_noop(
        "Negative: repayments reversed in this period gave back more principal than was collected."
    ),
}


def negative_figures_explained(dashboard: Dashboard) -> dict[str, str]:
    """Why each negative flow of the dashboard is negative, by ``<period>_<figure>`` (month,
    year, today); figures that are not negative have no entry."""
    periods = {"month": dashboard.month, "year": dashboard.year, "today": dashboard.today}
    return {
        f"{period}_{figure}": _(why)
        for period, flows in periods.items()
        if flows is not None
        for figure, why in NEGATIVE_WHY.items()
        if getattr(flows, figure) < 0
    }


def portfolio_csv_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        raise PermissionDenied
    dashboard = portfolio_dashboard(as_of=business_date_current())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{dashboard.as_of}.csv"'
    csv.writer(response).writerows(dashboard_csv_rows(dashboard))
    return response
