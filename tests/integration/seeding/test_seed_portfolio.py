"""`manage.py seed_portfolio` (PRODUCT §8, issue #4): active loans whose books reconcile.

Real transactions (each chunk commits on its own), on a database that already holds a loan.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.domain.accrual import accrued_through
from loans.domain.delinquency import Bucket, bucket_for
from loans.domain.schedule import RepaymentMethod
from loans.ledger.models import JournalLine
from loans.ledger.reconciliation import books_reconcile
from loans.servicing.models import CreditLine, Installment, Loan, LoanStatus
from tests.database import owner_cursor
from tests.factories.loans import draw

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2027, 3, 1)
LAST_CLOSED = AS_OF - timedelta(days=1)

# Rows whose reference points nowhere (the seed skips the row-by-row FK triggers as superuser).
ORPHANS = """
SELECT (SELECT count(*) FROM loans_loan l LEFT JOIN accounts_borrower b ON b.id = l.borrower_id
        WHERE b.id IS NULL)
     + (SELECT count(*) FROM loans_loan l LEFT JOIN loans_creditline c ON c.id = l.credit_line_id
        WHERE c.id IS NULL OR c.borrower_id <> l.borrower_id)
     + (SELECT count(*) FROM loans_installment i LEFT JOIN loans_loan l ON l.id = i.loan_id
        WHERE l.id IS NULL)
     + (SELECT count(*) FROM loans_creditline c
        LEFT JOIN loans_creditapplication a ON a.id = c.application_id
        WHERE a.id IS NULL OR a.borrower_id <> c.borrower_id)
     + (SELECT count(*) FROM loans_journalline j LEFT JOIN loans_loan l ON l.id = j.loan_id
        WHERE j.loan_id IS NOT NULL AND l.id IS NULL)
"""


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_portfolio", *args, stdout=out)
    return out.getvalue()


def test_seeds_a_portfolio_that_reconciles() -> None:
    # One seed (a few seconds) checked from every side; a loan exists already, so the seeded
    # ids do not start at 1.
    existing = draw()

    output = seed("--loans", "2000", "--as-of", AS_OF.isoformat(), "--seed", "7",
                  "--chunk-size", "700")  # fmt: skip

    check_spread_and_reconciliation(existing, output)
    check_schedules_sum_to_the_principal(existing)
    check_state_at_the_start_of_the_business_date(existing)
    check_opening_balances_are_posted_per_loan(existing)


def check_spread_and_reconciliation(existing: Loan, output: str) -> None:
    loans = Loan.objects.exclude(pk=existing.pk)

    assert loans.count() == 2000
    assert set(loans.values_list("status", flat=True)) == {LoanStatus.ACTIVE}
    assert [(r.name, r.failures) for r in books_reconcile() if not r.ok] == []
    assert {m.value for m in RepaymentMethod} == set(loans.values_list("method", flat=True))
    assert {b.value for b in Bucket} == set(loans.values_list("bucket", flat=True))
    assert loans.filter(days_past_due__gt=180).exists()
    principals = list(loans.values_list("principal_amount", flat=True))
    assert min(principals) >= Decimal("100.00")
    assert max(principals) <= Decimal("30000.00")
    assert all(p == p.to_integral_value() for p in principals)  # whole yuan
    assert set(loans.values_list("term", flat=True)) <= {3, 6, 9, 12, 18, 24}
    assert BusinessDate.objects.get(pk=1).current_date == AS_OF
    assert "2,000 loans" in output
    with connection.cursor() as cursor:
        cursor.execute(ORPHANS)
        assert cursor.fetchone()[0] == 0


def check_schedules_sum_to_the_principal(existing: Loan) -> None:
    loans = Loan.objects.exclude(pk=existing.pk).annotate(
        scheduled=Sum("installments__principal_amount")
    )

    assert [loan.pk for loan in loans if loan.scheduled != loan.principal_amount] == []
    assert not CreditLine.objects.filter(used_amount__gt=Decimal("30000.00")).exists()


def check_state_at_the_start_of_the_business_date(existing: Loan) -> None:
    """Through D - 1: due installments accrued and charged, the current one pro rata (§2.3)."""
    ids = list(Loan.objects.exclude(pk=existing.pk).values_list("pk", flat=True))
    sample = random.Random(3).sample(ids, 200)

    for loan in Loan.objects.filter(pk__in=sample).prefetch_related("installments"):
        rows = sorted(loan.installments.all(), key=lambda row: row.number)
        unpaid = [row for row in rows if row.paid_date is None]
        oldest = unpaid[0].due_date
        assert loan.days_past_due == max((LAST_CLOSED - oldest).days, 0), loan.pk
        assert loan.bucket == bucket_for(loan.days_past_due)
        for row in rows:
            assert row.interest_accrued_amount == _expected_accrual(row), (loan.pk, row.number)
            assert row.fee_charged_amount == (row.fee_amount if row.due_date < AS_OF else 0)
            if row.paid_date is not None:
                assert row.paid_date == row.due_date < AS_OF
                assert row.principal_paid_amount == row.principal_amount
        overdue = [row for row in unpaid if row.due_date < AS_OF]
        assert bool(overdue) == (loan.days_past_due > 0)


def _expected_accrual(row: Installment) -> Decimal:
    return accrued_through(
        period_interest=row.interest_amount,
        period_start=row.period_start,
        due_date=row.due_date,
        as_of=LAST_CLOSED,
    )


def check_opening_balances_are_posted_per_loan(existing: Loan) -> None:
    loan = Loan.objects.exclude(pk=existing.pk).filter(days_past_due__gt=0).first()
    assert loan is not None
    balances = dict(
        JournalLine.objects.filter(loan=loan).values_list("account").annotate(Sum("amount"))
    )

    assert balances["PRINCIPAL_RECEIVABLE"] == loan.principal_outstanding_amount
    assert balances.get("INTEREST_RECEIVABLE", 0) == loan.interest_receivable_amount
    assert not JournalLine.objects.filter(account="DISBURSEMENT_CLEARING", loan__in=[loan]).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--loans", "0"], "--loans must be a positive whole number, got 0."),
        (["--loans", "-5"], "--loans must be a positive whole number, got -5."),
        (["--loans", "many"], "--loans must be a whole number, got 'many'."),
        (["--loans", "10", "--as-of", "2027-02-30"], "--as-of must be a date as YYYY-MM-DD"),
        (["--loans", "10", "--as-of", "tomorrow"], "--as-of must be a date as YYYY-MM-DD"),
        (["--loans", "10", "--writers", "0"], "--writers must be a positive whole number, got 0."),
    ],
)
def test_bad_arguments_are_refused_in_one_line(args: list[str], message: str) -> None:
    if "--as-of" not in args:
        args = [*args, "--as-of", AS_OF.isoformat()]

    with pytest.raises(CommandError, match=message.replace(".", r"\.")) as refused:
        seed(*args)

    assert "\n" not in str(refused.value)
    assert not Loan.objects.exists()


def test_a_date_before_the_open_business_date_is_refused() -> None:
    BusinessDate.objects.create(pk=1, current_date=AS_OF + timedelta(days=1))

    with pytest.raises(CommandError, match="The business date is already 2027-03-02"):
        seed("--loans", "10", "--as-of", AS_OF.isoformat())

    assert not Loan.objects.exists()


def test_one_writer_and_two_writers_seed_the_same_portfolio() -> None:
    """Two writers only interleave the ids: every loan, schedule and balance is the same."""

    def fingerprint() -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT b.id_number_digest, l.method, l.principal_amount, l.drawn_date,
                       l.principal_outstanding_amount, l.interest_receivable_amount,
                       l.fee_receivable_amount, l.days_past_due,
                       (SELECT sum(i.interest_accrued_amount) FROM loans_installment i
                        WHERE i.loan_id = l.id)
                FROM loans_loan l JOIN accounts_borrower b ON b.id = l.borrower_id
                ORDER BY 1, 2, 3, 4, 5
                """
            )
            return cursor.fetchall()

    def wipe() -> None:
        # Borrower ids (and so identity numbers) come from the sequence: start both at 1. As
        # the owner: the application's role may not truncate (tests/database.py).
        with owner_cursor(allow_truncate=True) as cursor:
            cursor.execute(
                "TRUNCATE loans_reminder, loans_journalline, loans_journalentry,"
                " loans_installment, loans_loan, loans_creditline, loans_creditapplication,"
                " accounts_borrower, loans_businessdate RESTART IDENTITY CASCADE"
            )

    args = ("--loans", "900", "--as-of", AS_OF.isoformat(), "--seed", "3", "--chunk-size", "300")
    wipe()
    seed(*args, "--writers", "1")
    one = fingerprint()
    wipe()

    analysed_before = analyze_count("loans_installment")
    seed(*args, "--writers", "2")

    assert fingerprint() == one
    assert len(one) == 900
    call_command("reconcile", stdout=StringIO())
    # Issue #20: each writer analyses in its first chunk and the run at its end, as the owner
    # (PostgreSQL skips the application's role): 3 chunks on 2 writers, so 3 ANALYZEs.
    assert analyze_count("loans_installment", at_least=analysed_before + 3) >= analysed_before + 3


def analyze_count(table: str, *, at_least: int = 0) -> int:
    """How often ``table`` was analysed; waits up to 10 s for ``at_least`` (stats flush late)."""
    deadline = time.monotonic() + 10
    while True:
        with owner_cursor() as cursor:
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table]
            )
            count = int(cursor.fetchone()[0])
        if count >= at_least or time.monotonic() > deadline:
            return count
        time.sleep(0.2)
