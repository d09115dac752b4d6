"""The demo's loans, one in every state, with their history lived day by day."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import Borrower
from loans.approvals.services.maker_checker import (
    approval_approve,
    disbursement_request,
    write_off_request,
)
from loans.calendar.models import BusinessDate
from loans.domain.delinquency import bucket_for, days_past_due
from loans.domain.prepayment import PrepaymentMode
from loans.domain.schedule import RepaymentMethod
from loans.management.seeding.demo.borrowers import apply
from loans.management.seeding.demo.state import BEIJING, Demo
from loans.origination.services.drawdown import ContractAcceptance, loan_cancel, loan_draw
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentChannel
from loans.servicing.selectors import installment_balance, loan_payoff_quote
from loans.servicing.services.daily import (
    loan_advance_apply,
    loan_fees_charge,
    loan_interest_accrue,
)
from loans.servicing.services.repayments import repayment_post, repayment_reverse

CONTRACT_TEXT = "LendPortal consumer loan contract, version 1 (demo)"

Event = Callable[[Loan, date], None]


def contract_for(borrower: Borrower, day: date) -> ContractAcceptance:
    return ContractAcceptance(
        version="v1",
        text_hash=hashlib.sha256(CONTRACT_TEXT.encode()).hexdigest(),
        accepted_at=datetime.combine(day, time(10, 30), tzinfo=BEIJING),
        signature_name=borrower.full_name,
        ip="203.0.113.10",
        user_agent="Mozilla/5.0 (iPhone; demo)",
    )


def draw(
    demo: Demo,
    key: str,
    *,
    days_ago: int,
    product: str,
    principal: str,
    term: int,
    method: RepaymentMethod,
) -> Loan:
    """Register, apply five days before and draw ``days_ago`` days before the business date."""
    day = demo.today - timedelta(days=days_ago)
    apply(demo, key, as_of=day - timedelta(days=5))
    borrower = demo.borrowers[key]
    # A loan is drawn only on the open business date (#17): the history opens ``day`` for it.
    BusinessDate.objects.filter(id=1).update(current_date=day)
    try:
        loan = loan_draw(
            borrower=borrower,
            product=demo.products[product],
            principal=Decimal(principal),
            term=term,
            method=method,
            contract=contract_for(borrower, day),
            as_of=day,
            partner=borrower.partner,
        )
    finally:
        BusinessDate.objects.filter(id=1).update(current_date=demo.today)
    loan.refresh_from_db()  # a draw within the limit was disbursed on a fresh instance
    demo.say(f"  loan {loan.pk}: ¥{principal}, {term} months {method}, drawn {day}.")
    return loan


def channel_of(loan: Loan) -> RepaymentChannel:
    return RepaymentChannel.PARTNER if loan.partner_id else RepaymentChannel.PORTAL


def pay(loan: Loan, day: date, amount: Decimal, **kwargs: Any) -> Repayment:
    count = Repayment.objects.filter(loan=loan).count() + 1
    return repayment_post(
        loan=loan,
        amount=amount,
        value_date=day,
        as_of=day,
        channel=channel_of(loan),
        reference=f"DEMO-{loan.pk}-{count}",
        **kwargs,
    )


def due_on(loan: Loan, day: date) -> Decimal:
    """Return everything due on or before ``day`` and not paid: what a punctual borrower pays."""
    rows = loan.installments.filter(paid_date__isnull=True, due_date__lte=day)
    total = Decimal("0.00")
    for row in rows:
        balance = installment_balance(row)
        total += balance.principal + balance.interest + balance.fee + balance.penalty
    return total


def live(
    loan: Loan,
    *,
    through: date,
    pays_installments: int | None = None,
    events: dict[date, Event] | None = None,
) -> None:
    """Run the loan's days from disbursement through ``through``, as the borrower and COB would.

    Each day: on a due date the fees falling due and the advance held are applied (as COB
    will), then the day's event, then the borrower pays what is due on a due date (only
    installments up to ``pays_installments`` when given), then the day's interest accrues.
    Penalty is not charged: close of business (issue #4) brings it.
    """
    events = events or {}
    day = loan.disbursed_date or through
    last_due = loan.installments.order_by("-due_date").values_list("due_date", flat=True)[0]
    end = min(through, max([last_due, *events]))  # after the last due date nothing accrues
    while day <= end and Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE:
        due_today = loan.installments.filter(due_date=day, paid_date__isnull=True).first()
        if due_today:
            loan_fees_charge(loan=loan, as_of=day)
            loan_advance_apply(loan=loan, as_of=day)
        if day in events:
            events[day](loan, day)
        if due_today and (pays_installments is None or due_today.number <= pays_installments):
            pay(loan, day, due_on(loan, day))
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)


def delinquency_set(loan: Loan, *, as_of: date) -> None:
    """Set days past due and the bucket as of ``as_of``.

    Close of business computes these (issue #4, not built yet); until it exists the demo sets
    them the way it will, with a queryset update, so the overdue queues have something in them.
    """
    oldest = (
        loan.installments.filter(paid_date__isnull=True)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    overdue_days = days_past_due(oldest_unpaid_due_date=oldest, as_of=as_of)
    Loan.objects.filter(pk=loan.pk).update(
        days_past_due=overdue_days, bucket=bucket_for(overdue_days)
    )
    loan.refresh_from_db()


def due_date_of(loan: Loan, number: int) -> date:
    return loan.installments.get(number=number).due_date


def loans_create(demo: Demo) -> None:
    demo.say("Borrowers, applications and loans:")
    loan_current(demo)
    loan_overdue(demo)
    loan_paid_off(demo)
    loan_installment_plan(demo)
    loan_pending(demo)
    loan_cancelled(demo)
    loan_written_off(demo)


def loan_current(demo: Demo) -> None:
    """Active and current: every installment paid on time, and a prepayment of ¥3,000."""
    loan = draw(demo, "current", days_ago=100, product="CASH", principal="10000.00", term=12,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    prepay_day = due_date_of(loan, 2) + timedelta(days=10)

    def prepay(loan: Loan, day: date) -> None:
        pay(loan, day, Decimal("3000.00"), prepayment_mode=PrepaymentMode.SHORTEN_TERM)
        demo.say(f"    prepaid ¥3,000.00 on {day} (shorter term)")

    live(loan, through=demo.last_closed, events={prepay_day: prepay})
    delinquency_set(loan, as_of=demo.last_closed)


def loan_overdue(demo: Demo) -> None:
    """Active and overdue: the first installment paid, none since."""
    loan = draw(demo, "overdue", days_ago=150, product="CASH", principal="8000.00", term=6,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    live(loan, through=demo.last_closed, pays_installments=1)
    delinquency_set(loan, as_of=demo.last_closed)
    demo.say(f"    {loan.days_past_due} days past due ({loan.bucket})")


def loan_paid_off(demo: Demo) -> None:
    """Paid off early with the payoff quote, after two installments."""
    loan = draw(demo, "paid_off", days_ago=270, product="CASH", principal="5000.00", term=6,
                method=RepaymentMethod.EQUAL_PRINCIPAL)  # fmt: skip
    payoff_day = due_date_of(loan, 2) + timedelta(days=12)

    def payoff(loan: Loan, day: date) -> None:
        loan.refresh_from_db()
        quote = loan_payoff_quote(loan=loan, as_of=day)
        pay(loan, day, quote.total - loan.advance_amount)
        demo.say(f"    paid off on {day} with ¥{quote.total}")

    live(loan, through=demo.last_closed, events={payoff_day: payoff})


def loan_installment_plan(demo: Demo) -> None:
    """Active installment plan from the partner, with a mistaken repayment reversed."""
    loan = draw(demo, "installment", days_ago=95, product="INSTALLMENT", principal="3600.00",
                term=6, method=RepaymentMethod.INSTALLMENT_FEE)  # fmt: skip
    first_due = due_date_of(loan, 1)
    mistaken: list[Repayment] = []

    def post_mistake(loan: Loan, day: date) -> None:
        # The partner sent the first installment's payment a second time.
        mistaken.append(pay(loan, day, loan.installments.get(number=1).total_amount))

    def reverse_mistake(loan: Loan, day: date) -> None:
        repayment_reverse(repayment=mistaken[0], as_of=day, memo="Posted twice by the partner")
        demo.say(f"    repayment {mistaken[0].pk} (posted twice) reversed on {day}")

    events: dict[date, Event] = {
        first_due + timedelta(days=1): post_mistake,
        first_due + timedelta(days=2): reverse_mistake,
    }
    live(loan, through=demo.last_closed, events=events)
    delinquency_set(loan, as_of=demo.last_closed)


def loan_pending(demo: Demo) -> None:
    """Above the auto-disbursement limit: waiting for a second officer to approve."""
    loan = draw(demo, "pending", days_ago=0, product="CASH", principal="25000.00", term=12,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    disbursement_request(
        loan=loan, officer=demo.staff["officer"], reason="Above the ¥20,000 auto-disbursement limit"
    )
    demo.say("    disbursement requested by officer; waits for a second officer")


def loan_cancelled(demo: Demo) -> None:
    """Drawn above the limit, then cancelled before disbursement."""
    loan = draw(demo, "cancelled", days_ago=3, product="CASH", principal="21000.00", term=24,
                method=RepaymentMethod.EQUAL_PRINCIPAL)  # fmt: skip
    loan_cancel(loan=loan)
    demo.say("    cancelled before disbursement")


def loan_written_off(demo: Demo) -> None:
    """Never repaid: past the write-off threshold, written off by two officers."""
    loan = draw(demo, "written_off", days_ago=330, product="CASH", principal="3000.00", term=3,
                method=RepaymentMethod.EQUAL_INSTALLMENT)  # fmt: skip
    live(loan, through=demo.last_closed, pays_installments=0)
    delinquency_set(loan, as_of=demo.last_closed)
    request = write_off_request(
        loan=loan,
        officer=demo.staff["collections"],
        as_of=demo.today,
        reason=f"{loan.days_past_due} days past due, no contact",
    )
    approval_approve(request=request, officer=demo.staff["officer2"], as_of=demo.today)
    demo.say(f"    written off at {loan.days_past_due} days past due (collections, then officer2)")
