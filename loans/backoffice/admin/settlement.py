"""The finance queue (PRODUCT §11): settlement differences, and the settlement files imported.

Open differences come first, newest date first; each row says what differs, both sides' amounts
and statuses, and the action that resolves it. "Resolve" opens a page with the difference and a
note; confirming calls ``settlement_difference_resolve`` (audited). Only staff with
``payments.change_settlementdifference`` (Finance, administrators) may resolve; the service
checks it too.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loans.backoffice.admin.queues import QueueAdmin, _changelist, _require, _user
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.errors import LendingError
from loans.payments.models import DifferenceState, SettlementDifference, SettlementFile
from loans.payments.settlement.queue import settlement_open_counts
from loans.payments.settlement.resolve import RESOLVE_PERMISSION, settlement_difference_resolve
from loans.servicing.services.reminders import amount_format

VIEW_PERMISSION = "payments.view_settlementdifference"


def yuan(amount: Decimal | None) -> str:
    """¥1,234.50; a dash when there is no amount (a side that has no record)."""
    return "-" if amount is None else amount_format(amount)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done (note)"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Required. Kept on the difference; not copied into the audit trail."),
    )


@admin.register(SettlementDifference)
class SettlementDifferenceAdmin(QueueAdmin[SettlementDifference]):
    list_display = [
        "id",
        "settlement_date",
        "kind",
        "our_key",
        "difference",
        "file_side",
        "our_side",
        "action_sentence",
        "state",
        "resolve_button",
    ]
    list_filter = ["state", "kind", "difference", "settlement_date"]
    date_hierarchy = "settlement_date"
    search_fields = ["=our_key", "=gateway_reference"]
    count_filter = "difference"
    fields = [
        "file",
        "settlement_date",
        "line_number",
        "kind",
        "our_key",
        "gateway_reference",
        "difference",
        "file_amount",
        "file_status",
        "our_amount",
        "our_status",
        "action",
        "state",
        "resolved_by",
        "resolved_at",
        "note",
    ]

    def queue_counts(self) -> dict[str, int]:
        return settlement_open_counts()

    @admin.display(description=_("file says"))
    def file_side(self, difference: SettlementDifference) -> str:
        if difference.file_amount is None:
            return str(_("not listed"))
        return f"{yuan(difference.file_amount)} {difference.file_status}"

    @admin.display(description=_("we say"))
    def our_side(self, difference: SettlementDifference) -> str:
        if difference.our_amount is None:
            return str(_("no record"))
        return f"{yuan(difference.our_amount)} {difference.our_status}"

    @admin.display(description=_("action"))
    def action_sentence(self, difference: SettlementDifference) -> str:
        return str(difference.get_action_display())

    @admin.display(description=_("resolve"))
    def resolve_button(self, difference: SettlementDifference) -> str:
        if difference.state != DifferenceState.OPEN:
            return str(difference.get_state_display())
        url = reverse("admin:payments_settlementdifference_resolve", args=[difference.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Resolve"))

    def get_urls(self) -> list[URLPattern]:
        return [self._url("resolve", self.resolve_view), *super().get_urls()]

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, VIEW_PERMISSION)
        _require(request, RESOLVE_PERMISSION)
        difference = get_object_or_404(SettlementDifference, pk=pk)
        form = ResolveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                settlement_difference_resolve(
                    difference=difference, user=_user(request), note=form.cleaned_data["note"]
                )
            except LendingError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Difference %(id)s resolved.") % {"id": pk})
                return HttpResponseRedirect(_changelist(SettlementDifference))
        return self._confirm(
            request,
            title=_("Resolve settlement difference %(id)s") % {"id": pk},
            effect=_difference_lines(difference),
            form=form,
            confirm_label=_("Mark resolved"),
        )


def _difference_lines(difference: SettlementDifference) -> list[str]:
    line = difference.line_number or "-"
    return [
        _("%(date)s, line %(line)s: %(kind)s %(key)s (gateway reference %(reference)s).")
        % {
            "date": difference.settlement_date,
            "line": line,
            "kind": difference.get_kind_display(),
            "key": difference.our_key,
            "reference": difference.gateway_reference or "-",
        },
        _("%(difference)s. The file says %(file)s; we say %(ours)s.")
        % {
            "difference": difference.get_difference_display(),
            "file": f"{yuan(difference.file_amount)} {difference.file_status}".strip(),
            "ours": f"{yuan(difference.our_amount)} {difference.our_status}".strip(),
        },
        str(difference.get_action_display()),
    ]


@admin.register(SettlementFile)
class SettlementFileAdmin(ReadOnlyModelAdmin[SettlementFile]):
    list_display = ["settlement_date", "name", "line_count", "imported_at", "completed_at"]
    list_filter = ["settlement_date"]
    fields = [
        "settlement_date",
        "name",
        "sha256",
        "line_count",
        "imported_at",
        "completed_at",
        "summary",
    ]
