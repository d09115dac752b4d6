"""Close of business, set-based, equals the domain functions loan by loan (issue #4).

Hundreds of loans of every method, drawn on different dates, are closed day by day for three
months while some borrowers pay on their due dates and others do not. Before each date the test
predicts, with the domain functions of loans/domain, what the date must accrue, charge and mark
for every installment; after it, the database must say exactly that, to the fen.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.domain.accrual import accrued_through_from
from loans.domain.delinquency import bucket_for, daily_penalty, days_past_due, penalty_for_date
from loans.domain.schedule import RepaymentMethod
from loans.models import (
    BusinessDate,
    CobChunk,
    Installment,
    JournalEntry,
    Loan,
    LoanStatus,
    RepaymentChannel,
)
from loans.services.cob import cob_chunk_process, cob_run_finish, cob_run_open
from loans.services.repayments import repayment_post
from tests.factories.loans import ProductFactory, borrower_with_line, draw, installment_product
from tests.integration.loans.conftest import assert_books_reconcile

pytestmark = pytest.mark.django_db

START = date(2027, 1, 10)
DAYS = 75
LOANS = 200
TERMS = {False: [1, 2, 3, 6], True: [3, 6]}


def _portfolio(rng: random.Random) -> list[Loan]:
    flex = ProductFactory.create(
        code="FLEX",
        methods=[m.value for m in RepaymentMethod if m != RepaymentMethod.INSTALLMENT_FEE],
        terms=[1, 2, 3, 6],
    )
    fee = installment_product()
    loans = []
    for n in range(LOANS):
        method = rng.choice(list(RepaymentMethod))
        product = fee if method is RepaymentMethod.INSTALLMENT_FEE else flex
        loans.append(
            draw(
                borrower_with_line(grade=rng.choice("ABCDE")),
                principal=f"{rng.randint(100, 20000)}.{rng.choice(['00', '50', '37'])}",
                term=rng.choice(
                    [3, 6] if method is RepaymentMethod.INSTALLMENT_FEE else [1, 2, 3, 6]
                ),
                method=method,
                as_of=START + timedelta(days=n % 31),
                product=product,
            )
        )
    return loans


def _expected_accrual(row: Installment, day: date) -> Decimal:
    if row.paid_date is not None or row.accrual_start_date > day:
        return row.interest_accrued_amount
    target = accrued_through_from(
        period_interest=row.interest_amount,
        accrual_base=row.accrual_base_amount,
        accrual_start=row.accrual_start_date,
        due_date=row.due_date,
        as_of=day,
    )
    return max(target, row.interest_accrued_amount)


def _expected_penalty(
    loan: Loan, rows: list[Installment], day: date, dpd: int
) -> dict[int, Decimal]:
    """The domain's penalty for ``day`` per installment (PRODUCT §2.4)."""
    expected = {}
    overdue = [r for r in rows if r.paid_date is None and r.due_date < day]
    for row in overdue:
        unpaid = row.principal_amount - row.principal_paid_amount
        if unpaid <= 0:
            continue
        own_days = (day - row.due_date).days
        kwargs = {
            "annual_rate": loan.annual_rate,
            "multiplier": loan.penalty_multiplier,
            "cap": loan.rate_cap,
        }
        if own_days == dpd:  # the oldest: the domain's catch-up rule applies as written
            amount = penalty_for_date(
                overdue_principal=unpaid, days_past_due=dpd, grace_days=loan.grace_days, **kwargs
            )
        elif dpd <= loan.grace_days:
            amount = Decimal("0.00")
        elif dpd == loan.grace_days + 1:
            amount = own_days * daily_penalty(overdue_principal=unpaid, **kwargs)
        else:
            amount = daily_penalty(overdue_principal=unpaid, **kwargs)
        expected[row.number] = amount
    return expected


def _pay_some_due(rng: random.Random, day: date) -> None:
    due = Installment.objects.filter(due_date=day, paid_date__isnull=True, loan__status="ACTIVE")
    for row in due.select_related("loan"):
        if rng.random() < 0.6:
            owed = (
                row.principal_amount - row.principal_paid_amount
                + row.interest_accrued_amount - row.interest_paid_amount
                + row.fee_charged_amount - row.fee_paid_amount
            )  # fmt: skip
            amount = owed if rng.random() < 0.8 else (owed / 2).quantize(Decimal("0.01"))
            if amount > 0:
                repayment_post(
                    loan=row.loan, amount=amount, value_date=day, as_of=day,
                    channel=RepaymentChannel.PORTAL,
                )  # fmt: skip


def _close(day: date) -> None:
    run = cob_run_open(business_date=day, chunk_size=100)
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    cob_run_finish(run_id=run.pk)


def test_close_of_business_equals_the_domain_day_by_day(django_capture_on_commit_callbacks):
    rng = random.Random(20270110)
    with django_capture_on_commit_callbacks(execute=True):
        loans = _portfolio(rng)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": START})
    checked = 0
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        _pay_some_due(rng, day)
        # Predict with the domain, from the state before the date closes.
        before: dict[int, tuple[Loan, dict[int, Installment], int, dict[int, Decimal]]] = {}
        for loan in Loan.objects.filter(status=LoanStatus.ACTIVE):
            rows = list(loan.installments.order_by("number"))
            unpaid_due = [r.due_date for r in rows if r.paid_date is None and r.due_date < day]
            dpd = days_past_due(oldest_unpaid_due_date=min(unpaid_due, default=None), as_of=day)
            before[loan.pk] = (
                loan,
                {r.number: r for r in rows},
                dpd,
                _expected_penalty(loan, rows, day, dpd),
            )
        _close(day)
        for loan_id, (_loan, by_number, dpd, penalties) in before.items():
            after = Loan.objects.get(pk=loan_id)
            if after.status != LoanStatus.ACTIVE:
                continue
            assert (after.days_past_due, after.bucket) == (dpd, bucket_for(dpd)), (loan_id, day)
            for row in after.installments.all():
                old = by_number[row.number]
                assert row.interest_accrued_amount == _expected_accrual(old, day), (loan_id, day)
                charged = row.penalty_charged_amount - old.penalty_charged_amount
                assert charged == penalties.get(row.number, Decimal("0.00")), (loan_id, day)
                if row.due_date <= day:
                    assert row.fee_charged_amount == row.fee_amount
                checked += 1
    assert checked > 20_000
    assert Loan.objects.filter(bucket="M2").exists()
    assert JournalEntry.objects.filter(entry_type="PENALTY").exists()
    assert_books_reconcile()
    assert len(loans) == LOANS


def test_a_chunk_delivered_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draw(principal="5000.00", term=3)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 1, 20)})
    run = cob_run_open(business_date=date(2027, 1, 20))
    chunk = run.chunks.get()

    first = cob_chunk_process(chunk_id=chunk.pk)
    lines = JournalEntry.objects.count()
    second = cob_chunk_process(chunk_id=chunk.pk)

    assert first == second
    assert JournalEntry.objects.count() == lines
    cob_run_finish(run_id=run.pk)
    cob_run_finish(run_id=run.pk)
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 1, 21)
    assert_books_reconcile()
