"""Admin registrations of the back office (issue #6): the collections worklist, the loan page's
URLs, and read-only installment and repayment lists; imported by ``loans.admin``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.backoffice import views
from loans.backoffice.admin.columns import loan_column
from loans.backoffice.admin.worklist import (
    WORKLIST_COLUMNS,
    OverdueBucketFilter,
    ProductFilter,
    WorklistColumns,
    WorklistPaginator,
)
from loans.backoffice.forms import AssignAgentForm
from loans.backoffice.models import OverdueLoan
from loans.backoffice.paginator import ReadOnlyModelAdmin
from loans.servicing.models import Installment, Loan, Repayment
from loans.servicing.services.collections_desk import AssignmentRefused, collection_assign

ASSIGN_TO_OTHERS = "servicing.change_collectionassignment"
ASSIGN_TO_SELF = "servicing.add_collectionassignment"


def desk_urls(site: admin.AdminSite) -> list[URLPattern]:
    """The loan page and its actions, under /admin/servicing/loan/<id>/desk/."""
    wrap = site.admin_view
    urls = [
        path("<int:loan_id>/desk/", wrap(views.loan_desk_view), name="servicing_loan_desk"),
        path(
            "<int:loan_id>/desk/reveal/",
            wrap(views.loan_reveal_view),
            name="servicing_loan_desk_reveal",
        ),
    ]
    for key, slug in [
        ("offline_repayment", "repayment"),
        ("reverse_repayment", "reverse"),
        ("promise_to_pay", "promise"),
        ("contact_note", "note"),
        ("write_off_request", "write_off"),
        ("waiver_request", "waive"),
    ]:
        urls.append(
            path(
                f"<int:loan_id>/desk/{slug.replace('_', '-')}/",
                wrap(views.loan_action_view),
                {"key": key},
                name=f"servicing_loan_desk_{slug}",
            )
        )
    return urls


def loan_desk_link(loan: Loan) -> SafeString:
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:servicing_loan_desk", args=[loan.pk]), loan.pk
    )


# --- the collections worklist ------------------------------------------------------------------


class DaysPastDueFilter(admin.SimpleListFilter):
    title = _("days past due")
    parameter_name = "dpd"
    RANGES = {
        "1-30": (1, 30),
        "31-60": (31, 60),
        "61-90": (61, 90),
        "91-180": (91, 180),
        "181+": (181, None),
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, key) for key in self.RANGES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in self.RANGES:
            return queryset
        low, high = self.RANGES[str(self.value())]
        queryset = queryset.filter(days_past_due__gte=low)
        return queryset if high is None else queryset.filter(days_past_due__lte=high)


class AgentFilter(admin.SimpleListFilter):
    title = _("agent")
    parameter_name = "agent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        agents = _agents().values_list("pk", "username")
        return [("mine", _("Mine")), ("none", _("Unassigned"))] + [
            (str(pk), name) for pk, name in agents
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "mine":
            return queryset.filter(collection_assignment__agent=request.user)
        if value == "none":
            return queryset.filter(collection_assignment__isnull=True)
        if value and value.isdigit():
            return queryset.filter(collection_assignment__agent_id=int(value))
        return queryset


def _agents() -> QuerySet[User]:
    """Active staff who may work the worklist (through a group or directly)."""
    permission = Permission.objects.filter(
        content_type__app_label="backoffice", codename="view_overdueloan"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
            | Q(is_superuser=True)
        )
        .distinct()
        .order_by("username")
    )


@admin.register(OverdueLoan)
class OverdueLoanAdmin(WorklistColumns, admin.ModelAdmin[OverdueLoan]):
    """Overdue active loans by priority, with what collections knows (issues #6, #23; the rows
    and columns are ``loans.backoffice.admin.worklist``'s)."""

    list_display = WORKLIST_COLUMNS
    list_display_links = None
    list_filter = [OverdueBucketFilter, DaysPastDueFilter, AgentFilter, ("product", ProductFilter)]
    search_fields = ["=id"]
    actions = ["assign_to_me", "assign_to_agent"]
    paginator = WorklistPaginator
    show_full_result_count = False
    list_per_page = 50

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A worklist row opens the officers' loan page, not a form of Loan's fields.
        if not object_id.isdigit():
            raise Http404
        return views.loan_desk_view(request, int(object_id))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_assign_self_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ASSIGN_TO_SELF)

    def has_assign_others_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ASSIGN_TO_OTHERS)

    @admin.display(description=_("loan"), ordering="id")
    def desk_link(self, loan: OverdueLoan) -> SafeString:
        return loan_desk_link(loan)

    @admin.display(description=_("borrower"))
    def borrower_name(self, loan: OverdueLoan) -> str:
        return loan.borrower.full_name

    @admin.display(description=_("agent"))
    def agent(self, loan: OverdueLoan) -> str:
        assignment = getattr(loan, "collection_assignment", None)
        return assignment.agent.username if assignment is not None else "-"

    @admin.action(description=_("Assign to me"), permissions=["assign_self"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[OverdueLoan]) -> None:
        self._assign(request, list(queryset.values_list("pk", flat=True)), request.user)

    @admin.action(description=_("Assign to an agent…"), permissions=["assign_others"])
    def assign_to_agent(
        self, request: HttpRequest, queryset: QuerySet[OverdueLoan]
    ) -> HttpResponse | None:
        form = AssignAgentForm(request.POST if "agent" in request.POST else None, agents=_agents())
        if form.is_valid():
            ids = list(queryset.values_list("pk", flat=True))
            self._assign(request, ids, form.cleaned_data["agent"])
            return None
        return TemplateResponse(
            request,
            "admin/backoffice/desk/assign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign to an agent"),
                "form": form,
                "loans": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def _assign(self, request: HttpRequest, ids: list[int], agent: Any) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        try:
            changed = collection_assign(loan_ids=ids, agent=agent, by=request.user)
        except AssignmentRefused as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("%(n)d loans assigned.") % {"n": changed})


# --- read-only lists of the schedule and the repayments ----------------------------------------


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyModelAdmin[Installment]):
    list_display = [
        "id",
        loan_column,
        "number",
        "due_date",
        "principal_amount",
        "interest_amount",
        "fee_amount",
        "principal_paid_amount",
        "interest_paid_amount",
        "paid_date",
    ]
    list_select_related = ["loan"]
    search_fields = ["=loan__id"]
    ordering = ["-id"]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyModelAdmin[Repayment]):
    list_display = [
        "id",
        loan_column,
        "value_date",
        "amount",
        "channel",
        "status",
        "advance_amount",
        "overpayment_amount",
        "created_by",
    ]
    list_select_related = ["loan", "created_by"]
    list_filter = ["channel", "status"]
    search_fields = ["=loan__id", "=id"]
    ordering = ["-id"]
