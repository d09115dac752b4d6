"""Repayments (PRODUCT §2.5): allocation by the loan's rules, prepayment, payoff, overpayment,
and reversal with replay of the later repayments in date order.

The plan (allocation, payoff, prepayment and re-amortisation, in memory) is
``repayment_plans``; this module locks, writes the plan, and undoes and replays.

Every repayment is one journal entry: cash in, receivables out per installment and component,
the rest to the advance or overpayment liability. Interest trued up to the value date (a payoff
or prepayment on a day whose accrual has not run, or a back-dated one) is in the same entry, so
reversing the entry undoes all of it. The installment deltas are recorded on the repayment and
undone by its reversal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import User
from loans.calendar.selectors import business_date_current
from loans.domain.prepayment import PrepaymentMode
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType, JournalEntry
from loans.ledger.services import debit
from loans.servicing.models import (
    Installment,
    Loan,
    LoanStatus,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.services.advances import advance_apply
from loans.servicing.services.components import credit_line_release
from loans.servicing.services.dry_run import log_committed
from loans.servicing.services.installments import changes_apply, paid_dates_refresh
from loans.servicing.services.locked_reads import installments_unpaid_read, loan_lock
from loans.servicing.services.nights import (
    ClosedNights,
    closed_nights,
    delinquency_restate,
    night_replay,
    penalty_nights_undo,
)
from loans.servicing.services.posting import loan_entry_post
from loans.servicing.services.repayment_plans import Plan, RepaymentRefused, repayment_plan
from loans.servicing.services.repayment_undo import (
    RepaymentReversalRefused,
    advance_application_undo,
    repayment_undo,
)
from loans.servicing.services.states import loan_transition

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


class RepaymentReferenceDuplicate(LendingError):
    """The partner's reference is already on a posted repayment of the loan (its id is kept)."""

    code = "duplicate_reference"

    def __init__(self, message: str, *, repayment_id: int) -> None:
        super().__init__(message)
        self.repayment_id = repayment_id


@transaction.atomic
def repayment_post(
    *,
    loan: Loan,
    amount: Decimal,
    value_date: date,
    as_of: date,
    channel: RepaymentChannel,
    reference: str = "",
    prepayment_mode: PrepaymentMode | None = None,
    user: User | None = None,
    replay_of: Repayment | None = None,
) -> Repayment:
    """Post a repayment received on ``value_date`` (at most the business date ``as_of``).

    Allocated by the loan's rules (PRODUCT §2.5); the rest is an advance, or a prepayment of
    principal when ``prepayment_mode`` is given; an amount that covers the payoff closes the
    loan, and anything beyond it is an overpayment. A value date before a later posted
    repayment reverses those and posts them again after this one; before nights already
    closed, those nights are closed again with it (penalty, advance, days past due and bucket:
    ``nights``). Raises RepaymentRefused.
    """
    return _post_locked(
        loan_lock(loan_id=loan.pk),
        amount=amount,
        value_date=value_date,
        as_of=as_of,
        channel=channel,
        reference=reference,
        prepayment_mode=prepayment_mode,
        user=user,
        replay_of=replay_of,
    )


@transaction.atomic
def partner_repayment_post(
    *, partner_id: int, loan_id: int, amount: Decimal, value_date: date | None, reference: str
) -> Repayment:
    """Post a repayment a partner received, on one of its own loans (the partner API's).

    Valued on the business date unless ``value_date`` is given. The loan is locked and checked
    to be the partner's in one read. A non-empty ``reference`` is the partner's id of the
    payment: one posted repayment per reference and loan, whatever the Idempotency-Key (a
    database constraint too, ``repayment_partner_reference_unique``). Raises Loan.DoesNotExist
    (another partner's loan is as absent as a missing one), RepaymentReferenceDuplicate and
    RepaymentRefused.
    """
    loan = loan_lock(loan_id=loan_id, partner_id=partner_id)
    if reference:
        # Under the loan's lock: a parallel post of the same reference waits, then sees this.
        _check_reference_unused(loan, reference)
    as_of = business_date_current()
    return _post_locked(
        loan,
        amount=amount,
        value_date=value_date or as_of,
        as_of=as_of,
        channel=RepaymentChannel.PARTNER,
        reference=reference,
    )


def _check_reference_unused(loan: Loan, reference: str) -> None:
    first = (
        Repayment.objects.filter(
            loan=loan,
            channel=RepaymentChannel.PARTNER,
            reference=reference,
            status=RepaymentStatus.POSTED,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if first is not None:
        raise RepaymentReferenceDuplicate(
            f"Repayment {first} of loan {loan.pk} already has the reference {reference!r}; "
            "nothing was posted.",
            repayment_id=first,
        )


def _post_locked(
    loan: Loan,
    *,
    amount: Decimal,
    value_date: date,
    as_of: date,
    channel: RepaymentChannel,
    reference: str = "",
    prepayment_mode: PrepaymentMode | None = None,
    user: User | None = None,
    replay_of: Repayment | None = None,
) -> Repayment:
    """``repayment_post`` on a loan read under lock in this transaction."""
    _check_repayable(loan, amount, value_date, as_of)
    later: list[_Event] = []
    nights: ClosedNights | None = None
    if replay_of is None:
        later = _events_after(loan, value_date)
        nights = closed_nights(loan=loan, value_date=value_date, as_of=as_of)
    for event in reversed(later):
        _undo_event(event, as_of=as_of, user=user, memo="Replayed after a back-dated repayment")
    if nights is not None:
        penalty_nights_undo(loan_id=loan.pk, nights=nights, user=user, refused=RepaymentRefused)
    if later or nights is not None:
        loan.refresh_from_db()  # the undo worked on rows of its own: the advance held moved
    repayment = _post(
        loan, amount, value_date, channel, reference, prepayment_mode, user, replay_of
    )
    _redo_all(later, nights, loan.pk, as_of=as_of, user=user)
    if replay_of is None:
        # The replays worked on rows of their own; without any, ``loan`` is up to date.
        replayed = bool(later) or nights is not None
        status = (
            Loan.objects.values_list("status", flat=True).get(pk=loan.pk)
            if replayed
            else loan.status
        )
        _posted_events_write(loan, repayment, status)
    return repayment


def _redo_all(
    later: list[_Event],
    nights: ClosedNights | None,
    loan_id: int,
    *,
    as_of: date,
    user: User | None,
) -> None:
    """Post the undone events again in date order, closing each closed night again after its day.

    On a closed night the replayed close of business applies the advance itself, so the
    advance applications undone on those nights are not redone one by one.
    """
    pending = list(later)
    if nights is not None:
        for night in nights:
            while pending and pending[0].value_date <= night:
                event = pending.pop(0)
                if event.repayment is not None:
                    _redo_event(event, as_of=as_of, user=user)
            night_replay(loan_id=loan_id, night=night, nights=nights, user=user)
    for event in pending:
        _redo_event(event, as_of=as_of, user=user)
    if nights is not None:
        delinquency_restate(loan_id=loan_id, nights=nights)


def _posted_events_write(loan: Loan, repayment: Repayment, status: str) -> None:
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.REPAYMENT_POSTED,
        data=repayment_event_data(repayment),
    )
    if status == LoanStatus.PAID_OFF:
        outbox_event_write(
            partner_id=loan.partner_id,
            loan_id=loan.pk,
            event_type=WebhookEventType.LOAN_PAID_OFF,
            data={"loan": loan.pk, "repayment": repayment.pk},
        )


def repayment_event_data(repayment: Repayment) -> dict[str, Any]:
    """The data of repayment.posted / repayment.reversed events."""
    return {
        "repayment": repayment.pk,
        "loan": repayment.loan_id,
        "amount": str(repayment.amount),
        "value_date": repayment.value_date.isoformat(),
        "reference": repayment.reference,
        "status": repayment.status,
    }


def _check_repayable(loan: Loan, amount: Decimal, value_date: date, as_of: date) -> None:
    if loan.status != LoanStatus.ACTIVE:
        raise RepaymentRefused(
            f"Loan {loan.pk} is {loan.status}; only active loans take repayments."
        )
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RepaymentRefused(f"The amount must be positive and in whole fen, got {amount}.")
    if value_date > as_of:
        raise RepaymentRefused(f"The value date {value_date} is after the business date {as_of}.")
    if loan.disbursed_date is None or value_date < loan.disbursed_date:
        raise RepaymentRefused(f"The value date {value_date} is before the disbursement.")


def _post(
    loan: Loan,
    amount: Decimal,
    value_date: date,
    channel: RepaymentChannel,
    reference: str,
    prepayment_mode: PrepaymentMode | None,
    user: User | None,
    replay_of: Repayment | None,
) -> Repayment:
    rows = installments_unpaid_read(loan=loan)
    try:
        plan = repayment_plan(loan, rows, amount, value_date, prepayment_mode)
    except RepaymentRefused:
        if replay_of is None or prepayment_mode is None:
            raise
        # A replayed prepayment that no longer fits (a correction before it changed what is
        # owed): the money is kept, as an advance, rather than blocking the correction.
        prepayment_mode = None
        rows = installments_unpaid_read(loan=loan)
        plan = repayment_plan(loan, rows, amount, value_date, prepayment_mode)
    plan.lines.insert(0, debit(AccountCode.CASH, amount))
    entry = loan_entry_post(
        entry_type=EntryType.REPAYMENT,
        value_date=value_date,
        loan=loan,
        lines=plan.lines,
        memo=f"Repayment {reference}".strip(),
        user=user,
        # A value date in a closed month: booked in the open period, value date kept.
        back_dated=True,
    )
    _write_plan(loan, plan, value_date)
    repayment = Repayment.objects.create(
        loan=loan,
        amount=amount,
        value_date=value_date,
        channel=channel,
        reference=reference,
        prepayment_mode=prepayment_mode or "",
        allocation={"parts": plan.parts, "changes": [c.as_data() for c in plan.changes]},
        advance_amount=plan.advance,
        overpayment_amount=plan.overpayment,
        prepaid_principal_amount=plan.prepaid_principal,
        schedule_before=plan.schedule_before,
        entry=entry,
        replay_of=replay_of,
        created_by=user,
    )
    log_committed(logger, "repayment %s posted on loan %s", repayment.pk, loan.pk)
    return repayment


def _write_plan(loan: Loan, plan: Plan, value_date: date) -> None:
    changes_apply(loan=loan, changes=plan.changes)
    if plan.schedule_after is not None and plan.schedule_before is not None:
        _schedule_write(loan, plan.schedule_after, plan.schedule_before)
    if plan.changes or plan.schedule_after is not None:  # else no installment moved
        paid_dates_refresh(loan=loan, as_of=value_date)
    credit_line_release(loan, plan.principal_repaid)
    if plan.pays_off and loan.status == LoanStatus.ACTIVE:
        loan_transition(loan=loan, to=LoanStatus.PAID_OFF)
        loan.closed_date = value_date
        loan.save(update_fields=["status", "closed_date", "updated_at"])


def _schedule_write(
    loan: Loan, after: list[Installment], before: list[dict[str, str | int]]
) -> None:
    kept = {row.number for row in after}
    dropped = [int(d["number"]) for d in before if int(d["number"]) not in kept]
    loan.installments.filter(number__in=dropped).delete()
    fields = [
        "principal_amount", "interest_amount", "fee_amount", "accrual_start_date",
        "accrual_base_amount",
    ]  # fmt: skip
    for row in after:
        Installment.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})


@transaction.atomic
def repayment_reverse(
    *, repayment: Repayment, as_of: date, user: User | None = None, memo: str = ""
) -> Repayment:
    """Reverse a posted repayment by a linked entry; post the later ones again in date order.

    Nights closed since its value date are closed again without it (penalty, advance, days
    past due and bucket: ``nights``). Raises RepaymentReversalRefused when it is reversed
    already, or for the documented limits of corrections (docs/ledger.md).
    """
    loan = Loan.objects.select_for_update().get(pk=repayment.loan_id)
    repayment = Repayment.objects.get(pk=repayment.pk)
    if repayment.status != RepaymentStatus.POSTED:
        raise RepaymentReversalRefused(f"Repayment {repayment.pk} is already reversed.")
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.PAID_OFF):
        raise RepaymentReversalRefused(f"Loan {loan.pk} is {loan.status}.")
    later = _events_after(loan, repayment.value_date, after=repayment)
    nights = closed_nights(loan=loan, value_date=repayment.value_date, as_of=as_of)
    for event in reversed(later):
        _undo_event(event, as_of=as_of, user=user, memo="Replayed after a reversal")
    if nights is not None:
        penalty_nights_undo(
            loan_id=loan.pk, nights=nights, user=user, refused=RepaymentReversalRefused
        )
    memo = memo or f"Reversal of repayment {repayment.pk}"
    repayment_undo(repayment=repayment, as_of=as_of, user=user, memo=memo)
    _redo_all(later, nights, loan.pk, as_of=as_of, user=user)
    repayment.refresh_from_db()
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.REPAYMENT_REVERSED,
        data=repayment_event_data(repayment),
    )
    return repayment


@dataclass(frozen=True, slots=True)
class _Event:
    """A money event after a value date that a correction must undo and replay."""

    value_date: date
    order: int  # on one date, the day's repayments come before the night's advance application
    ident: int
    loan_id: int
    repayment: Repayment | None = None
    entry: JournalEntry | None = None


_LOAN_MONEY_EVENTS = """
    SELECT entry_type, value_date, id FROM loans_journalentry
    WHERE loan_id = %s AND entry_type = ANY(%s)
"""
_MONEY_EVENT_TYPES = [
    str(t) for t in (EntryType.REFUND, EntryType.REPAYMENT, EntryType.ADVANCE_APPLIED)
]


def _events_after(loan: Loan, value_date: date, *, after: Repayment | None = None) -> list[_Event]:
    """Return the posted repayments and advance applications after ``value_date``, in order.

    Raises RepaymentRefused when an overpayment refund follows: money paid out cannot be
    replayed, so such a correction is refused.
    """
    # One look at the loan's journal first: usually nothing follows and neither list below is
    # read. The dates are compared here, not in SQL: with "value_date >= today" PostgreSQL
    # takes the date index (today is past its statistics) and reads all of today's entries.
    # Written out: every repayment runs it, and the ORM took longer to compile it than to run.
    with connection.cursor() as cursor:
        cursor.execute(_LOAN_MONEY_EVENTS, [loan.pk, _MONEY_EVENT_TYPES])
        later = [(kind, day, pk) for kind, day, pk in cursor.fetchall() if day >= value_date]
    if any(kind == EntryType.REFUND for kind, _, _ in later):
        raise RepaymentRefused("An overpayment refund follows this date; it cannot be replayed.")
    events: list[_Event] = []
    # A reversal (``after``) also replays the same day's later repayments.
    if any(kind == EntryType.REPAYMENT and (after or day > value_date) for kind, day, _ in later):
        following = Q(value_date__gt=value_date)
        if after is not None:
            following |= Q(value_date=value_date, id__gt=after.pk)
        repayments = loan.repayments.filter(following, status=RepaymentStatus.POSTED)
        events += [_Event(r.value_date, 0, r.pk, loan.pk, repayment=r) for r in repayments]
    applied = [pk for kind, _, pk in later if kind == EntryType.ADVANCE_APPLIED]
    if applied:
        advances = JournalEntry.objects.filter(pk__in=applied, reversed_by__isnull=True)
        events += [_Event(e.value_date, 1, e.pk, loan.pk, entry=e) for e in advances]
    return sorted(events, key=lambda e: (e.value_date, e.order, e.ident))


def _undo_event(event: _Event, *, as_of: date, user: User | None, memo: str) -> None:
    if event.repayment is not None:
        repayment_undo(repayment=event.repayment, as_of=as_of, user=user, memo=memo)
    elif event.entry is not None:
        advance_application_undo(
            entry=event.entry, loan_id=event.loan_id, as_of=as_of, user=user, memo=memo
        )


def _redo_event(event: _Event, *, as_of: date, user: User | None) -> None:
    if event.repayment is not None:
        _replay(event.repayment, as_of=as_of, user=user)
    elif event.entry is not None:
        loan = Loan.objects.get(pk=event.loan_id)
        if loan.status == LoanStatus.ACTIVE and loan.advance_amount:
            advance_apply(loan=loan, as_of=event.value_date, key=None)


def _replay(original: Repayment, *, as_of: date, user: User | None) -> Repayment:
    loan = Loan.objects.get(pk=original.loan_id)
    return _post(
        loan,
        original.amount,
        original.value_date,
        RepaymentChannel(original.channel),
        original.reference,
        PrepaymentMode(original.prepayment_mode) if original.prepayment_mode else None,
        user,
        original,
    )
