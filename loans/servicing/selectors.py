"""Reads of the lending core (STYLE.md: selectors), shared by portal, admin, API and commands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from accounts.models import Borrower
from loans.calendar.selectors import pay_by_date_for
from loans.domain.allocation import InstallmentBalance
from loans.domain.payoff import OutstandingInstallment, PayoffQuote, payoff_quote
from loans.servicing.models import Installment, Loan, LoanStatus

ZERO = Decimal("0.00")
OPEN_STATUSES = (LoanStatus.PENDING_DISBURSEMENT, LoanStatus.ACTIVE)


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
    return installments_payoff_quote(rows=installments_unpaid(loan=loan), as_of=as_of)


def installments_payoff_quote(*, rows: Iterable[Installment], as_of: date) -> PayoffQuote:
    """``loan_payoff_quote`` of a loan's unpaid installments already read (``rows``)."""
    outstanding = [
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
        for i in rows
    ]
    return payoff_quote(installments=outstanding, as_of=as_of)


def borrower_worst_days_past_due(*, borrower: Borrower) -> int:
    """Return the worst days past due of any loan of this person (same identity, any channel)."""
    worst = Loan.objects.filter(borrower__id_number_digest=borrower.id_number_digest).aggregate(
        worst=Max("days_past_due")
    )["worst"]
    return int(worst or 0)


def _same_person(borrower: Borrower, prefix: str = "") -> Q:
    if not borrower.id_number_digest:  # no identity yet: this record only
        return Q(**{f"{prefix}borrower": borrower})
    return Q(**{f"{prefix}borrower__id_number_digest": borrower.id_number_digest})


@dataclass(frozen=True, slots=True)
class PastDue:
    """What makes a person late: a loan with an unpaid installment due before the date (its
    oldest due date), or a written-off loan (``due_date`` None)."""

    loan_id: int
    due_date: date | None


def borrower_past_due(*, borrower: Borrower, as_of: date) -> PastDue | None:
    """Return why this person (same identity, any channel) is late on ``as_of``, or None.

    Read from the installments, not from the loans' days past due, so a payment lifts it at once
    and an installment due yesterday counts before tonight's close of business marks it. One
    due on a non-working day counts only after its pay-by date, the next working day (PRODUCT
    §12); the pay-by dates rise with the due dates, so the oldest decides.
    """
    late = (
        Installment.objects.filter(
            _same_person(borrower, "loan__"),
            loan__status=LoanStatus.ACTIVE,
            paid_date__isnull=True,
            due_date__lt=as_of,
        )
        .order_by("due_date")
        .values_list("loan_id", "due_date")
        .first()
    )
    if late is not None and pay_by_date_for(late[1]) < as_of:
        return PastDue(loan_id=late[0], due_date=late[1])
    written_off = (
        Loan.objects.filter(_same_person(borrower), status=LoanStatus.WRITTEN_OFF)
        .values_list("pk", flat=True)
        .first()
    )
    return None if written_off is None else PastDue(loan_id=written_off, due_date=None)


def loan_drawn_with(*, borrower: Borrower, draw_key: str) -> int | None:
    """Return the id of the loan this borrower's signed form (its single-use token) drew."""
    if not draw_key:
        return None
    return (
        Loan.objects.filter(borrower=borrower, draw_key=draw_key)
        .values_list("pk", flat=True)
        .first()
    )


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


def installment_amount_due(installment: Installment) -> Decimal:
    """Return what the installment asks for in full: scheduled principal, interest and fee,
    penalty charged, less what was paid or waived (interest counted in full, not as accrued)."""
    i = installment
    owed = (
        i.principal_amount
        - i.principal_paid_amount
        + i.interest_amount
        - i.interest_paid_amount
        - i.interest_waived_amount
        + i.fee_amount
        - i.fee_paid_amount
        - i.fee_waived_amount
        + i.penalty_charged_amount
        - i.penalty_paid_amount
        - i.penalty_waived_amount
    )
    return max(owed, ZERO)
