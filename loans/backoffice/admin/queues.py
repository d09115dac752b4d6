"""The officers' queues in the admin (issue #6): referred applications, loans pending
disbursement, approvals waiting for a second approver, and the approvals history.

Thin by design (STYLE.md): each button opens a confirmation page that shows the effect (from the
services), and confirming makes one service call. Permissions are checked here for the pages
(403) and again in the maker-checker services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import approval_permission
from loans.approvals.services.maker_checker import (
    disbursement_request,
)
from loans.backoffice.admin.approval_pages import approval_page
from loans.backoffice.admin.identity import inputs_shown
from loans.backoffice.approval_context import disbursement_request_context
from loans.backoffice.models import (
    PendingApproval,
    PendingDisbursement,
    ReferredApplication,
)
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.queues import (
    disbursement_queue_counts,
    referred_queue_counts,
)
from loans.backoffice.readable import codes_label
from loans.domain.scorecard import Grade
from loans.errors import LendingError
from loans.origination.services.credit import (
    OFFICER_DECLINE_REASONS,
    credit_application_review,
    credit_review_effect,
)
from loans.servicing.services.reminders import amount_format

CONFIRM_TEMPLATE = "admin/backoffice/confirm.html"
QUEUE_TEMPLATE = "admin/backoffice/queue_change_list.html"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _changelist(model: type[Any], **filters: str) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


class QueueAdmin[M: Any](ReadOnlyModelAdmin[M]):
    """A read-only changelist with per-group counts above it (one grouped query)."""

    change_list_template = QUEUE_TEMPLATE
    show_full_result_count = False
    list_per_page = 50
    count_filter = ""

    def queue_counts(self) -> dict[str, int]:
        return {}

    def count_label(self, key: str) -> str:
        return key or "-"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        counts = self.queue_counts()
        rows = [
            (self.count_label(key), count, _changelist(self.model, **{self.count_filter: key}))
            for key, count in sorted(counts.items())
        ]
        context = {"queue_counts": rows, "queue_total": sum(counts.values())}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def _url(self, name: str, view: Callable[..., HttpResponse]) -> URLPattern:
        info = f"{self.model._meta.app_label}_{self.model._meta.model_name}_{name}"
        return path(
            f"<int:pk>/{name.replace('_', '-')}/",
            self.admin_site.admin_view(view),
            name=info,
        )

    def _confirm(self, request: HttpRequest, **context: Any) -> TemplateResponse:
        back = _changelist(self.model)
        return TemplateResponse(
            request,
            CONFIRM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "back_url": back,
                "back_label": self.model._meta.verbose_name_plural,
                **context,
            },
        )


# --- referred applications ---------------------------------------------------------------------


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", "-")] + [(g.value, g.value) for g in Grade]
    )
    credit_limit = forms.DecimalField(
        label=_("Credit limit (¥)"), required=False, max_digits=8, decimal_places=2
    )
    reasons = forms.MultipleChoiceField(
        label=_("Decline reasons"),
        required=False,
        choices=[(code, code) for code in OFFICER_DECLINE_REASONS],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    def decision_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        approve = data["decision"] == "approve"
        return {
            "approve": approve,
            "grade": data["grade"] if approve else "",
            "credit_limit": data["credit_limit"] if approve else None,
            "reasons": () if approve else tuple(data["reasons"]),
        }


@admin.register(ReferredApplication)
class ReferredApplicationAdmin(QueueAdmin[ReferredApplication]):
    list_display = [
        "id",
        "applied_date",
        "partner",
        "score",
        "grade",
        "credit_limit_amount",
        "reason_labels",
        "review",
    ]
    list_select_related = ["partner"]
    list_filter = ["grade", "partner", "scorecard_version"]
    search_fields = ["=id", "=borrower__id"]
    count_filter = "grade"
    readonly_fields = [
        "borrower",
        "inputs_without_age",
        "points",
        "reason_labels",
        "score",
        "grade",
    ]
    fields = [
        "borrower",
        "applied_date",
        "score",
        "grade",
        "reason_labels",
        "inputs_without_age",
        "points",
    ]

    def queue_counts(self) -> dict[str, int]:
        return referred_queue_counts()

    @admin.display(description=_("reasons"))
    def reason_labels(self, application: ReferredApplication) -> str:
        return codes_label(application.reasons)

    @admin.display(description=_("inputs"))
    def inputs_without_age(self, application: ReferredApplication) -> str:
        return inputs_shown(application.inputs)

    @admin.display(description=_("review"))
    def review(self, application: ReferredApplication) -> str:
        url = reverse("admin:backoffice_referredapplication_review", args=[application.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Review"))

    def get_urls(self) -> list[URLPattern]:
        return [self._url("review", self.review_view), *super().get_urls()]

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, "backoffice.view_referredapplication")
        _require(request, "origination.review_creditapplication")
        application = get_object_or_404(ReferredApplication, pk=pk)
        form = ReviewForm(request.POST or None)
        title = _("Review application %(id)s") % {"id": application.pk}
        if request.method != "POST" or not form.is_valid():
            return self._confirm(
                request, title=title, form=form, effect=[], confirm_label=_("Preview")
            )
        try:
            effect = credit_review_effect(**form.decision_kwargs())
            if request.POST.get("confirm") == "yes":
                credit_application_review(
                    application=application,
                    officer=_user(request),
                    note=form.cleaned_data["note"],
                    **form.decision_kwargs(),
                )
                self.message_user(request, _("Application %(id)s decided.") % {"id": pk})
                return HttpResponseRedirect(_changelist(ReferredApplication))
        except LendingError as error:
            form.add_error(None, str(error))
            return self._confirm(
                request, title=title, form=form, effect=[], confirm_label=_("Preview")
            )
        for field in form.fields.values():
            field.widget = field.hidden_widget()
        return self._confirm(
            request,
            title=title,
            form=form,
            effect=effect,
            confirming=True,
            confirm_label=_("Confirm decision"),
        )


# --- loans pending disbursement ----------------------------------------------------------------


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the request"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for this request.")},
    )


@admin.register(PendingDisbursement)
class PendingDisbursementAdmin(QueueAdmin[PendingDisbursement]):
    # Fits 1280 px: the state "requested" is the action column's "Waiting" (issue #23).
    list_display = [
        "id",
        "borrower_name",
        "product",
        "partner",
        "principal_amount",
        "term",
        "method",
        "drawn_date",
        "request_button",
    ]
    list_select_related = ["borrower", "product", "partner"]
    list_filter = ["product", "partner"]
    search_fields = ["=id", "=borrower__id"]
    count_filter = "product__code"
    fields = ["borrower", "product", "principal_amount", "term", "method", "drawn_date", "status"]

    def queue_counts(self) -> dict[str, int]:
        return disbursement_queue_counts()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The counts above the list link by product code (Django allows only list_filter's).
        return lookup == self.count_filter or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PendingDisbursement]:
        pending = ApprovalRequest.objects.filter(
            loan=OuterRef("pk"), kind=ApprovalKind.DISBURSEMENT, status=ApprovalStatus.PENDING
        )
        return super().get_queryset(request).annotate(has_request=Exists(pending))

    @admin.display(description=_("borrower"))
    def borrower_name(self, loan: PendingDisbursement) -> str:
        return loan.borrower.full_name

    @admin.display(description=_("disbursement"))
    def request_button(self, loan: PendingDisbursement) -> str:
        if getattr(loan, "has_request", False):
            return format_html('<a href="{}">{}</a>', _changelist(PendingApproval), _("Waiting"))
        url = reverse("admin:backoffice_pendingdisbursement_request_disbursement", args=[loan.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Request disbursement"))

    def get_urls(self) -> list[URLPattern]:
        return [self._url("request_disbursement", self.request_view), *super().get_urls()]

    def request_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, "backoffice.view_pendingdisbursement")
        _require(request, approval_permission(ApprovalKind.DISBURSEMENT, "request"))
        loan = get_object_or_404(PendingDisbursement, pk=pk)
        # The maker says why (issue #23): the checker reads it before deciding.
        form = RequestForm(request.POST or None)
        if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
            try:
                disbursement_request(
                    loan=loan, officer=_user(request), reason=form.cleaned_data["reason"]
                )
                self.message_user(
                    request,
                    _("Disbursement of loan %(id)s waits for a second officer.") % {"id": pk},
                )
            except LendingError as error:
                self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(_changelist(PendingDisbursement))
        context = disbursement_request_context(loan_id=pk, officer=_user(request))
        return approval_page(
            self,
            request,
            context,
            title=_("Request disbursement of loan %(id)s") % {"id": pk},
            effect=[
                _("Ask a second officer to disburse loan %(id)s: %(amount)s to card %(card)s.")
                % {
                    "id": pk,
                    "amount": amount_format(loan.principal_amount),
                    "card": context.approval.loan.borrower.bank_card_masked
                    if context.approval.loan
                    else "-",
                }
            ],
            form=form,
            confirming=True,
            confirm_label=_("Request disbursement"),
        )
