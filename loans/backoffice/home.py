"""The back office's work home (issue #23): the queues with counts, what waits for me, and the
state of today's close of business and auto-debit run.

Every count is capped (``COUNT_CAP``): ``SELECT count(*) FROM (… LIMIT cap + 1)`` stops after
that many index entries, so the home costs the same at 1,000,000 loans as at 100. Each filter is
served by an index: loans by ``(status, id)`` and the partial ``loan_overdue_worklist``,
approvals by ``approval_status_kind_idx``, applications by ``(status, id)``, assignments by
``(agent, loan)``, settlement differences by ``settlement_diff_queue``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.approvals.models import ApprovalKind
from loans.approvals.services.approvals import approval_permission
from loans.backoffice.models import (
    OverdueLoan,
    PendingApproval,
    PendingDisbursement,
    ReferredApplication,
)
from loans.calendar.selectors import business_date_current
from loans.cob.models import CobRun, CobRunStatus
from loans.payments.models import (
    CollectionRun,
    CollectionRunStatus,
    DifferenceState,
    SettlementDifference,
)
from loans.servicing.models import CollectionAssignment, LoanStatus

COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class Tile:
    """One queue on the home: its name, how many wait (at most the cap) and where it is."""

    label: str
    count: int
    url: str

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown(self) -> int:
        return min(self.count, COUNT_CAP)


def capped_count(queryset: QuerySet[Any]) -> int:
    """Count up to COUNT_CAP + 1 rows, never more (a LIMIT inside the count)."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def _changelist(model: type[Model], query: str = "") -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{query}" if query else url


def _may_view(user: User, model: type[Model]) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def _overdue_loans() -> QuerySet[OverdueLoan]:
    return OverdueLoan.objects.filter(status=LoanStatus.ACTIVE, days_past_due__gt=0)


def queue_tiles(*, user: User) -> list[Tile]:
    """The queues this user may see, each with how many items wait in it."""
    queues: list[tuple[type[Model], Any, QuerySet[Any]]] = [
        (
            PendingApproval,
            _("Approvals waiting for a second approver"),
            PendingApproval.objects.all(),
        ),
        (PendingDisbursement, _("Loans pending disbursement"), PendingDisbursement.objects.all()),
        (
            ReferredApplication,
            _("Referred credit applications"),
            ReferredApplication.objects.all(),
        ),
        (OverdueLoan, _("Collections cases (overdue loans)"), _overdue_loans()),
        (
            SettlementDifference,
            _("Finance queue: open settlement differences"),
            SettlementDifference.objects.filter(state=DifferenceState.OPEN),
        ),
    ]
    return [
        Tile(str(label), capped_count(queryset.all()), _changelist(model))
        for model, label, queryset in queues
        if _may_view(user, model)
    ]


def waiting_for_me(*, user: User) -> list[Tile]:
    """Approvals this user may decide (not their own requests) and their collections cases."""
    tiles = []
    kinds = [
        kind for kind in ApprovalKind.values if user.has_perm(approval_permission(kind, "approve"))
    ]
    if kinds and _may_view(user, PendingApproval):
        mine = PendingApproval.objects.filter(kind__in=kinds).exclude(requested_by=user)
        tiles.append(
            Tile(str(_("Approvals I may decide")), capped_count(mine), _changelist(PendingApproval))
        )
    if _may_view(user, OverdueLoan):
        cases = CollectionAssignment.objects.filter(
            agent=user, loan__status=LoanStatus.ACTIVE, loan__days_past_due__gt=0
        )
        url = _changelist(OverdueLoan, "agent=mine")
        tiles.append(Tile(str(_("My collections cases")), capped_count(cases), url))
    return tiles


# The runs' own choices carry untranslated labels; the home shows these.
COB_STATUS_LABELS: dict[str, Promise] = {
    CobRunStatus.RUNNING: _("running"),
    CobRunStatus.DONE: _("done"),
}
COLLECTION_STATUS_LABELS: dict[str, Promise] = {
    CollectionRunStatus.PLANNED: _("planned"),
    CollectionRunStatus.SENDING: _("sending"),
    CollectionRunStatus.DONE: _("done"),
}


@dataclass(frozen=True, slots=True)
class Today:
    business_date: date
    last_close: CobRun | None
    tonight: CobRun | None  # the close of the open date, once it has started
    collection_run: CollectionRun | None

    @property
    def last_close_status(self) -> str:
        return str(COB_STATUS_LABELS[self.last_close.status]) if self.last_close else ""

    @property
    def tonight_status(self) -> str:
        return str(COB_STATUS_LABELS[self.tonight.status]) if self.tonight else ""

    @property
    def collection_run_status(self) -> str:
        run = self.collection_run
        return str(COLLECTION_STATUS_LABELS[run.status]) if run else ""


def today_state() -> Today:
    """The open business date, the last close of business, and the date's auto-debit run."""
    open_date = business_date_current()
    runs = {run.business_date: run for run in CobRun.objects.order_by("-business_date")[:2]}
    last_close = next((run for day, run in runs.items() if day < open_date), None)
    return Today(
        business_date=open_date,
        last_close=last_close,
        tonight=runs.get(open_date),
        collection_run=CollectionRun.objects.filter(business_date=open_date).first(),
    )
