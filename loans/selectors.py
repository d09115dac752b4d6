"""Reads of the lending core (STYLE.md: selectors), shared by portal, admin, API and commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import Borrower, Partner
from loans.domain.allocation import InstallmentBalance
from loans.domain.payoff import OutstandingInstallment, PayoffQuote, payoff_quote
from loans.models import (
    BusinessDate,
    Installment,
    Loan,
    LoanProduct,
    LoanStatus,
    OutboxEvent,
)
from loans.rows import instances_from_rows
from loans.services.reminders import installment_amount_due

ZERO = Decimal("0.00")
OPEN_STATUSES = (LoanStatus.PENDING_DISBURSEMENT, LoanStatus.ACTIVE)


def business_date_current() -> date:
    """Return the open business date, opening it at today's Beijing date the first time.

    Most requests read it, so the read is written out (the ORM's get_or_create compiled its
    SELECT on every call, several times what PostgreSQL spends on it).
    """
    with connection.cursor() as cursor:
        cursor.execute('SELECT "current_date" FROM loans_businessdate WHERE id = 1')
        row = cursor.fetchone()
    if row is not None:
        current: date = row[0]
        return current
    opened, _ = BusinessDate.objects.get_or_create(
        id=1, defaults={"current_date": timezone.localdate()}
    )
    return opened.current_date


def installments_unpaid(*, loan: Loan) -> QuerySet[Installment]:
    return loan.installments.filter(paid_date__isnull=True).order_by("number")


def installment_balance(installment: Installment) -> InstallmentBalance:
    """Return what can be collected on an installment now: charged or accrued, less paid/waived.

    Principal is owed in full (it is receivable from disbursement); interest only as accrued,
    fees once charged on the due date, penalty as charged (PRODUCT §2.3-2.5).
    """
    i = installment
    return InstallmentBalance(
        number=i.number,
        due_date=i.due_date,
        penalty=i.penalty_charged_amount - i.penalty_waived_amount - i.penalty_paid_amount,
        fee=i.fee_charged_amount - i.fee_waived_amount - i.fee_paid_amount,
        interest=i.interest_accrued_amount - i.interest_waived_amount - i.interest_paid_amount,
        principal=i.principal_amount - i.principal_paid_amount,
    )


def loan_payoff_quote(*, loan: Loan, as_of: date) -> PayoffQuote:
    """Return what closes the loan on ``as_of`` (PRODUCT §2.5), before any advance held."""
    rows = [
        OutstandingInstallment(
            period_start=i.accrual_start_date,
            due_date=i.due_date,
            scheduled_interest=i.interest_amount - i.accrual_base_amount,
            interest_paid=max(
                Decimal("0"),
                i.interest_paid_amount + i.interest_waived_amount - i.accrual_base_amount,
            ),
            principal_outstanding=i.principal_amount - i.principal_paid_amount,
            fee_outstanding=i.fee_charged_amount - i.fee_waived_amount - i.fee_paid_amount,
            penalty_outstanding=(
                i.penalty_charged_amount - i.penalty_waived_amount - i.penalty_paid_amount
            ),
        )
        for i in installments_unpaid(loan=loan)
    ]
    return payoff_quote(installments=rows, as_of=as_of)


def borrower_worst_days_past_due(*, borrower: Borrower) -> int:
    """Return the worst days past due of any loan of this person (same identity, any channel)."""
    worst = Loan.objects.filter(borrower__id_number_digest=borrower.id_number_digest).aggregate(
        worst=Max("days_past_due")
    )["worst"]
    return int(worst or 0)


@dataclass(frozen=True, slots=True)
class AmountsDue:
    """What a borrower can pay on a loan on a date, net of the advance already held (CNY).

    ``overdue``: unpaid parts of installments due before the date; ``next_installment`` the first
    installment due on or after it (None when none is left); ``next_amount`` what settles both,
    less the advance held, never above ``payoff``; ``payoff`` what closes the loan.
    """

    overdue: Decimal
    next_installment: Installment | None
    next_amount: Decimal
    payoff: Decimal
    advance: Decimal


def loan_amounts_due(*, loan: Loan, as_of: date) -> AmountsDue:
    """Return what is owed on ``as_of``: overdue, the next installment, and the payoff."""
    rows = list(installments_unpaid(loan=loan))
    overdue = sum((installment_amount_due(i) for i in rows if i.due_date < as_of), ZERO)
    upcoming = next((i for i in rows if i.due_date >= as_of), None)
    upcoming_amount = installment_amount_due(upcoming) if upcoming is not None else ZERO
    payoff = max(ZERO, loan_payoff_quote(loan=loan, as_of=as_of).total - loan.advance_amount)
    next_amount = min(payoff, max(ZERO, overdue + upcoming_amount - loan.advance_amount))
    return AmountsDue(
        overdue=overdue,
        next_installment=upcoming,
        next_amount=next_amount,
        payoff=payoff,
        advance=loan.advance_amount,
    )


class UnknownEventCursor(Exception):
    """The ``after`` of an event feed request names no event of this partner."""


def partner_events_after(*, partner: Partner, after: int | None, limit: int) -> list[OutboxEvent]:
    """Return the partner's next numbered events (commit order), after event ``after``.

    Raises UnknownEventCursor when ``after`` is no numbered event of the partner.
    """
    events = OutboxEvent.objects.filter(partner=partner, sequence__isnull=False)
    if after is not None:
        sequence = events.filter(pk=after).values_list("sequence", flat=True).first()
        if sequence is None:
            raise UnknownEventCursor(after)
        events = events.filter(sequence__gt=sequence)
    return list(events.order_by("sequence")[:limit])


BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint, the type of every id

# The columns the partner API's LoanSerializer reads: a loan row has 37, and the product's 18 more.
API_LOAN_COLUMNS = (
    *("id", "status", "borrower_id", "product_id", "principal_amount", "term", "method"),
    *("annual_rate", "fee_rate", "apr", "drawn_date", "disbursed_date", "closed_date"),
    *("days_past_due", "bucket", "contract_version", "accepted_at", "created_at"),
    *("principal_outstanding_amount", "interest_receivable_amount", "fee_receivable_amount"),
    *("penalty_receivable_amount", "advance_amount", "overpayment_amount", "product__code"),
)


# The loan read by id, written out once: the ORM spends about 0.75 ms compiling this query on
# every call, a sixth of a loan read (issue #7). Its columns are API_LOAN_COLUMNS' in the model's
# field order (loans.rows builds the loan); read with a plain cursor, because RawQuerySet
# inspects the model and the cursor's columns on every call (a fifth of a loan read's CPU).
_LOAN_READ_FIELDS = [
    field.attname for field in Loan._meta.concrete_fields if field.attname in API_LOAN_COLUMNS
]
_LOAN_READ = (
    "SELECT "  # noqa: S608 - the names are the model's, the values parameters
    + ", ".join(f"l.{name}" for name in _LOAN_READ_FIELDS)
    + ", p.code FROM loans_loan l JOIN loans_loanproduct p ON p.id = l.product_id"
    " WHERE l.id = %s AND l.partner_id = %s"
)


def partner_loan_read(*, partner_id: int, loan_id: int) -> Loan | None:
    """The partner's loan with this id as LoanSerializer reads it, or None."""
    if loan_id > BIGINT_MAX:  # no such id; PostgreSQL would compare as numeric, reading all
        return None
    with connection.cursor() as cursor:
        cursor.execute(_LOAN_READ, [loan_id, partner_id])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, code = row
    loan = instances_from_rows(Loan, _LOAN_READ_FIELDS, [values])[0]
    loan.product = LoanProduct.from_db(connection.alias, ["id", "code"], [loan.product_id, code])
    return loan
