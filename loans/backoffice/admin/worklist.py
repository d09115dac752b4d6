"""The collections worklist's columns and bucket filter (issue #23), mixed into
``desk.OverdueLoanAdmin``: overdue amount, days past due, last contact, promise, next action,
rows sorted by priority (``loans.backoffice.worklist``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from loans.backoffice.models import OverdueLoan
from loans.backoffice.paginator import EstimatedCountPaginator
from loans.backoffice.readable import EMPTY, code_label, money
from loans.backoffice.worklist import (
    FOLLOW_UP,
    NEXT_ACTION_LABELS,
    PRIORITY_ORDER,
    row_next_action,
    worklist_rows,
    worklist_slice,
)
from loans.calendar.selectors import business_date_current
from loans.domain.delinquency import Bucket
from loans.servicing.models import PromiseOutcome

OUTCOME_LABELS: dict[str, Any] = {
    PromiseOutcome.PENDING: _("pending"),
    PromiseOutcome.KEPT: _("kept"),
    PromiseOutcome.BROKEN: _("broken"),
}

WORKLIST_COLUMNS: list[Any] = [
    "desk_link",
    "borrower_name",
    "bucket_label",
    "dpd",
    "overdue",
    "last_contact_shown",
    "promise",
    "next_action",
    "agent",
]


class OverdueBucketFilter(admin.SimpleListFilter):
    """The buckets an overdue loan can be in: M1 to M4+, never "Current"."""

    title = _("bucket")
    parameter_name = "bucket__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(b.value, code_label(b.value)) for b in Bucket if b != Bucket.CURRENT]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value != Bucket.CURRENT and value in Bucket.__members__.values():
            return queryset.filter(bucket=value)
        return queryset


class ProductFilter(admin.RelatedFieldListFilter):
    """The product filter under a translated title (the field's name is not)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("product")


class WorklistPaginator(EstimatedCountPaginator):
    """Pages of the worklist in priority order read through the index (``worklist_slice``);
    a list sorted by a column the officer clicked is paged as usual."""

    def page(self, number: Any) -> Page:
        rows = self.object_list
        # The changelist appends the query's own ordering to the admin's: compare the start.
        if not isinstance(rows, QuerySet) or (
            tuple(rows.query.order_by)[: len(PRIORITY_ORDER)] != PRIORITY_ORDER
        ):
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        return Page(worklist_slice(rows, start, start + self.per_page), number, self)


class WorklistColumns:
    """The worklist's rows and readable columns."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[OverdueLoan]:
        request.business_date = business_date_current()  # type: ignore[attr-defined]
        return worklist_rows(as_of=request.business_date)  # type: ignore[attr-defined]

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return list(PRIORITY_ORDER)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        as_of = request.business_date  # type: ignore[attr-defined]
        for row in changelist.result_list:
            row.next_action_code = row_next_action(row, as_of=as_of)
        return changelist

    @admin.display(description=_("bucket"), ordering="bucket")
    def bucket_label(self, loan: OverdueLoan) -> str:
        return code_label(loan.bucket)

    @admin.display(description=_("days past due"), ordering="days_past_due")
    def dpd(self, loan: OverdueLoan) -> int:
        return loan.days_past_due

    @admin.display(description=_("overdue amount"), ordering="overdue_amount")
    def overdue(self, loan: OverdueLoan) -> str:
        return money(getattr(loan, "overdue_amount", None))

    @admin.display(description=_("last contact"), ordering="last_contact")
    def last_contact_shown(self, loan: OverdueLoan) -> str:
        day = getattr(loan, "last_contact", None)
        return day.isoformat() if day else str(_("never"))

    @admin.display(description=_("promise to pay"), ordering="promise_date")
    def promise(self, loan: OverdueLoan) -> str:
        day, amount = getattr(loan, "promise_date", None), getattr(loan, "promise_amount", None)
        if day is None or amount is None:
            return EMPTY
        outcome = OUTCOME_LABELS.get(getattr(loan, "promise_outcome", ""), "")
        return str(
            _("%(amount)s by %(date)s (%(outcome)s)")
            % {
                "amount": money(amount),
                "date": day.isoformat(),
                "outcome": outcome,
            }
        )

    @admin.display(description=_("next action"), ordering="priority")
    def next_action(self, loan: OverdueLoan) -> SafeString:
        code = getattr(loan, "next_action_code", None)
        if code is None:
            return format_html("{}", EMPTY)
        urgent = getattr(loan, "priority", None) == FOLLOW_UP
        return format_html(
            '<span class="next-action{}">{}</span>',
            " urgent" if urgent else "",
            NEXT_ACTION_LABELS[code],
        )
