"""The back office's view of the lending core (issue #3): products editable, the rest read-only.

Money moves only through the services (STYLE.md), so loans, applications, approvals, payouts and
the ledger are shown, never edited here; the officers' workflows (issue #6) add admin actions that
each call one service. A product is saved through ``product_save``, after its form has run the
same ``product_validate`` check, so a product above the rate cap never reaches the database.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from loans.approvals.models import ApprovalRequest
from loans.approvals.services.maker_checker import product_change_request
from loans.backoffice.admin.approval_pages import approval_view_page
from loans.backoffice.admin.columns import loan_column
from loans.backoffice.admin.desk import desk_urls, loan_desk_link
from loans.backoffice.admin.identity import MobileSearchMixin, inputs_shown
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.backoffice.readable import ReadableModelAdmin, money
from loans.errors import LendingError
from loans.origination.models import CreditApplication, LoanProduct, Payout, PayoutStatus
from loans.origination.services.products import CHANGEABLE_FIELDS, product_create, product_validate
from loans.servicing.models import Installment, Loan, Repayment


class ReadOnlyTabularInline[C: models.Model, P: models.Model](admin.TabularInline[C, P]):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: C | None = None) -> list[str]:
        # Every column shown is read-only; non-editable ones (created_at) must be named so too.
        return [name for name in self.fields or () if isinstance(name, str)]

    def has_add_permission(self, request: HttpRequest, obj: P | None = None) -> bool:
        return False

    # An inline's permissions take the parent object; django-stubs ignores the same override.
    def has_change_permission(  # type: ignore[override]
        self, request: HttpRequest, obj: P | None = None
    ) -> bool:
        return False

    def has_delete_permission(  # type: ignore[override]
        self, request: HttpRequest, obj: P | None = None
    ) -> bool:
        return False


PRODUCT_REFUSAL = "lendportal.product_change_refusal"

# --- products ----------------------------------------------------------------------------------


class LoanProductForm(forms.ModelForm[LoanProduct]):
    class Meta:
        model = LoanProduct
        # The code, then what a product change may touch (the same list the approval replays).
        fields = ["code", *CHANGEABLE_FIELDS]

    # Not a product field: the maker's reason for a change, read by the approver (issue #23).
    change_reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when you change a product: the second approver reads it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Borrowers read the name in their language (#22): both names are required here.
        self.fields["name_zh"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and not cleaned.get("change_reason"):
            self.add_error("change_reason", _("Give the reason for this change."))
        if self.errors:
            return cleaned  # the fields must be valid before the caps can be checked
        # Check a copy: the form's instance takes the cleaned values only in _post_clean.
        candidate = construct_instance(self, copy.copy(self.instance))
        try:
            product_validate(candidate)
        except ValidationError as error:
            self._add_product_errors(error)
        return cleaned

    def _add_product_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


@admin.register(LoanProduct)
class LoanProductAdmin(ReadableModelAdmin[LoanProduct]):
    form = LoanProductForm
    list_display = [
        "code",
        "name",
        "name_zh",
        "methods",
        "terms",
        "annual_rate",
        "fee_rate",
        "rate_cap",
        "min_amount",
        "max_amount",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_zh"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: LoanProduct | None = None
    ) -> list[str]:
        # A product's code names it everywhere (loans, the API); only its settings change.
        return [*self.readonly_fields, "code"] if obj else list(self.readonly_fields)

    def save_model(
        self,
        request: HttpRequest,
        obj: LoanProduct,
        form: forms.ModelForm[LoanProduct],
        change: bool,
    ) -> None:
        # A new product is saved (and audited) at once; a change to a product on offer waits for
        # a second approver (maker-checker, issue #6), so nothing is saved here.
        user = cast(User, request.user)
        if not change:
            product_create(product=obj, user=user)
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "change_reason"
        }
        try:
            product_change_request(
                product=LoanProduct.objects.get(pk=obj.pk),
                changes=changes,
                officer=user,
                reason=form.cleaned_data["change_reason"],
            )
        except LendingError as error:
            # Per request, not on this shared ModelAdmin: response_change shows it.
            request.META[PRODUCT_REFUSAL] = str(error)

    def response_change(self, request: HttpRequest, obj: LoanProduct) -> HttpResponse:
        if refusal := request.META.get(PRODUCT_REFUSAL):
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(
            request, _("The change of %(code)s waits for a second approver.") % {"code": obj.code}
        )
        return HttpResponseRedirect(reverse("admin:backoffice_pendingapproval_changelist"))


# --- credit ------------------------------------------------------------------------------------


@admin.register(CreditApplication)
class CreditApplicationAdmin(
    MobileSearchMixin[CreditApplication], ReadOnlyModelAdmin[CreditApplication]
):
    list_display = [
        "id",
        "borrower",
        "partner",
        "applied_date",
        "status",
        "score",
        "grade",
        "credit_limit_amount",
        "annual_rate",
        "decided_by",
    ]
    list_select_related = ["borrower", "partner", "decided_by"]
    list_filter = ["status", "grade", "partner", "scorecard_version"]
    search_fields = ["=id", "borrower__full_name", "borrower__external_id"]  # + a full mobile
    date_hierarchy = "applied_date"
    fieldsets = [
        (None, {"fields": ["borrower", "partner", "applied_date", "status"]}),
        (
            gettext_lazy("Decision"),
            {
                "fields": [
                    "scorecard_version",
                    "score",
                    "grade",
                    "credit_limit_amount",
                    "annual_rate",
                    "reasons",
                    "decided_at",
                    "decided_by",
                    "officer_note",
                ]
            },
        ),
        (gettext_lazy("Inputs and points"), {"fields": ["inputs_without_age", "points"]}),
        (None, {"fields": ["created_at"]}),
    ]
    readonly_fields = ["inputs_without_age"]

    @admin.display(description=gettext_lazy("inputs"))
    def inputs_without_age(self, application: CreditApplication) -> str:
        return inputs_shown(application.inputs)


# --- loans -------------------------------------------------------------------------------------


class InstallmentInline(ReadOnlyTabularInline[Installment, Loan]):
    """The schedule and what has been charged, paid and waived on each row, readable and
    narrow enough for 1280 px (issue #23; the officers' loan page has every column)."""

    model = Installment
    verbose_name_plural = gettext_lazy("schedule")
    fields = [
        "number",
        "due_date",
        "principal_shown",
        "interest_shown",
        "fee_shown",
        "penalty_shown",
        "paid_shown",
        "waived_shown",
        "paid_date",
    ]
    ordering = ["number"]

    @admin.display(description=gettext_lazy("principal"))
    def principal_shown(self, i: Installment) -> str:
        return money(i.principal_amount)

    @admin.display(description=gettext_lazy("interest"))
    def interest_shown(self, i: Installment) -> str:
        return money(i.interest_amount)

    @admin.display(description=gettext_lazy("fee"))
    def fee_shown(self, i: Installment) -> str:
        return money(i.fee_amount)

    @admin.display(description=gettext_lazy("penalty charged"))
    def penalty_shown(self, i: Installment) -> str:
        return money(i.penalty_charged_amount)

    @admin.display(description=gettext_lazy("paid"))
    def paid_shown(self, i: Installment) -> str:
        return money(
            i.principal_paid_amount
            + i.interest_paid_amount
            + i.fee_paid_amount
            + i.penalty_paid_amount
        )

    @admin.display(description=gettext_lazy("waived"))
    def waived_shown(self, i: Installment) -> str:
        return money(i.interest_waived_amount + i.fee_waived_amount + i.penalty_waived_amount)


class RepaymentInline(ReadOnlyTabularInline[Repayment, Loan]):
    model = Repayment
    fields = [
        "id",
        "value_date",
        "amount_shown",
        "channel",
        "reference",
        "status",
        "held_shown",
        "created_by",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Repayment]:
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description=gettext_lazy("amount"))
    def amount_shown(self, r: Repayment) -> str:
        return money(r.amount)

    @admin.display(description=gettext_lazy("advance / overpayment"))
    def held_shown(self, r: Repayment) -> str:
        return f"{money(r.advance_amount)} / {money(r.overpayment_amount)}"


@admin.register(Loan)
class LoanAdmin(MobileSearchMixin[Loan], ReadOnlyModelAdmin[Loan]):
    list_display = [
        "id",
        "desk",
        "borrower",
        "product_code",
        "status",
        "principal_outstanding_amount",
        "days_past_due",
        "bucket",
        "drawn_date",
    ]
    # The list fits 1280 px beside its filters: the product by its code, the original
    # principal, term, method and partner on the loan's pages (and the last two as filters).
    list_select_related = ["borrower", "product"]
    # A date filter, not date_hierarchy: the hierarchy scans the whole table for its years and
    # months (1.1 s at 1,000,000 loans; issue #6), the filter's choices need no query.
    list_filter = [
        "status",
        "bucket",
        "product",
        "partner",
        "method",
        ("drawn_date", admin.DateFieldListFilter),
    ]
    search_fields = ["=id", "borrower__full_name", "borrower__external_id"]  # + a full mobile
    inlines = [InstallmentInline, RepaymentInline]

    readonly_fields = ["payout_state", "credit_line_shown"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "borrower",
                    "credit_line_shown",
                    "product",
                    "partner",
                    "status",
                    "cancel_reason",
                    "payout_state",
                ]
            },
        ),
        (
            gettext_lazy("Terms"),
            {
                "fields": [
                    "principal_amount",
                    "term",
                    "method",
                    "annual_rate",
                    "fee_rate",
                    "apr",
                    "rate_cap",
                    "penalty_multiplier",
                    "grace_days",
                    "write_off_days",
                    "allocation_rules",
                ]
            },
        ),
        (gettext_lazy("Dates"), {"fields": ["drawn_date", "disbursed_date", "closed_date"]}),
        (
            gettext_lazy("Balances (from the ledger)"),
            {
                "fields": [
                    "principal_outstanding_amount",
                    "interest_receivable_amount",
                    "fee_receivable_amount",
                    "penalty_receivable_amount",
                    "advance_amount",
                    "overpayment_amount",
                    "days_past_due",
                    "bucket",
                ]
            },
        ),
        (
            gettext_lazy("Contract acceptance"),
            {
                "fields": [
                    "contract_version",
                    "contract_hash",
                    "accepted_at",
                    "accepted_ip",
                    "accepted_user_agent",
                    "signature_name",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=gettext_lazy("product"), ordering="product__code")
    def product_code(self, loan: Loan) -> str:
        return loan.product.code

    def get_queryset(self, request: HttpRequest) -> QuerySet[Loan]:
        # The change page shows the credit line too; its __str__ needs no join.
        return (
            super()
            .get_queryset(request)
            .select_related("borrower", "product", "partner", "credit_line")
        )

    @admin.display(description=gettext_lazy("payout"))
    def payout_state(self, loan: Loan) -> str:
        """The payout's state and, once refused, the bank's reason (PRODUCT §11)."""
        payout = Payout.objects.filter(loan=loan).first()
        if payout is None:
            return "-"
        if payout.status == PayoutStatus.FAILED:
            reason = f": {payout.failure_reason}" if payout.failure_reason else ""
            code = _(str(payout.get_failure_code_display()))
            return f"{_(str(payout.get_status_display()))} ({code}{reason})"
        return _(str(payout.get_status_display()))  # the labels are in the catalogue

    @admin.display(description=gettext_lazy("credit line"))
    def credit_line_shown(self, loan: Loan) -> str:
        """The line's limit and what is used of it, as money (its ``__str__`` has raw amounts)."""
        line = loan.credit_line
        return _("%(used)s used of a %(limit)s limit") % {
            "used": money(line.used_amount),
            "limit": money(line.limit_amount),
        }

    def get_urls(self) -> list[URLPattern]:
        # The officers' loan page and its actions (issue #6), before the default <id>/ routes.
        return desk_urls(self.admin_site) + super().get_urls()

    @admin.display(description=gettext_lazy("officer page"))
    def desk(self, loan: Loan) -> SafeString:
        return loan_desk_link(loan)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyModelAdmin[ApprovalRequest]):
    list_display = [
        "id",
        "kind",
        loan_column,
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_select_related = ["loan", "requested_by", "decided_by"]
    list_filter = ["kind", "status"]
    search_fields = ["=id", "=loan__id", "requested_by__username", "decided_by__username"]
    date_hierarchy = "requested_at"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The request in words (issue #23): borrower, line, maker and reason; no payload JSON.
        return approval_view_page(self, request, object_id)
