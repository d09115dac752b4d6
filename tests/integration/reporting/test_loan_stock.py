"""The dashboard's stock by bucket, kept by triggers on the loans (issue #20).

Whatever changes the loans (a draw, a bucket change, a repayment, a write-off, a delete), the
stock read from ``loans_loanstock`` equals ``GROUP BY bucket`` over the active loans; a night's
accrual adds no row; folding keeps the sums, also across a writer that commits after the fold
began; a rebuild repairs a stock whose triggers were skipped; the migration fills the table
from the loans it finds.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from accounts.models import User
from loans.domain.prepayment import PrepaymentMode
from loans.reporting.models import LoanStock
from loans.reporting.services.loan_stock import (
    Stock,
    loan_stock,
    loan_stock_compact,
    loan_stock_drift,
    loan_stock_rebuild,
)
from loans.servicing.models import Loan, LoanStatus, RepaymentChannel
from loans.servicing.services.collections import write_off_post
from loans.servicing.services.daily import loan_interest_accrue
from loans.servicing.services.repayments import repayment_post
from tests.database import migrate_as_owner
from tests.factories.loans import DRAW_DATE, business_date_open_on, draw

D = Decimal
BEFORE = ("reporting", "0008_bureau_record_no_account_keys")
AFTER = ("reporting", "0009_loan_stock")


def _grouped() -> dict[str, Stock]:
    """The stock the slow way: every active loan grouped by bucket."""
    rows = (
        Loan.objects.filter(status=LoanStatus.ACTIVE)
        .values("bucket")
        .annotate(n=Count("*"), p=Sum("principal_outstanding_amount"))
        .order_by()
    )
    return {row["bucket"]: Stock(row["n"], row["p"]) for row in rows}


def _assert_kept() -> dict[str, Stock]:
    stock = loan_stock()
    assert stock == _grouped()
    assert loan_stock_drift() == []
    return stock


@pytest.mark.django_db
def test_the_stock_follows_every_change_to_the_loans():
    first, second, third = draw(principal="10000.00"), draw(principal="5000.00"), draw()
    assert _assert_kept() == {"CURRENT": Stock(3, D("25000.00"))}

    Loan.objects.filter(pk=second.pk).update(days_past_due=45, bucket="M2")
    assert _assert_kept() == {"CURRENT": Stock(2, D("20000.00")), "M2": Stock(1, D("5000.00"))}

    with business_date_open_on(DRAW_DATE):
        repayment_post(
            loan=first,
            amount=D("3000.00"),
            value_date=DRAW_DATE,
            as_of=DRAW_DATE,
            channel=RepaymentChannel.BACK_OFFICE,
            prepayment_mode=PrepaymentMode.SHORTEN_TERM,
        )
    current = _assert_kept()["CURRENT"]
    assert current.loans == 2
    assert current.principal < D("20000.00")

    officer = User.objects.create_user(username="officer", password="x", is_staff=True)
    write_off_post(loan_id=second.pk, officer=officer, as_of=DRAW_DATE, memo="test")
    assert set(_assert_kept()) == {"CURRENT"}

    copy = _copy_of(third)  # a loan without journal lines: one that may be deleted
    assert _assert_kept()["CURRENT"].loans == 3
    Loan.objects.filter(pk=copy).delete()
    assert _assert_kept()["CURRENT"].loans == 2


def _copy_of(loan: Loan) -> int:
    """A copy of ``loan``'s row under a new id (INSERT ... SELECT: the insert trigger sees it)."""
    columns = ", ".join(
        f.column for f in Loan._meta.concrete_fields if f.column not in {"id", "draw_key"}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO loans_loan ({columns}) SELECT {columns} FROM loans_loan"  # noqa: S608
            " WHERE id = %s RETURNING id",
            [loan.pk],
        )
        (new_id,) = cursor.fetchone()
    return int(new_id)


@pytest.mark.django_db
def test_a_night_of_accrual_adds_no_row():
    loan = draw()
    rows = LoanStock.objects.count()

    accrued = loan_interest_accrue(loan=loan, as_of=DRAW_DATE)

    assert accrued > 0
    assert LoanStock.objects.count() == rows
    _assert_kept()


@pytest.mark.django_db
def test_folding_keeps_the_sums_in_one_row_per_bucket():
    loans = [draw(principal="2000.00") for _ in range(3)]
    for loan, bucket in zip(loans, ["M1", "M2", "M1"], strict=True):
        Loan.objects.filter(pk=loan.pk).update(bucket=bucket)
    before, rows = loan_stock(), LoanStock.objects.count()
    assert rows > 3

    assert loan_stock_compact() == rows

    assert loan_stock() == before == {"M1": Stock(2, D("4000.00")), "M2": Stock(1, D("2000.00"))}
    assert sorted(LoanStock.objects.values_list("bucket", flat=True)) == ["M1", "M2"]
    _assert_kept()


@pytest.mark.django_db
def test_a_rebuild_repairs_a_stock_whose_triggers_were_skipped():
    draw(principal="3000.00")
    draw(principal="4000.00")
    LoanStock.objects.all().delete()  # as after a seed that wrote as a replica
    assert loan_stock() == {}
    assert [(d.bucket, d.kept_loans, d.actual_loans) for d in loan_stock_drift()] == [
        ("CURRENT", 0, 2)
    ]

    loan_stock_rebuild()

    assert _assert_kept() == {"CURRENT": Stock(2, D("7000.00"))}
    assert LoanStock.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_folds_racing_writers_that_commit_lose_no_change():
    """A fold that read the rows and deleted them in two statements would drop what a writer
    committed in between; folded in one statement, every change stays."""
    loans = [draw(principal="1000.00") for _ in range(4)]
    done = threading.Event()

    def writer() -> None:
        try:
            for n in range(150):
                loan = loans[n % len(loans)]
                Loan.objects.filter(pk=loan.pk).update(bucket=("M1", "M2", "M3")[n % 3])
        finally:
            done.set()
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    folds = 0
    while not done.is_set():
        loan_stock_compact()
        folds += 1
    thread.join(10)

    assert folds > 1
    assert sum(stock.loans for stock in _assert_kept().values()) == 4


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_stock_from_the_loans_it_finds():
    draw(principal="8000.00")
    m2 = draw(principal="1000.00")
    migrate_as_owner([BEFORE])
    try:
        assert _triggers() == []
        Loan.objects.filter(pk=m2.pk).update(bucket="M2")  # no trigger sees it
        migrate_as_owner([AFTER])
    finally:
        migrate_as_owner(None)

    assert _triggers() == [
        "loan_stock_deleted",
        "loan_stock_inserted",
        "loan_stock_truncated",
        "loan_stock_updated",
    ]
    assert _assert_kept() == {"CURRENT": Stock(1, D("8000.00")), "M2": Stock(1, D("1000.00"))}


def _triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'loans_loan'::regclass"
            " AND tgname LIKE 'loan_stock%%' ORDER BY tgname"
        )
        return [name for (name,) in cursor.fetchall()]
