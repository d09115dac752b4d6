"""The page a request is shown on (issue #23): its context, then the decision or the buttons.

Used by the approvals queue (the request's page, Approve, Reject), the approvals history, the
raw approval requests' page and the disbursement request; ``loans.backoffice.approval_context``
reads what it shows. The maker of a request never gets the Approve / Reject buttons on it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import approval_permission
from loans.backoffice.approval_context import ApprovalContext, approval_context_get, user_label

APPROVAL_TEMPLATE = "admin/backoffice/approval.html"


def approval_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    context: ApprovalContext,
    **extra: Any,
) -> TemplateResponse:
    """Render ``context`` with ``extra`` (title, form, effect, confirm_label, decide_urls…)."""
    opts = model_admin.model._meta
    return TemplateResponse(
        request,
        APPROVAL_TEMPLATE,
        {
            **model_admin.admin_site.each_context(request),
            "opts": opts,
            "back_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "back_label": opts.verbose_name_plural,
            "c": context,
            "effect": context.effect,
            "decider": user_label(context.approval.decided_by),
            **extra,
        },
    )


def approval_view_page(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> TemplateResponse:
    """A request's own page: the context and, to a checker who may decide it, the buttons."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if not object_id.isdigit():
        raise Http404
    try:
        context = approval_context_get(approval_id=int(object_id))
    except ApprovalRequest.DoesNotExist as error:
        raise Http404 from error
    approval = context.approval
    own = approval.requested_by_id == request.user.pk
    pending = approval.status == ApprovalStatus.PENDING
    may_decide = (
        pending
        and not own
        and request.user.has_perm("backoffice.view_pendingapproval")
        and request.user.has_perm(approval_permission(approval.kind, "approve"))
    )
    decide_urls = (
        {
            name: reverse(f"admin:backoffice_pendingapproval_{name}", args=[approval.pk])
            for name in ("approve", "reject")
        }
        if may_decide
        else None
    )
    return approval_page(
        model_admin,
        request,
        context,
        title=_("Request %(id)s") % {"id": approval.pk},
        own_request=own and pending,
        decide_urls=decide_urls,
    )
