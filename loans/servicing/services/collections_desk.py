"""The collections desk (issue #6): assignment to agents, contact notes, promises to pay.

Every write records an AuditEvent in its own transaction. Notes' text is never copied into the
audit trail (an agent may write a phone number in it); the audit keeps ids and amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record, audit_record_many
from accounts.models import User
from loans.errors import LendingError
from loans.servicing.models import (
    CollectionAssignment,
    ContactChannel,
    ContactNote,
    Loan,
    LoanStatus,
    PromiseToPay,
)
from loans.servicing.selectors import loan_amounts_due


class AssignmentRefused(LendingError):
    code = "assignment_refused"


class PromiseRefused(LendingError):
    code = "promise_refused"


class NoteRefused(LendingError):
    code = "note_refused"


WORK_COLLECTIONS = "backoffice.view_overdueloan"
PROMISE_WINDOW_DAYS = 30  # a promise is for a date from the business date to 30 days after it


@transaction.atomic
def collection_assign(*, loan_ids: Sequence[int], agent: User, by: User) -> int:
    """Assign these loans to ``agent`` (replacing any earlier agent); return how many changed.

    Raises AssignmentRefused when the agent may not work the collections worklist.
    """
    if not (agent.is_active and agent.is_staff and agent.has_perm(WORK_COLLECTIONS)):
        raise AssignmentRefused(f"User {agent.pk} does not work the collections worklist.")
    ids = list(Loan.objects.filter(pk__in=loan_ids).order_by("pk").values_list("pk", flat=True))
    # The assignments' rows are locked, not the loans': close of business and repayments work
    # on those. New rows race through the unique loan (ON CONFLICT in the upsert below).
    current = dict(
        CollectionAssignment.objects.select_for_update()
        .filter(loan_id__in=ids)
        .values_list("loan_id", "agent_id")
    )
    moved = {pk: current.get(pk) for pk in ids if current.get(pk) != agent.pk}
    CollectionAssignment.objects.bulk_create(
        [CollectionAssignment(loan_id=pk, agent=agent, assigned_by=by) for pk in moved],
        update_conflicts=True,
        unique_fields=["loan"],
        update_fields=["agent", "assigned_by", "assigned_at"],
    )
    audit_record_many(
        actor=by,
        action="collections.assign",
        model=Loan,
        details_by_id={
            pk: {"agent": agent.pk, "previous_agent": prev} for pk, prev in moved.items()
        },
    )
    return len(moved)


@transaction.atomic
def contact_note_add(
    *, loan: Loan, author: User, channel: ContactChannel, text: str, as_of: date
) -> ContactNote:
    """Record a contact with the borrower. Raises NoteRefused for an empty note."""
    text = text.strip()
    if not text:
        raise NoteRefused("Write what was said.")
    note = ContactNote.objects.create(
        loan=loan, author=author, channel=channel, business_date=as_of, text=text
    )
    audit_record(
        actor=author,
        action="collections.note",
        target=loan,
        details={"note": note.pk, "channel": str(channel)},
    )
    return note


@transaction.atomic
def promise_to_pay_record(
    *, loan: Loan, user: User, amount: Decimal, promised_date: date, as_of: date
) -> PromiseToPay:
    """Record a promise to pay ``amount`` (CNY, whole fen) by ``promised_date``.

    The promise is checked against what is overdue on ``as_of``: more than zero, at most the
    overdue total (``loan_amounts_due``), for a date from ``as_of`` to PROMISE_WINDOW_DAYS after
    it. Raises PromiseRefused (a translated message) otherwise, or for a closed loan.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    refusals = promise_check(loan=loan, amount=amount, promised_date=promised_date, as_of=as_of)
    if refusals:
        raise PromiseRefused(" ".join(message for _field, message in refusals))
    promise = PromiseToPay.objects.create(
        loan=loan, created_by=user, amount=amount, business_date=as_of, promised_date=promised_date
    )
    audit_record(
        actor=user,
        action="collections.promise",
        target=loan,
        details={
            "promise": promise.pk,
            "amount": str(amount),
            "promised_date": promised_date.isoformat(),
        },
    )
    return promise


def promise_check(
    *, loan: Loan, amount: Decimal, promised_date: date, as_of: date
) -> list[tuple[str | None, str]]:
    """Why a promise of ``amount`` by ``promised_date`` cannot be taken on ``as_of``: each
    refusal with the field it concerns ("amount", "promised_date" or None), all of them at once;
    empty when it can. The loan must be active with something overdue, the amount more than
    zero, in whole fen and at most the overdue total, the date within the window."""
    if loan.status != LoanStatus.ACTIVE:
        return [(None, _("Only an active loan takes a promise to pay."))]
    refusals: list[tuple[str | None, str]] = []
    overdue = loan_amounts_due(loan=loan, as_of=as_of).overdue
    if overdue <= 0:
        refusals.append((None, _("Nothing is overdue on this loan: there is nothing to promise.")))
    elif amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        refusals.append(("amount", _("The promised amount must be more than zero, in whole fen.")))
    elif amount > overdue:
        refusals.append(
            (
                "amount",
                _("The promised amount is more than the overdue total of %(overdue)s.")
                % {"overdue": f"¥{overdue:,.2f}"},
            )
        )
    last = as_of + timedelta(days=PROMISE_WINDOW_DAYS)
    if not as_of <= promised_date <= last:
        refusals.append(
            (
                "promised_date",
                _("The promised date must be between %(first)s and %(last)s.")
                % {"first": as_of.isoformat(), "last": last.isoformat()},
            )
        )
    return refusals


# Set-based: one statement for every pending promise, so close of business can run it nightly.
_RESOLVE = """
WITH paid AS (
    SELECT p.id, coalesce(sum(r.amount), 0) AS paid
    FROM loans_promisetopay p
    LEFT JOIN loans_repayment r
      ON r.loan_id = p.loan_id AND r.status = 'POSTED'
     AND r.value_date >= p.business_date AND r.value_date <= p.promised_date
    WHERE p.outcome = 'PENDING' AND p.promised_date <= %(as_of)s
    GROUP BY p.id
)
UPDATE loans_promisetopay p
SET paid_amount = paid.paid,
    outcome = CASE WHEN paid.paid >= p.amount THEN 'KEPT'
                   WHEN p.promised_date < %(as_of)s THEN 'BROKEN' ELSE 'PENDING' END,
    resolved_date = CASE WHEN paid.paid >= p.amount OR p.promised_date < %(as_of)s
                         THEN %(as_of)s::date END
FROM paid WHERE paid.id = p.id
RETURNING p.outcome
"""


@transaction.atomic
def promises_resolve(*, as_of: date) -> dict[str, int]:
    """Settle pending promises due on or before ``as_of``: KEPT once paid, BROKEN once late.

    A promise due on ``as_of`` itself stays PENDING unless already paid (the day is not over).
    Returns the count per outcome written.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RESOLVE, {"as_of": as_of})
        outcomes = [row[0] for row in cursor.fetchall()]
    return {outcome: outcomes.count(outcome) for outcome in ("KEPT", "BROKEN", "PENDING")}
