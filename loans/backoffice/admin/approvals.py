"""The maker-checker queues (issues #6, #23): approvals waiting for a second officer, decided
approvals, and the columns both lists share. A maker never sees Approve on their own request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from loans.approvals.models import ApprovalKind, ApprovalRequest
from loans.approvals.services.approvals import approval_permission
from loans.approvals.services.maker_checker import (
    approval_approve,
    approval_reject,
    rejection_effect,
)
from loans.backoffice.admin.approval_pages import approval_page, approval_view_page
from loans.backoffice.admin.queues import QueueAdmin, _changelist, _require, _user
from loans.backoffice.approval_context import approval_context_get
from loans.backoffice.models import (
    DecidedApproval,
    PendingApproval,
)
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.queues import (
    approval_queue_counts,
)
from loans.calendar.selectors import business_date_current
from loans.errors import LendingError


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


# --- approvals ---------------------------------------------------------------------------------


@admin.display(description=_("borrower"))
def approval_borrower(approval: ApprovalRequest) -> str:
    return approval.loan.borrower.full_name if approval.loan else "-"


@admin.display(description=_("kind"), ordering="kind")
def approval_kind(approval: ApprovalRequest) -> str:
    return approval.get_kind_display()


@admin.display(description=_("loan or product"), ordering="loan_id")
def approval_subject(approval: ApprovalRequest) -> str:
    """The loan (linking to the officers' loan page) or the product; never a raw status."""
    if approval.loan_id is not None:
        url = reverse("admin:servicing_loan_desk", args=[approval.loan_id])
        return format_html('<a href="{}">{}</a>', url, _("Loan %(id)s") % {"id": approval.loan_id})
    return str(approval.product.code) if approval.product else "-"


@admin.display(description=_("reason"))
def approval_reason(approval: ApprovalRequest) -> str:
    return Truncator(approval.reason).chars(60) or "-"


@admin.display(description=_("requested"), ordering="requested_at")
def approval_requested(approval: ApprovalRequest) -> str:
    when = localtime(approval.requested_at).strftime("%Y-%m-%d %H:%M")
    return f"{approval.requested_by.username} · {when}"


@admin.display(description=_("decided"), ordering="decided_at")
def approval_decided(approval: ApprovalRequest) -> str:
    if approval.decided_by is None or approval.decided_at is None:
        return "-"
    when = localtime(approval.decided_at).strftime("%Y-%m-%d %H:%M")
    return f"{approval.decided_by.username} · {when}"


@admin.display(description=_("reason for the rejection"))
def approval_decision_note(approval: ApprovalRequest) -> str:
    return Truncator(approval.decision_note).chars(60) or "-"


# Fits 1280 px with the filters (issue #23): the request's page shows the rest.
APPROVAL_COLUMNS: list[Any] = [
    "id",
    approval_kind,
    approval_subject,
    approval_borrower,
    approval_requested,
    approval_reason,
]


OWN_REQUEST_REFUSED = _("You made this request: another officer must decide it.")


def decide_column(user_id: int | None) -> Callable[[PendingApproval], str]:
    """The Approve and Reject buttons, or a note on the viewer's own requests."""

    @admin.display(description=_("decide"))
    def decide(approval: PendingApproval) -> str:
        if approval.requested_by_id == user_id:
            return format_html("<em>{}</em>", _("Your request: another officer decides"))
        approve = reverse("admin:backoffice_pendingapproval_approve", args=[approval.pk])
        reject = reverse("admin:backoffice_pendingapproval_reject", args=[approval.pk])
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            approve,
            _("Approve"),
            reject,
            _("Reject"),
        )

    return decide


@admin.register(PendingApproval)
class PendingApprovalAdmin(QueueAdmin[PendingApproval]):
    list_display = list(APPROVAL_COLUMNS)  # and the buttons, per viewer (get_list_display)
    list_select_related = ["loan__borrower", "product", "requested_by"]
    # Only the staff who made requests, not every user (millions of borrowers are users too).
    list_filter = ["kind", ("requested_by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=id", "=loan__id", "product__code", "requested_by__username"]
    count_filter = "kind"
    fields = ["kind", "loan", "product", "payload", "requested_by", "requested_at", "reason"]

    def queue_counts(self) -> dict[str, int]:
        return approval_queue_counts()

    def count_label(self, key: str) -> str:
        return str(ApprovalKind(key).label) if key in ApprovalKind.values else key

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # The buttons depend on who looks: the maker never sees them on their own request.
        return [*super().get_list_display(request), decide_column(request.user.pk)]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The request with its context; Approve / Reject only for a checker who is not the maker.
        return approval_view_page(self, request, object_id)

    def get_urls(self) -> list[URLPattern]:
        return [
            self._url("approve", self.approve_view),
            self._url("reject", self.reject_view),
            *super().get_urls(),
        ]

    def _pending(self, request: HttpRequest, pk: int) -> PendingApproval:
        _require(request, "backoffice.view_pendingapproval")
        approval = get_object_or_404(
            PendingApproval.objects.select_related("loan__borrower", "product"), pk=pk
        )
        _require(request, approval_permission(approval.kind, "approve"))
        return approval

    def _own(self, request: HttpRequest, approval: PendingApproval) -> HttpResponse | None:
        """Send the maker back to the list: the service would refuse their decision anyway."""
        if approval.requested_by_id != request.user.pk:
            return None
        self.message_user(request, OWN_REQUEST_REFUSED, messages.ERROR)
        return HttpResponseRedirect(_changelist(PendingApproval))

    def _done(
        self, request: HttpRequest, action: Callable[[], object], message: str
    ) -> HttpResponse:
        try:
            action()
            self.message_user(request, message)
        except LendingError as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(_changelist(PendingApproval))

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        approval = self._pending(request, pk)
        if refused := self._own(request, approval):
            return refused
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            return self._done(
                request,
                lambda: approval_approve(
                    request=approval, officer=_user(request), as_of=business_date_current()
                ),
                _("Request %(id)s approved and carried out.") % {"id": pk},
            )
        return approval_page(
            self,
            request,
            approval_context_get(approval_id=pk),
            title=_("Approve request %(id)s") % {"id": pk},
            confirming=True,
            confirm_label=_("Approve"),
        )

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        approval = self._pending(request, pk)
        if refused := self._own(request, approval):
            return refused
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._done(
                request,
                lambda: approval_reject(
                    request=approval, officer=_user(request), reason=form.cleaned_data["reason"]
                ),
                _("Request %(id)s rejected.") % {"id": pk},
            )
        return approval_page(
            self,
            request,
            approval_context_get(approval_id=pk),
            title=_("Reject request %(id)s") % {"id": pk},
            effect=[rejection_effect(approval)],
            form=form,
            confirming=True,
            confirm_label=_("Reject"),
        )


@admin.register(DecidedApproval)
class DecidedApprovalAdmin(ReadOnlyModelAdmin[DecidedApproval]):
    """The approvals history: who asked, who decided, and why a rejection was made."""

    list_display = [*APPROVAL_COLUMNS, "status", approval_decided, approval_decision_note]
    list_select_related = ["loan__borrower", "product", "requested_by", "decided_by"]
    list_filter = [
        "status",
        "kind",
        ("decided_by", admin.RelatedOnlyFieldListFilter),
        ("requested_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["=id", "=loan__id", "product__code", "decision_note"]
    date_hierarchy = "decided_at"
    show_full_result_count = False
    fields = [
        "kind",
        "loan",
        "product",
        "payload",
        "status",
        "requested_by",
        "requested_at",
        "reason",
        "decided_by",
        "decided_at",
        "decision_note",
    ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return approval_view_page(self, request, object_id)
