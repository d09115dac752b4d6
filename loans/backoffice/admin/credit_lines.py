"""Credit lines in the back office: read-only, with the one decision an officer takes on them,
unfreezing (issue #16), which asks for a reason and lands in the audit trail."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import PersonalDataInAudit
from accounts.models import User
from loans.backoffice import readable
from loans.backoffice.admin.identity import MobileSearchMixin
from loans.backoffice.admin.revolving import account_link
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.calendar.selectors import business_date_current
from loans.revolving.models import RevolvingAccount
from loans.servicing.models import CreditLine, CreditLineStatus
from loans.servicing.services.credit_lines import UnfreezeRefused, credit_line_unfreeze


class UnfreezeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded in the audit trail. No identity, card or mobile numbers."),
    )


@admin.register(CreditLine)
class CreditLineAdmin(MobileSearchMixin[CreditLine], ReadOnlyModelAdmin[CreditLine]):
    list_display = [
        "id",
        "borrower",
        "status",
        "frozen_reason",
        "frozen_on",
        "grade",
        "limit_amount",
        "used_amount",
        "available",
    ]
    list_select_related = ["borrower"]
    list_filter = ["status", "frozen_reason", "grade"]
    search_fields = ["=id", "borrower__full_name"]  # + a full mobile (MobileSearchMixin)
    fields = [
        "borrower",
        "application",
        "status",
        "frozen_reason",
        "frozen_on",
        "grade",
        "annual_rate",
        "limit_amount",
        "used_amount",
        "available",
        "revolving_account_link",
        "updated_at",
    ]
    actions = ["unfreeze"]

    @admin.display(description=gettext_lazy("revolving account"))
    def revolving_account_link(self, line: CreditLine) -> str:
        """A link to the line's revolving account page (issue #18), if it has one."""
        account_id = RevolvingAccount.objects.filter(credit_line=line).values_list("pk").first()
        return account_link(account_id[0]) if account_id else "-"

    @admin.display(description=gettext_lazy("available"))
    def available(self, line: CreditLine) -> str:
        return readable.money(line.available_amount)

    def has_unfreeze_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("servicing.unfreeze_creditline")

    @admin.action(description=gettext_lazy("Unfreeze…"), permissions=["unfreeze"])
    def unfreeze(self, request: HttpRequest, queryset: QuerySet[CreditLine]) -> HttpResponse | None:
        lines = list(queryset.filter(status=CreditLineStatus.FROZEN).order_by("pk"))
        if not lines:
            self.message_user(request, _("None of the chosen lines is frozen."), messages.WARNING)
            return None
        form = UnfreezeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._unfreeze(request, lines, form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/backoffice/unfreeze.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Unfreeze credit lines"),
                "form": form,
                "lines": lines,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def _unfreeze(self, request: HttpRequest, lines: list[CreditLine], reason: str) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        done = 0
        for line in lines:  # one decision per line: one refused line leaves the others to go
            try:
                credit_line_unfreeze(
                    line_id=line.pk,
                    officer=request.user,
                    reason=reason,
                    as_of=business_date_current(),
                )
            except (UnfreezeRefused, PersonalDataInAudit) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("Credit lines unfrozen: %(n)d.") % {"n": done})
