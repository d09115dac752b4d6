"""Nights already closed, replayed for one loan by a correction (issue #17; PRODUCT §2.4, §2.5).

A repayment posted with a value date before nights that close of business has closed, or the
reversal of one, changes what those nights should have done: the penalty charged on overdue
principal, the advance applied on a due date, the days past due and the bucket. The
correction replays them the way it replays the later repayments (``repayments``): it undoes
the penalty of every closed night from the value date on, then, day by day, posts that day's
repayments again and closes the night again (advance applied, penalty charged, loan closed
when nothing is left unpaid) by the rules of ``loans.domain.nights``, the nightly batch's
rules for one loan; at the end it restates the loan's days past due and bucket as of the last
closed night, with a bucket-change event when it moved. Interest needs no replay: accrual
does not depend on payments, and a payoff or prepayment trues it up to its value date.

Each night's penalty, undone or charged again, is an entry of type PENALTY dated that night
(Dr penalty receivable per installment, Cr penalty income; the other way round to undo), so the
penalty of a night is always the sum of the PENALTY entries dated on it, and a later correction
undoes exactly that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from accounts.models import User
from loans.calendar.selectors import business_date_current, next_working_days_between
from loans.domain.nights import NightClose, NightInstallment, PenaltyTerms, night_close
from loans.errors import LendingError
from loans.events.models import WebhookEventType
from loans.events.services.outbox import outbox_event_write
from loans.ledger.models import AccountCode, EntryType, JournalLine
from loans.ledger.services import Line, credit, debit
from loans.servicing.models import Installment, Loan, LoanEvent, LoanEventType, LoanStatus
from loans.servicing.services.advances import advance_apply
from loans.servicing.services.installments import Change, changes_apply
from loans.servicing.services.posting import loan_entry_post
from loans.servicing.services.states import loan_transition

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class ClosedNights:
    """The closed nights a correction replays, ``first`` to ``last`` (both closed)."""

    first: date
    last: date
    next_working_days: dict[date, date]

    def __iter__(self) -> Iterator[date]:
        night = self.first
        while night <= self.last:
            yield night
            night += timedelta(days=1)


def closed_nights(*, loan: Loan, value_date: date, as_of: date) -> ClosedNights | None:
    """Return the nights closed from ``value_date`` on, or None when none is.

    Closed: before the open business date (close of business of D moves it to D + 1), and
    before ``as_of``. A value date on the business date itself closes nothing: no query.
    """
    if value_date >= as_of:
        return None
    last = min(as_of, business_date_current()) - timedelta(days=1)
    if last < value_date:
        return None
    start = loan.disbursed_date or value_date
    return ClosedNights(value_date, last, next_working_days_between(start, last))


_NIGHT_PENALTIES = """
    SELECT e.value_date, l.installment_number, sum(l.amount)
    FROM loans_journalline l JOIN loans_journalentry e ON e.id = l.entry_id
    WHERE l.loan_id = %s AND l.account = %s AND e.entry_type = %s
      AND e.value_date BETWEEN %s AND %s AND l.installment_number IS NOT NULL
    GROUP BY e.value_date, l.installment_number
    HAVING sum(l.amount) <> 0
    ORDER BY e.value_date, l.installment_number
"""


def penalty_nights_undo(
    *,
    loan_id: int,
    nights: ClosedNights,
    user: User | None,
    refused: type[LendingError],
) -> None:
    """Undo the penalty charged on each night of ``nights``, night by night.

    Raises ``refused`` when a penalty waiver was posted on or after the first night: undoing
    the penalty it waived would leave less owed than waived (not supported, nothing written).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _NIGHT_PENALTIES,
            [
                loan_id,
                str(AccountCode.PENALTY_RECEIVABLE),
                str(EntryType.PENALTY),
                nights.first,
                nights.last,
            ],
        )
        rows = cursor.fetchall()
    if not rows:
        return
    if _penalty_waived_since(loan_id, nights.first):
        raise refused(
            "A penalty waiver was posted on or after this date; the penalty it waived cannot be "
            "recomputed. Nothing was changed."
        )
    by_night: dict[date, dict[int, Decimal]] = defaultdict(dict)
    for night, number, amount in rows:
        by_night[night][number] = -amount
    loan = Loan.objects.get(pk=loan_id)
    for night, amounts in by_night.items():
        _penalty_post(
            loan, night, amounts, user, memo=f"Penalty of {night} undone for a correction"
        )


def _penalty_waived_since(loan_id: int, first: date) -> bool:
    return JournalLine.objects.filter(
        loan_id=loan_id,
        account=AccountCode.PENALTY_RECEIVABLE,
        entry__entry_type=EntryType.WAIVER,
        entry__value_date__gte=first,
    ).exists()


def _penalty_post(
    loan: Loan, night: date, amounts: dict[int, Decimal], user: User | None, *, memo: str
) -> None:
    """Charge (> 0) or undo (< 0) penalty per installment, in one PENALTY entry dated ``night``."""
    lines: list[Line] = [
        debit(AccountCode.PENALTY_RECEIVABLE, amount, number) for number, amount in amounts.items()
    ]
    lines.append(credit(AccountCode.PENALTY_INCOME, sum(amounts.values(), ZERO)))
    loan_entry_post(
        entry_type=EntryType.PENALTY,
        value_date=night,
        loan=loan,
        lines=lines,
        memo=memo,
        user=user,
        back_dated=True,  # a night replayed in a closed month is booked in the open period
    )
    changes_apply(
        loan=loan,
        changes=[Change(n, "penalty_charged_amount", amount) for n, amount in amounts.items()],
    )


def night_replay(*, loan_id: int, night: date, nights: ClosedNights, user: User | None) -> None:
    """Close ``night`` again for the loan, as close of business does, after the day's events.

    The advance held is applied to what is due, the night's penalty is charged, and a loan with
    nothing left unpaid is closed on that night.
    """
    loan = Loan.objects.get(pk=loan_id)
    if loan.status != LoanStatus.ACTIVE:
        return
    unpaid_due = loan.installments.filter(paid_date__isnull=True, due_date__lte=night)
    if loan.advance_amount and unpaid_due.exists():
        advance_apply(loan=loan, as_of=night, key=None)
    closed = _night_close(loan, night, nights)
    if closed.penalties:
        _penalty_post(loan, night, closed.penalties, user, memo=f"Penalty of {night} replayed")
    if not loan.installments.filter(paid_date__isnull=True).exists():
        loan_transition(loan=loan, to=LoanStatus.PAID_OFF)
        loan.closed_date = night
        loan.save(update_fields=["status", "closed_date", "updated_at"])


def delinquency_restate(*, loan_id: int, nights: ClosedNights) -> None:
    """Set the loan's days past due and bucket as of the last closed night, at once.

    A change of bucket is recorded as a restated ``loan.bucket_changed`` event of that night,
    and sent to the partner's outbox in this transaction.
    """
    loan = Loan.objects.get(pk=loan_id)
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.PAID_OFF):
        return
    closed = _night_close(loan, nights.last, nights)
    if (loan.days_past_due, loan.bucket) == (closed.days_past_due, closed.bucket):
        return
    old_bucket = loan.bucket
    Loan.objects.filter(pk=loan_id).update(days_past_due=closed.days_past_due, bucket=closed.bucket)
    if closed.bucket == old_bucket:
        return
    data = {"from": old_bucket, "to": str(closed.bucket), "days_past_due": closed.days_past_due}
    LoanEvent.objects.create(
        loan=loan,
        event_type=LoanEventType.BUCKET_CHANGED,
        business_date=nights.last,
        data=data,
        restated=True,
    )
    outbox_event_write(
        partner_id=loan.partner_id,
        loan_id=loan.pk,
        event_type=WebhookEventType.LOAN_BUCKET_CHANGED,
        data={"loan": loan.pk, "business_date": nights.last.isoformat(), **data, "restated": True},
    )


def _night_close(loan: Loan, night: date, nights: ClosedNights) -> NightClose:
    return night_close(
        installments=[_as_of_night(row, night) for row in loan.installments.all()],
        night=night,
        terms=PenaltyTerms(
            annual_rate=loan.annual_rate,
            multiplier=loan.penalty_multiplier,
            cap=loan.rate_cap,
            grace_days=loan.grace_days,
        ),
        next_working_days=nights.next_working_days,
    )


def _as_of_night(row: Installment, night: date) -> NightInstallment:
    # Settled by that night: a waiver posted later may have settled it since.
    settled = row.paid_date is not None and row.paid_date <= night
    return NightInstallment(
        number=row.number,
        due_date=row.due_date,
        unpaid_principal=row.principal_amount - row.principal_paid_amount,
        settled=settled,
    )
