"""Reads of the borrower portal: always filtered by the signed-in borrower first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Borrower
from loans.calendar.selectors import next_working_days_between
from loans.domain.payoff import PayoffQuote
from loans.origination.models import CreditApplication, LoanProduct
from loans.payments.models import CardBinding, CollectionAttempt, PortalPayment
from loans.payments.selectors import card_binding_active
from loans.servicing.models import (
    CreditLine,
    Installment,
    Loan,
    LoanStatus,
    Reminder,
    ReminderStatus,
    Repayment,
)
from loans.servicing.selectors import (
    AmountsDue,
    installment_amount_due,
    loan_amounts_due,
    loan_payoff_quote,
)
from loans.servicing.services.reminders import reminder_render

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class DueNow:
    """What is to be paid on the business date and what only later (CNY, net of the advance).

    ``amount``: the overdue parts plus an installment due on the date, less the advance held;
    ``today``: that installment's amount in full, 0 when none falls due on the date or the advance
    meets everything due (close of business applies it that night); ``later`` the
    next installment due after the date (None when none) and ``later_amount`` what is left of it
    once the advance has met what is due now. The "due today" box shows only when ``amount`` is
    more than 0 (issue #22).
    """

    amount: Decimal
    today: Decimal
    later: Installment | None
    later_amount: Decimal


def due_now_of(due: AmountsDue, *, as_of: date) -> DueNow:
    upcoming = due.next_installment
    on_the_date = upcoming is not None and upcoming.due_date == as_of
    today = installment_amount_due(upcoming) if upcoming is not None and on_the_date else ZERO
    amount = min(due.payoff, max(ZERO, due.overdue + today - due.advance))
    today = today if amount > 0 else ZERO
    later = None if on_the_date else upcoming
    return DueNow(
        amount=amount,
        today=today,
        later=later,
        later_amount=max(ZERO, due.next_amount - amount) if later is not None else ZERO,
    )


def payout_expected_by(loan: Loan) -> date | None:
    """For a draw waiting for a second officer: the working day after the draw (issue #22).

    Draws above ``LENDPORTAL_AUTO_DISBURSE_LIMIT`` wait for two officers (PRODUCT §6), who work
    on working days (PRODUCT §12); the borrower is told to expect the money by then. None for a
    loan that is not waiting.
    """
    if loan.status != LoanStatus.PENDING_DISBURSEMENT:
        return None
    following = loan.drawn_date + timedelta(days=1)
    return next_working_days_between(following, following).get(following, following)


@dataclass(frozen=True, slots=True)
class LoanSummary:
    loan: Loan
    due: AmountsDue | None  # None for a loan that is not active
    now: DueNow | None = None
    expected_by: date | None = None  # a draw waiting for a second officer: the money by then

    @property
    def overdue(self) -> bool:
        return self.loan.status == LoanStatus.ACTIVE and self.loan.days_past_due > 0


@dataclass(frozen=True, slots=True)
class Dashboard:
    borrower: Borrower
    application: CreditApplication | None
    line: CreditLine | None
    loans: list[LoanSummary]
    as_of: date

    @property
    def late(self) -> bool:
        """A loan is overdue: no new credit until it is paid (issue #16), so no Borrow button."""
        return any(item.overdue for item in self.loans)


def credit_line_of(borrower: Borrower) -> CreditLine | None:
    return CreditLine.objects.filter(borrower=borrower).first()


def latest_application(borrower: Borrower) -> CreditApplication | None:
    return borrower.applications.order_by("-id").first()


def dashboard_for(*, borrower: Borrower, as_of: date) -> Dashboard:
    """Return the borrower's line, latest decision and loans with what is due on ``as_of``."""
    loans = Loan.objects.filter(borrower=borrower).select_related("product").order_by("-id")
    return Dashboard(
        borrower=borrower,
        application=latest_application(borrower),
        line=credit_line_of(borrower),
        loans=[_summary(loan, as_of=as_of) for loan in loans],
        as_of=as_of,
    )


def _summary(loan: Loan, *, as_of: date) -> LoanSummary:
    if loan.status != LoanStatus.ACTIVE:
        return LoanSummary(loan=loan, due=None, expected_by=payout_expected_by(loan))
    due = loan_amounts_due(loan=loan, as_of=as_of)
    return LoanSummary(loan=loan, due=due, now=due_now_of(due, as_of=as_of))


def loan_of(*, borrower: Borrower, loan_id: int) -> Loan:
    """Return the borrower's loan; another borrower's loan is a 404, as is a missing one."""
    loan = (
        Loan.objects.filter(borrower=borrower, pk=loan_id)
        .select_related("product", "borrower", "payout")
        .first()
    )
    if loan is None:
        raise Http404
    return loan


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One row of a loan's schedule as the borrower reads it (scheduled amounts, CNY)."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    paid: bool
    late: bool = False  # unpaid and its due date has passed (issue #22: marked in the schedule)

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


def schedule_rows(
    installments: list[Installment], *, as_of: date | None = None
) -> list[ScheduleRow]:
    """The rows of a schedule; with ``as_of``, an unpaid installment due before it is late."""
    return [
        ScheduleRow(
            number=i.number,
            due_date=i.due_date,
            principal=i.principal_amount,
            interest=i.interest_amount,
            fee=i.fee_amount,
            paid=i.paid_date is not None,
            late=as_of is not None and i.paid_date is None and i.due_date < as_of,
        )
        for i in installments
    ]


@dataclass(frozen=True, slots=True)
class LoanPage:
    loan: Loan
    installments: list[ScheduleRow]
    repayments: list[Repayment]
    due: AmountsDue | None
    payoff: PayoffQuote | None
    as_of: date
    card: CardBinding | None = None  # the card auto-debit charges, if it is on
    attempts: list[CollectionAttempt] | None = None  # the latest auto-debit attempts
    now: DueNow | None = None  # for an active loan: what is due on the date, what later
    expected_by: date | None = None  # a draw waiting for a second officer: the money by then
    reminder: Reminder | None = None  # the latest reminder sent about this loan


AUTO_DEBIT_ATTEMPTS_SHOWN = 5


def loan_page_for(*, loan: Loan, as_of: date) -> LoanPage:
    active = loan.status == LoanStatus.ACTIVE
    due = loan_amounts_due(loan=loan, as_of=as_of) if active else None
    return LoanPage(
        loan=loan,
        installments=schedule_rows(
            list(loan.installments.order_by("number")), as_of=as_of if active else None
        ),
        repayments=list(
            loan.repayments.select_related("portal_payment").order_by("-value_date", "-id")
        ),
        due=due,
        now=due_now_of(due, as_of=as_of) if due is not None else None,
        payoff=loan_payoff_quote(loan=loan, as_of=as_of) if active else None,
        as_of=as_of,
        card=card_binding_active(borrower=loan.borrower_id) if active else None,
        attempts=list(loan.collection_attempts.order_by("-scheduled_at", "-id"))[
            :AUTO_DEBIT_ATTEMPTS_SHOWN
        ],
        expected_by=payout_expected_by(loan),
        reminder=loan.reminders.filter(status=ReminderStatus.SENT)
        .order_by("-sent_at", "-id")
        .first(),
    )


def payment_of(*, borrower: Borrower, token: str) -> PortalPayment:
    """The borrower's portal payment of ``token``, of a loan or of the bills; 404 otherwise."""
    payment = (
        PortalPayment.objects.filter(
            Q(loan__borrower=borrower) | Q(account__credit_line__borrower=borrower), token=token
        )
        .select_related("loan", "repayment", "account", "revolving_payment")
        .first()
    )
    if payment is None:
        raise Http404
    return payment


def products_offered() -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(is_active=True).order_by("code")


@dataclass(frozen=True, slots=True)
class Notification:
    reminder: Reminder
    subject: str
    body: str


def notifications_for(*, borrower: Borrower, limit: int = 100) -> list[Notification]:
    """Return the reminders sent to the borrower, newest first, as they read them."""
    reminders = (
        Reminder.objects.filter(loan__borrower=borrower, status=ReminderStatus.SENT)
        .select_related("installment", "loan")
        .order_by("-sent_at", "-id")[:limit]
    )
    rendered = []
    for reminder in reminders:
        subject, body = reminder_render(reminder)
        rendered.append(Notification(reminder=reminder, subject=subject, body=body))
    return rendered


def repayment_totals(repayment: Repayment) -> dict[str, Decimal]:
    """Return a repayment's amounts by component (PRINCIPAL, INTEREST, FEE, PENALTY, ...)."""
    totals: dict[str, Decimal] = {}
    for part in repayment.allocation.get("parts", []):
        key = str(part["component"])
        totals[key] = totals.get(key, ZERO) + Decimal(str(part["amount"]))
    return totals
