"""Accounting periods, the trial balance and the journal export (issue #19, PRODUCT §13)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from openpyxl import load_workbook

from accounts.roles import FINANCE, roles_sync, staff_member_create
from loans.approvals.models import ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import MakerCheckerViolation
from loans.approvals.services.maker_checker import approval_approve, period_reopen_request
from loans.calendar.models import BusinessDate
from loans.ledger.exports import JOURNAL_COLUMNS, journal_write
from loans.ledger.models import AccountCode, AccountingPeriod, EntryType, JournalEntry
from loans.ledger.periods import PeriodClosed, period_close
from loans.ledger.reconciliation import books_totals
from loans.ledger.services import credit, debit, entry_post
from loans.ledger.statements import JournalRow, trial_balance
from loans.servicing.models import Loan, RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

JANUARY = date(2027, 1, 1)
FEBRUARY = date(2027, 2, 1)


def _business_date(day: date) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})


def _nights_through(day: date) -> None:
    call_command("close_business_day", "--through", day.isoformat(), "--inline", stdout=StringIO())


def _amount(value: object) -> Decimal:
    return Decimal(str(value or "0")).quantize(Decimal("0.01"))


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _xlsx_rows(path: Path) -> list[dict[str, object]]:
    book = load_workbook(path, read_only=True)
    rows: list[dict[str, object]] = []
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        header = [str(h) for h in values[0]]
        # A row's empty cells at its end are not stored: pad it to the header.
        padding = [None] * len(header)
        rows += [dict(zip(header, (*row, *padding), strict=False)) for row in values[1:]]
    book.close()
    return rows


# --- the trial balance over a seeded portfolio ------------------------------------------------


def test_trial_balance_over_a_seeded_portfolio_after_several_nights(tmp_path: Path) -> None:
    call_command(
        "seed_portfolio", "--loans", "150", "--as-of", "2027-01-29", "--seed", "3",
        "--writers", "1", stdout=StringIO(),
    )  # fmt: skip
    _nights_through(date(2027, 2, 2))  # five nights across the month end
    assert_books_reconcile()

    january = trial_balance(start=JANUARY, end=date(2027, 1, 31))
    february = trial_balance(start=FEBRUARY, end=date(2027, 2, 28))
    for rows in (january, february):
        assert sum(r.debits for r in rows) == sum(r.credits for r in rows) > 0
        assert sum(r.opening for r in rows) == 0
        assert sum(r.closing for r in rows) == 0
        for row in rows:
            assert row.closing == row.opening + row.debits - row.credits
    # A month opens where the last one closed; the closing balances are reconcile's.
    assert {r.account: r.opening for r in february} == {r.account: r.closing for r in january}
    reconciled = {account: Decimal(total) for account, total in books_totals().items()}
    assert {r.account: r.closing for r in february if r.closing or r.account in reconciled} == (
        reconciled
    )
    # The nights posted accrual in both months.
    accrual = {r.account: r for r in february}[AccountCode.INTEREST_INCOME]
    assert accrual.credits > 0

    # The command's CSV and XLSX carry the same figures, and their totals balance.
    csv_path, xlsx_path = tmp_path / "tb.csv", tmp_path / "tb.xlsx"
    call_command(
        "trial_balance", "--month", "2027-02", "--output", str(csv_path), stderr=StringIO()
    )
    call_command(
        "trial_balance", "--from", "2027-02-01", "--to", "2027-02-28", "--format", "xlsx",
        "--output", str(xlsx_path), stderr=StringIO(),
    )  # fmt: skip
    from_csv, from_xlsx = _csv_rows(csv_path), _xlsx_rows(xlsx_path)
    printed = StringIO()
    call_command("trial_balance", "--month", "2027-02", stdout=printed)  # CSV on stdout
    assert list(csv.DictReader(StringIO(printed.getvalue()))) == from_csv
    assert [r["account"] for r in from_csv] == [*AccountCode.values, "TOTAL"]
    columns = ("opening_balance", "debits", "credits", "closing_balance")
    for a, b in zip(from_csv, from_xlsx, strict=True):
        assert a["account"] == b["account"]
        assert [_amount(a[c]) for c in columns] == [_amount(b[c]) for c in columns]
    total = from_csv[-1]
    assert _amount(total["debits"]) == _amount(total["credits"]) == sum(r.debits for r in february)
    assert _amount(total["opening_balance"]) == _amount(total["closing_balance"]) == 0
    by_account = {r["account"]: _amount(r["closing_balance"]) for r in from_csv}
    assert all(by_account[account] == total for account, total in reconciled.items())

    # The journal export: every line of the month once, CSV and XLSX with equal totals.
    jcsv, jxlsx = tmp_path / "journal.csv", tmp_path / "journal.xlsx"
    err = StringIO()
    call_command(
        "journal_export", "--month", "2027-02", "--output", str(jcsv), "--progress-every", "100",
        stderr=err,
    )  # fmt: skip
    call_command("journal_export", "--month", "2027-02", "--output", str(jxlsx), stderr=StringIO())
    assert "journal_export: 100 lines" in err.getvalue()
    lines, xlines = _csv_rows(jcsv), _xlsx_rows(jxlsx)
    assert list(lines[0]) == list(JOURNAL_COLUMNS)
    body, trailer = lines[:-1], lines[-1]
    assert trailer["entry_id"] == "TOTAL"
    assert int(trailer["line_id"]) == len(body)
    assert len(body) == len({r["line_id"] for r in body})
    assert sum(_amount(r["debit"]) for r in body) == _amount(trailer["debit"])
    assert (
        _amount(trailer["debit"]) == _amount(trailer["credit"]) == sum(r.debits for r in february)
    )
    assert all(date.fromisoformat(r["booking_date"]) >= FEBRUARY for r in body)
    assert len(xlines) == len(lines)
    assert xlines[-1]["entry_id"] == "TOTAL"
    assert _amount(xlines[-1]["debit"]) == _amount(trailer["debit"])
    assert _amount(xlines[-1]["credit"]) == _amount(trailer["credit"])


# --- bad input, nothing half-written ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--month", "2027-13"],
        ["--month", "2027-1"],
        ["--month", "2027-01", "--from", "2027-01-01"],
        ["--from", "2027-02-01"],
        ["--from", "2027-02-10", "--to", "2027-02-01"],
        ["--from", "2027-02-30", "--to", "2027-03-01"],
        ["--month", "2027-01", "--format", "xlsx"],
    ],
)
@pytest.mark.parametrize("command", ["trial_balance", "journal_export"])
def test_bad_periods_are_refused_with_a_clear_message(command: str, args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command(command, *args, stdout=StringIO(), stderr=StringIO())


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "journal.xlsx"
    target.write_bytes(b"the previous export")

    def rows() -> Iterator[JournalRow]:
        now = datetime.now(tz=UTC)
        yield JournalRow(1, 1, JANUARY, JANUARY, "REPAYMENT", "CASH", Decimal("1.00"),
                         Decimal("0.00"), None, None, None, None, "", now)  # fmt: skip
        raise RuntimeError("the database went away")

    for fmt in ("csv", "xlsx"):
        with pytest.raises(RuntimeError):
            journal_write(rows(), target=target, fmt=fmt)
        assert target.read_bytes() == b"the previous export"
        assert [p.name for p in tmp_path.iterdir()] == ["journal.xlsx"]


# --- closing a period -------------------------------------------------------------------------


def _close_january(loan: Loan) -> AccountingPeriod:
    _nights_through(date(2027, 2, 3))
    return period_close(month=JANUARY, business_date=date(2027, 2, 4))


def test_a_month_closes_only_after_its_last_night(loan: Loan) -> None:
    _nights_through(date(2027, 1, 30))
    with pytest.raises(CommandError, match="2027-01-31"):
        call_command("period_close", "--month", "2027-01", stdout=StringIO())
    assert not AccountingPeriod.objects.exists()
    _nights_through(date(2027, 1, 31))
    out = StringIO()
    call_command("period_close", "--month", "2027-01", stdout=out)
    assert "2027-01 closed" in out.getvalue()
    with pytest.raises(CommandError, match="already closed"):
        call_command("period_close", "--month", "2027-01", stdout=StringIO())


def test_a_closed_period_refuses_postings_in_the_service_and_in_the_database(loan: Loan) -> None:
    _close_january(loan)
    before = JournalEntry.objects.count()
    lines = [
        debit(AccountCode.CASH, Decimal("1.00")),
        credit(AccountCode.FEE_INCOME, Decimal("1.00")),
    ]
    with pytest.raises(PeriodClosed, match="2027-01"):
        entry_post(
            entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=date(2027, 1, 20), lines=lines
        )
    # Raw SQL as the application's role: refused by the trigger, booked late or not.
    assert connection.settings_dict["USER"] == "lendportal_app"
    for booking in (None, date(2027, 1, 25)):
        with (
            pytest.raises(IntegrityError, match="closed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "INSERT INTO loans_journalentry (entry_type, value_date, booking_date, memo,"
                " posted_at) VALUES ('MANUAL_ADJUSTMENT', '2027-01-20', %s, '', now())",
                [booking],
            )
        # ... and it cannot switch the guard off.
        with (
            pytest.raises(DatabaseError, match="must be owner"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "ALTER TABLE loans_journalentry DISABLE TRIGGER journal_entry_period_open"
            )
    # A booking date must come after the value date.
    with (
        pytest.raises(IntegrityError, match="before or on its value date"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO loans_journalentry (entry_type, value_date, booking_date, memo,"
            " posted_at) VALUES ('MANUAL_ADJUSTMENT', '2027-02-03', '2027-02-03', '', now())"
        )
    assert JournalEntry.objects.count() == before
    # February is open: the same posting dated in it goes through.
    entry_post(entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=date(2027, 2, 3), lines=lines)


def test_a_back_dated_repayment_into_a_closed_month_books_in_the_open_period(loan: Loan) -> None:
    _close_january(loan)
    january_before = trial_balance(start=JANUARY, end=date(2027, 1, 31))
    february_before = trial_balance(start=FEBRUARY, end=date(2027, 2, 28))
    last_id = JournalEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    repayment = repayment_post(
        loan=loan, amount=Decimal("300.00"), value_date=date(2027, 1, 20), as_of=date(2027, 2, 4),
        channel=RepaymentChannel.BACK_OFFICE, reference="late",
    )  # fmt: skip
    entry = repayment.entry
    assert repayment.value_date == entry.value_date == date(2027, 1, 20)
    assert entry.booking_date == FEBRUARY
    # Nothing new is booked in January (the nights replayed included): it is unchanged, and
    # February carries the cash.
    new = JournalEntry.objects.filter(id__gt=last_id)
    assert new.exists()
    assert not new.filter(booking_date__isnull=True, value_date__lt=FEBRUARY).exists()
    assert trial_balance(start=JANUARY, end=date(2027, 1, 31)) == january_before
    february = trial_balance(start=FEBRUARY, end=date(2027, 2, 28))
    cash_before = {r.account: r for r in february_before}["CASH"]
    cash = {r.account: r for r in february}["CASH"]
    assert cash.debits == cash_before.debits + Decimal("300.00")
    assert sum(r.debits for r in february) == sum(r.credits for r in february)
    assert_books_reconcile()


def test_reopening_a_period_needs_a_second_officer(loan: Loan) -> None:
    _close_january(loan)
    roles_sync()
    maker = staff_member_create(username="maker", password="x", role=FINANCE)
    checker = staff_member_create(username="checker", password="x", role=FINANCE)
    with pytest.raises(CommandError, match="reason"):
        call_command(
            "period_close",
            "--month",
            "2027-01",
            "--reopen",
            "--officer",
            "maker",
            stdout=StringIO(),
        )
    call_command(
        "period_close", "--month", "2027-01", "--reopen", "--officer", "maker",
        "--reason", "late bank statement", stdout=StringIO(),
    )  # fmt: skip
    request = ApprovalRequest.objects.get(kind="PERIOD_REOPEN")
    assert request.payload == {"month": "2027-01"}
    with pytest.raises(Exception, match="already waits"):
        period_reopen_request(month=JANUARY, officer=maker, reason="again")
    with pytest.raises(MakerCheckerViolation):
        approval_approve(request=request, officer=maker, as_of=date(2027, 2, 4))
    assert AccountingPeriod.objects.get(month=JANUARY).closed
    approval_approve(request=request, officer=checker, as_of=date(2027, 2, 4))
    request.refresh_from_db()
    period = AccountingPeriod.objects.get(month=JANUARY)
    assert request.status == ApprovalStatus.APPROVED
    assert request.decided_by == checker
    assert not period.closed
    assert period.reopened_by == checker
    assert period.reopen_reason == "late bank statement"
    lines = [
        debit(AccountCode.CASH, Decimal("1.00")),
        credit(AccountCode.FEE_INCOME, Decimal("1.00")),
    ]
    entry_post(entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=date(2027, 1, 20), lines=lines)
    # Closed again, it refuses again.
    period_close(month=JANUARY, business_date=date(2027, 2, 4))
    with pytest.raises(PeriodClosed):
        entry_post(
            entry_type=EntryType.MANUAL_ADJUSTMENT, value_date=date(2027, 1, 20), lines=lines
        )
