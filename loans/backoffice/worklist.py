"""The collections worklist's rows and a loan's collections state (issue #23).

Each overdue loan carries what an agent decides on: the overdue amount (unpaid parts of the
installments due before the business date, as the borrower's portal counts it), the last
contact, the latest promise to pay, and the next action. The list is sorted by **priority**:

1. *Follow up now* (tier 0): a pending promise due on or before the business date, or the latest
   promise broken with no contact since its promised date;
2. *Work* (tier 1): every other overdue loan without a pending promise;
3. *Waiting* (tier 2): a pending promise dated after the business date.

Within a tier: days past due (highest first), then the overdue amount (highest first), then the
newest loan. The tier and the amounts are SQL annotations (a few index lookups per row through
``(loan, id)`` on notes and promises and ``(loan, number)`` on installments), so sorting and
filtering stay in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loans.backoffice.models import OverdueLoan
from loans.servicing.models import (
    CollectionAssignment,
    ContactNote,
    Installment,
    Loan,
    LoanStatus,
    PromiseOutcome,
    PromiseToPay,
)
from loans.servicing.selectors import loan_amounts_due

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)

FOLLOW_UP, WORK, WAITING = 0, 1, 2
PRIORITY_ORDER = ("priority", "-days_past_due", "-overdue_amount", "-id")
TIER_ORDER = PRIORITY_ORDER[1:]  # within a tier; (-days_past_due, -id) is loan_overdue_worklist


class NextAction(StrEnum):
    CHECK_PROMISE = "CHECK_PROMISE"
    PROMISE_BROKEN = "PROMISE_BROKEN"
    WAIT_FOR_PROMISE = "WAIT_FOR_PROMISE"
    WRITE_OFF = "WRITE_OFF"
    FIRST_CONTACT = "FIRST_CONTACT"
    CALL_AGAIN = "CALL_AGAIN"


NEXT_ACTION_LABELS: dict[NextAction, Promise] = {
    NextAction.CHECK_PROMISE: _("Check the promise due today"),
    NextAction.PROMISE_BROKEN: _("Call: the promise was broken"),
    NextAction.WAIT_FOR_PROMISE: _("Wait for the promised payment"),
    NextAction.WRITE_OFF: _("Request write-off"),
    NextAction.FIRST_CONTACT: _("First contact"),
    NextAction.CALL_AGAIN: _("Contact again, ask for a promise"),
}


def next_action(
    *,
    days_past_due: int,
    write_off_days: int,
    promise_outcome: str | None,
    promise_date: date | None,
    last_contact: date | None,
    as_of: date,
) -> NextAction:
    """What the agent does next on an overdue loan (the rule of the module's docstring)."""
    if promise_outcome == PromiseOutcome.PENDING and promise_date is not None:
        if promise_date <= as_of:
            return NextAction.CHECK_PROMISE
        return NextAction.WAIT_FOR_PROMISE
    if (
        promise_outcome == PromiseOutcome.BROKEN
        and promise_date is not None
        and (last_contact is None or last_contact <= promise_date)
    ):
        return NextAction.PROMISE_BROKEN
    if days_past_due >= write_off_days:
        return NextAction.WRITE_OFF
    if last_contact is None:
        return NextAction.FIRST_CONTACT
    return NextAction.CALL_AGAIN


def _overdue_amount(as_of: date) -> Subquery:
    """Unpaid principal, interest, fee and penalty of installments due before ``as_of``
    (``loans.servicing.selectors.installment_amount_due`` in SQL)."""
    owed = Greatest(
        F("principal_amount")
        - F("principal_paid_amount")
        + F("interest_amount")
        - F("interest_paid_amount")
        - F("interest_waived_amount")
        + F("fee_amount")
        - F("fee_paid_amount")
        - F("fee_waived_amount")
        + F("penalty_charged_amount")
        - F("penalty_paid_amount")
        - F("penalty_waived_amount"),
        Value(ZERO),
        output_field=MONEY,
    )
    rows = (
        Installment.objects.filter(loan=OuterRef("pk"), paid_date__isnull=True, due_date__lt=as_of)
        .order_by()
        .values("loan")
        .annotate(total=Sum(owed, output_field=MONEY))
        .values("total")
    )
    return Subquery(rows, output_field=MONEY)


def worklist_rows(*, as_of: date) -> QuerySet[OverdueLoan]:
    """Overdue active loans with their collections columns, by priority (module docstring)."""
    promise = PromiseToPay.objects.filter(loan=OuterRef("pk")).order_by("-id")
    contact = ContactNote.objects.filter(loan=OuterRef("pk")).order_by("-id")
    return (
        OverdueLoan.objects.filter(status=LoanStatus.ACTIVE, days_past_due__gt=0)
        .select_related("borrower", "product", "collection_assignment__agent")
        .annotate(
            overdue_amount=Coalesce(_overdue_amount(as_of), Value(ZERO), output_field=MONEY),
            last_contact=Subquery(contact.values("business_date")[:1], output_field=DateField()),
            promise_amount=Subquery(promise.values("amount")[:1], output_field=MONEY),
            promise_date=Subquery(promise.values("promised_date")[:1], output_field=DateField()),
            promise_outcome=Subquery(promise.values("outcome")[:1]),
        )
        .annotate(
            priority=Case(
                When(
                    Q(promise_outcome=PromiseOutcome.PENDING, promise_date__lte=as_of)
                    | Q(promise_outcome=PromiseOutcome.BROKEN, last_contact__isnull=True)
                    | Q(
                        promise_outcome=PromiseOutcome.BROKEN,
                        last_contact__lte=F("promise_date"),
                    ),
                    then=Value(FOLLOW_UP),
                ),
                When(promise_outcome=PromiseOutcome.PENDING, then=Value(WAITING)),
                default=Value(WORK),
                output_field=IntegerField(),
            )
        )
        .order_by(*PRIORITY_ORDER)
    )


def worklist_slice(rows: QuerySet[OverdueLoan], start: int, stop: int) -> list[OverdueLoan]:
    """Rows ``start`` to ``stop`` of ``rows`` (``worklist_rows``, filtered) in priority order,
    without working out the priority of every overdue loan.

    Only a loan with a promise to pay can be in tier 0 (follow up) or 2 (waiting): those few
    are ranked in full. Tier 1, every other overdue loan, is read in ``TIER_ORDER``: the index
    ``loan_overdue_worklist`` gives days past due, so PostgreSQL sorts by the overdue amount
    only the days it reaches (an incremental sort) and stops at the page's end. Sorting the
    priority over all rows instead took 15 s for 16,155 overdue loans of 200,000.
    """
    promised = rows.filter(pk__in=PromiseToPay.objects.values("loan_id"))
    first = list(
        promised.filter(Q(priority=FOLLOW_UP)).order_by(*TIER_ORDER).values_list("pk", flat=True)
    )
    last = list(
        promised.filter(Q(priority=WAITING)).order_by(*TIER_ORDER).values_list("pk", flat=True)
    )
    work = rows.exclude(pk__in=first + last).order_by(*TIER_ORDER)
    keys = first[start:stop]
    work_start, work_stop = max(start - len(first), 0), stop - len(first)
    if work_stop > 0:
        keys += work.values_list("pk", flat=True)[work_start:work_stop]
        if len(keys) < stop - start:  # tier 1 ended on this page: the waiting ones follow
            worked = work.count()
            keys += last[max(work_start - worked, 0) : work_stop - worked]
    found = {row.pk: row for row in rows.filter(pk__in=keys)}
    return [found[key] for key in keys if key in found]


def row_next_action(row: OverdueLoan, *, as_of: date) -> NextAction:
    """The next action of a row of ``worklist_rows``."""
    return next_action(
        days_past_due=row.days_past_due,
        write_off_days=row.write_off_days,
        promise_outcome=getattr(row, "promise_outcome", None),
        promise_date=getattr(row, "promise_date", None),
        last_contact=getattr(row, "last_contact", None),
        as_of=as_of,
    )


# --- one loan's state, for its page --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectionsState:
    loan: Loan
    as_of: date
    overdue: Decimal
    agent: str | None
    last_contact: ContactNote | None
    promise: PromiseToPay | None  # the latest one, whatever its outcome
    action: NextAction

    @property
    def action_label(self) -> str:
        return str(NEXT_ACTION_LABELS[self.action])

    @property
    def overdue_now(self) -> bool:
        return self.loan.status == LoanStatus.ACTIVE and self.loan.days_past_due > 0


def loan_collections_state(*, loan: Loan, as_of: date) -> CollectionsState:
    """What collections knows about ``loan`` on ``as_of`` (four small queries)."""
    last_contact = ContactNote.objects.filter(loan=loan).select_related("author").first()
    promise = PromiseToPay.objects.filter(loan=loan).order_by("-id").first()
    assignment = CollectionAssignment.objects.filter(loan=loan).select_related("agent").first()
    overdue = loan_amounts_due(loan=loan, as_of=as_of).overdue
    return CollectionsState(
        loan=loan,
        as_of=as_of,
        overdue=overdue if loan.status == LoanStatus.ACTIVE else ZERO,
        agent=assignment.agent.username if assignment else None,
        last_contact=last_contact,
        promise=promise,
        action=next_action(
            days_past_due=loan.days_past_due,
            write_off_days=loan.write_off_days,
            promise_outcome=promise.outcome if promise else None,
            promise_date=promise.promised_date if promise else None,
            last_contact=last_contact.business_date if last_contact else None,
            as_of=as_of,
        ),
    )
