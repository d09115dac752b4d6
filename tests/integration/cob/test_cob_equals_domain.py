"""Close of business, set-based, equals the domain functions loan by loan (issue #4).

Hundreds of loans of every method, drawn on different dates, are closed day by day for three
months while some borrowers pay on their due dates and others do not; and thousands of seeded
loans in every bucket are closed for three dates. Before each date the test predicts, with the
domain functions of loans/domain, what the date must accrue, charge and mark for every
installment; after it, the database must say exactly that, to the fen. The shipped 2027 working
calendar is loaded (PRODUCT §12): the three months cross weekends and the Spring Festival, so the
domain's pay-by dates and the COB's join to calendar_day are compared too.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate
from loans.calendar.selectors import next_working_days_between
from loans.calendar.services import calendar_year_load
from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.domain.accrual import accrued_through_from
from loans.domain.delinquency import (
    NextWorkingDays,
    bucket_for,
    daily_penalty,
    days_past_due,
    pay_by_date,
    penalty_for_date,
)
from loans.domain.schedule import RepaymentMethod
from loans.ledger.models import JournalEntry
from loans.management.seeding.portfolio import portfolio_seed
from loans.servicing.models import Installment, Loan, LoanStatus, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import ProductFactory, borrower_with_line, draw, installment_product
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

START = date(2027, 1, 10)
DAYS = 75
LOANS = 200
TERMS = {False: [1, 2, 3, 6], True: [3, 6]}


@pytest.fixture(autouse=True)
def _working_calendar() -> None:
    calendar_year_load(year=2027)


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
    loan: Loan, rows: list[Installment], day: date, dpd: int, next_working: NextWorkingDays
) -> dict[int, Decimal]:
    """The domain's penalty for ``day`` per installment (PRODUCT §2.4, §12)."""
    expected = {}
    pay_by = {r.number: pay_by_date(r.due_date, next_working_days=next_working) for r in rows}
    overdue = [r for r in rows if r.paid_date is None and pay_by[r.number] < day]
    for row in overdue:
        unpaid = row.principal_amount - row.principal_paid_amount
        if unpaid <= 0:
            continue
        own_days = (day - pay_by[row.number]).days
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


def _close(day: date, chunk_size: int = 100) -> None:
    run = cob_run_open(business_date=day, chunk_size=chunk_size)
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    cob_run_finish(run_id=run.pk)


Prediction = dict[int, tuple[dict[int, Installment], int, dict[int, Decimal]]]
# Loans whose days past due the calendar changed (PRODUCT §12), counted by _predict.
ROLLED: list[int] = []


def _predict(day: date) -> Prediction:
    """What the domain says ``day`` does to each active loan, from the state before it closes."""
    next_working = next_working_days_between(date(2000, 1, 1), day)
    rows_by_loan: dict[int, list[Installment]] = {}
    installments = Installment.objects.filter(loan__status=LoanStatus.ACTIVE)
    for row in installments.order_by("loan_id", "number"):
        rows_by_loan.setdefault(row.loan_id, []).append(row)
    predicted: Prediction = {}
    for loan in Loan.objects.filter(status=LoanStatus.ACTIVE):
        rows = rows_by_loan[loan.pk]
        unpaid_due = [r.due_date for r in rows if r.paid_date is None and r.due_date < day]
        oldest = min(unpaid_due, default=None)
        dpd = days_past_due(
            oldest_unpaid_due_date=oldest, as_of=day, next_working_days=next_working
        )
        if dpd != days_past_due(oldest_unpaid_due_date=oldest, as_of=day):
            ROLLED.append(loan.pk)
        penalties = _expected_penalty(loan, rows, day, dpd, next_working)
        predicted[loan.pk] = ({r.number: r for r in rows}, dpd, penalties)
    return predicted


def _assert_as_predicted(predicted: Prediction, day: date) -> int:
    """Compare every still-active loan and installment with the prediction; return the count."""
    after_rows: dict[int, list[Installment]] = {}
    for row in Installment.objects.filter(loan_id__in=list(predicted)):
        after_rows.setdefault(row.loan_id, []).append(row)
    checked = 0
    for after in Loan.objects.filter(pk__in=list(predicted), status=LoanStatus.ACTIVE):
        by_number, dpd, penalties = predicted[after.pk]
        assert (after.days_past_due, after.bucket) == (dpd, bucket_for(dpd)), (after.pk, day)
        for row in after_rows[after.pk]:
            old = by_number[row.number]
            assert row.interest_accrued_amount == _expected_accrual(old, day), (after.pk, day)
            charged = row.penalty_charged_amount - old.penalty_charged_amount
            assert charged == penalties.get(row.number, Decimal("0.00")), (after.pk, day)
            if row.due_date <= day:
                assert row.fee_charged_amount == row.fee_amount, (after.pk, day)
            checked += 1
    return checked


def test_close_of_business_equals_the_domain_day_by_day(django_capture_on_commit_callbacks):
    rng = random.Random(20270110)
    ROLLED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        loans = _portfolio(rng)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": START})
    checked = 0
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        _pay_some_due(rng, day)
        predicted = _predict(day)
        _close(day)
        checked += _assert_as_predicted(predicted, day)
    assert checked > 20_000
    assert len(set(ROLLED)) > 20  # due dates on weekends and in the Spring Festival
    assert Loan.objects.filter(bucket="M2").exists()
    assert JournalEntry.objects.filter(entry_type="PENALTY").exists()
    assert_books_reconcile()
    assert len(loans) == LOANS


def test_close_of_business_equals_the_domain_on_thousands_of_seeded_loans():
    # 4,000 loans of every method, term and bucket as seed_portfolio spreads them, across a
    # month end, some at the first day past grace (the penalty's catch-up rule).
    as_of = date(2027, 2, 27)
    portfolio_seed(loans=4000, as_of=as_of, seed=7, chunk_size=4000)
    buckets = set(Loan.objects.values_list("bucket", flat=True))
    assert buckets == {"CURRENT", "M1", "M2", "M3", "M4_PLUS"}
    checked = 0
    for offset in range(3):
        day = as_of + timedelta(days=offset)
        predicted = _predict(day)
        _close(day, chunk_size=500)
        checked += _assert_as_predicted(predicted, day)
    assert checked > 3 * 20_000
    assert_books_reconcile()


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
