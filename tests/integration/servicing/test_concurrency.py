"""Concurrent money operations serialise on their row locks (STYLE.md: real transactions).

Each operation runs in its own thread with its own database connection; a barrier starts them
together. Disbursement payouts settle in ``transaction.on_commit``, which runs for real here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from accounts.models import Borrower
from loans.calendar.models import BusinessDate
from loans.ledger.reconciliation import books_reconcile
from loans.origination.services.drawdown import CreditLimitExceeded
from loans.servicing.models import (
    CreditLine,
    Installment,
    Loan,
    LoanStatus,
    Repayment,
    RepaymentChannel,
    RepaymentStatus,
)
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.repayment_undo import RepaymentReversalRefused
from loans.servicing.services.repayments import (
    repayment_post,
    repayment_reverse,
)
from tests.factories.loans import DRAW_DATE, ProductFactory, borrower_with_line, draw

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_DUE = date(2027, 2, 15)
INSTALLMENT_FIELDS = (
    "number",
    "period_start",
    "due_date",
    "principal_amount",
    "interest_amount",
    "fee_amount",
    "accrual_start_date",
    "accrual_base_amount",
    "interest_accrued_amount",
    "fee_charged_amount",
    "penalty_charged_amount",
    "principal_paid_amount",
    "interest_paid_amount",
    "fee_paid_amount",
    "penalty_paid_amount",
    "interest_waived_amount",
    "fee_waived_amount",
    "penalty_waived_amount",
    "paid_date",
)
BALANCE_FIELDS = (
    "status",
    "principal_outstanding_amount",
    "interest_receivable_amount",
    "fee_receivable_amount",
    "penalty_receivable_amount",
    "advance_amount",
    "overpayment_amount",
)


class Outcome:
    """What one thread's call returned or raised."""

    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None


def run_together(*calls: Callable[[], Any]) -> list[Outcome]:
    """Run ``calls`` in threads that start together; each closes its own connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call: Callable[[], Any], outcome: Outcome) -> None:
        try:
            barrier.wait(timeout=30)
            outcome.value = call()
        except BaseException as error:  # noqa: BLE001 - reported by the test's asserts
            outcome.error = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(call, outcome))
        for call, outcome in zip(calls, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread is stuck (deadlock?)"
    return outcomes


def assert_books_reconcile() -> None:
    failures = {r.name: r.failures for r in books_reconcile() if not r.ok}
    assert failures == {}


def business_date_set(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})


def accrue_through(loan: Loan, last: date) -> None:
    day = loan.disbursed_date
    assert day is not None
    while day <= last:
        loan_interest_accrue(loan=loan, as_of=day)
        day += timedelta(days=1)


def loan_state(loan: Loan) -> dict[str, Any]:
    """Everything a repayment changes on a loan, without ids."""
    return {
        "balances": Loan.objects.values(*BALANCE_FIELDS).get(pk=loan.pk),
        "installments": list(
            Installment.objects.filter(loan=loan)
            .order_by("number")
            .values_list(*INSTALLMENT_FIELDS)
        ),
        "used": CreditLine.objects.get(pk=loan.credit_line_id).used_amount,
        # Which of two same-day repayments took the advance depends on their order: compare
        # what was received, not how each was split.
        "posted": sorted(
            Repayment.objects.filter(loan=loan, status=RepaymentStatus.POSTED).values_list(
                "value_date", "amount"
            )
        ),
    }


@pytest.fixture(autouse=True)
def _business_date() -> None:
    # Settled payouts read the business date; one row up front, not a get_or_create race.
    business_date_set(DRAW_DATE)
    ProductFactory()


# --- (a) draws on one credit line ---------------------------------------------------------------


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_draws_never_exceed_the_limit(attempt: int) -> None:
    borrower = borrower_with_line(limit=Decimal("15000.00"))

    outcomes = run_together(
        lambda: draw(borrower, principal="10000.00"),
        lambda: draw(borrower, principal="10000.00"),
    )

    drawn = [o.value for o in outcomes if o.error is None]
    refused = [o.error for o in outcomes if o.error is not None]
    assert len(drawn) == 1, [repr(o.error) for o in outcomes]
    assert len(refused) == 1
    assert isinstance(refused[0], CreditLimitExceeded), repr(refused[0])
    line = CreditLine.objects.get(borrower=borrower)
    assert line.used_amount == Decimal("10000.00")
    assert line.used_amount <= line.limit_amount
    loans = list(Loan.objects.filter(borrower=borrower))
    assert [(loan.status, loan.principal_outstanding_amount) for loan in loans] == [
        (LoanStatus.ACTIVE, Decimal("10000.00"))
    ]
    assert loans[0].payout.status == "SETTLED"
    assert_books_reconcile()


def test_concurrent_draws_that_fit_together_both_succeed() -> None:
    borrower = borrower_with_line(limit=Decimal("15000.00"))

    outcomes = run_together(
        lambda: draw(borrower, principal="7000.00"),
        lambda: draw(borrower, principal="8000.00"),
    )

    assert [o.error for o in outcomes] == [None, None]
    line = CreditLine.objects.get(borrower=borrower)
    assert line.used_amount == Decimal("15000.00") == line.limit_amount
    assert_books_reconcile()


# --- (b) repayments on one loan -----------------------------------------------------------------


def _two_identical_loans(business_date: date) -> tuple[Loan, Loan]:
    loans = []
    for _ in range(2):
        loan = draw(borrower_with_line(limit=Decimal("20000.00")), principal="10000.00")
        loan.refresh_from_db()
        accrue_through(loan, business_date)
        loans.append(loan)
    business_date_set(business_date)
    return loans[0], loans[1]


def _repay(loan: Loan, amount: str, value_date: date, as_of: date) -> Callable[[], Repayment]:
    return lambda: repayment_post(
        loan=loan,
        amount=Decimal(amount),
        value_date=value_date,
        as_of=as_of,
        channel=RepaymentChannel.PORTAL,
    )


@pytest.mark.parametrize(
    ("first", "second", "as_of"),
    [
        pytest.param(("500.00", FIRST_DUE), ("700.00", FIRST_DUE), FIRST_DUE, id="same-day"),
        pytest.param(
            ("500.00", FIRST_DUE),
            ("700.00", FIRST_DUE + timedelta(days=5)),
            FIRST_DUE + timedelta(days=5),
            id="different-days-replayed",
        ),
        pytest.param(
            ("950.00", FIRST_DUE - timedelta(days=3)),
            ("2000.00", FIRST_DUE),
            FIRST_DUE + timedelta(days=1),
            id="advance-then-due",
        ),
    ],
)
def test_concurrent_repayments_equal_serial_ones(
    first: tuple[str, date], second: tuple[str, date], as_of: date
) -> None:
    concurrent, serial = _two_identical_loans(as_of)
    assert loan_state(concurrent)["installments"] == loan_state(serial)["installments"]

    outcomes = run_together(
        _repay(concurrent, first[0], first[1], as_of),
        _repay(concurrent, second[0], second[1], as_of),
    )
    assert [o.error for o in outcomes] == [None, None], [repr(o.error) for o in outcomes]
    _repay(serial, first[0], first[1], as_of)()
    _repay(serial, second[0], second[1], as_of)()

    assert loan_state(concurrent) == loan_state(serial)
    assert_books_reconcile()


def test_concurrent_reversals_of_one_repayment_reverse_it_once() -> None:
    loan, _ = _two_identical_loans(FIRST_DUE)
    repayment = _repay(loan, "916.77", FIRST_DUE, FIRST_DUE)()
    before = loan_state(loan)

    outcomes = run_together(
        lambda: repayment_reverse(repayment=repayment, as_of=FIRST_DUE),
        lambda: repayment_reverse(repayment=repayment, as_of=FIRST_DUE),
    )

    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1, [repr(o.error) for o in outcomes]
    assert isinstance(errors[0], RepaymentReversalRefused), repr(errors[0])
    after = loan_state(loan)
    assert after["posted"] == []
    assert after["balances"]["principal_outstanding_amount"] == Decimal("10000.00")
    assert after != before
    assert_books_reconcile()


# --- (c) a repayment and a draw on one credit line ----------------------------------------------


@pytest.mark.parametrize(
    ("limit", "new_draw"),
    [
        pytest.param("30000.00", "10000.00", id="draw-fits-either-way"),
        pytest.param("20000.00", "10000.00", id="draw-fits-only-after-the-repayment"),
    ],
)
def test_concurrent_repayment_and_draw_on_one_line(limit: str, new_draw: str) -> None:
    borrower: Borrower = borrower_with_line(limit=Decimal(limit))
    loan = draw(borrower, principal="10000.00")
    loan.refresh_from_db()
    accrue_through(loan, FIRST_DUE)
    business_date_set(FIRST_DUE)
    # Pay installment 1 and prepay nothing: the rest waits as an advance; principal is released.
    repay = _repay(loan, "2000.00", FIRST_DUE, FIRST_DUE)

    outcomes = run_together(repay, lambda: draw(borrower, principal=new_draw, as_of=FIRST_DUE))

    repayment_outcome, draw_outcome = outcomes
    assert repayment_outcome.error is None, repr(repayment_outcome.error)
    loan.refresh_from_db()
    repaid = Decimal(10000) - loan.principal_outstanding_amount
    assert repaid > 0
    line = CreditLine.objects.get(borrower=borrower)
    if draw_outcome.error is None:
        assert line.used_amount == Decimal(10000) - repaid + Decimal(new_draw)
    else:
        # Only possible if the draw locked the line before the repayment released principal.
        assert isinstance(draw_outcome.error, CreditLimitExceeded), repr(draw_outcome.error)
        assert Decimal(new_draw) > Decimal(limit) - Decimal(10000)
        assert line.used_amount == Decimal(10000) - repaid
    assert line.used_amount <= line.limit_amount
    assert_books_reconcile()
