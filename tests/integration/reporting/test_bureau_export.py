"""The monthly credit-bureau export (issue #19, PRODUCT §13): records, corrections after a
back-dated repayment, rejects, kept runs, identity numbers only in the file."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts import crypto
from accounts.models import Borrower
from loans.domain.bureau import Month
from loans.reporting.models import BureauRecord, BureauRun
from loans.reporting.services.bureau import BureauMonthNotOver, bureau_export
from loans.servicing.models import Loan
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.servicing.nights_helpers import close_through, pay
from tests.personal_data_in_logs import log_watch, personal_data_in

pytestmark = pytest.mark.django_db
__all__ = ["log_watch"]  # every test runs under the log check: no identity number in a log

JANUARY, FEBRUARY = Month(2027, 1), Month(2027, 2)
TODAY = date(2027, 3, 1)  # the business date once February is closed
D = Decimal


@pytest.fixture(autouse=True)
def bureau_dir(settings, tmp_path) -> Path:
    settings.LENDPORTAL_BUREAU_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def book() -> dict[str, Loan]:
    """Four ¥10,000 loans of 12 terms drawn 2027-01-15 (916.80 a month, first due 02-15),
    closed through 2027-02-28: ``on_time`` paid February's term on its due date, ``late``
    did not; ``bad_id`` has an identity number that is not one, ``unreadable`` a ciphertext no
    key opens."""
    business_date_set(DRAW_DATE)
    loans = {
        name: draw(principal="10000.00", term=12)
        for name in ("on_time", "late", "bad_id", "unreadable")
    }
    Borrower.objects.filter(pk=loans["bad_id"].borrower_id).update(
        id_number_ciphertext=crypto.encrypt("110101199003071234")  # wrong check character
    )
    Borrower.objects.filter(pk=loans["unreadable"].borrower_id).update(
        id_number_ciphertext="not-a-token"
    )
    close_through(DRAW_DATE, date(2027, 2, 14))
    pay(loans["on_time"], "916.80", date(2027, 2, 15), as_of=date(2027, 2, 15))
    close_through(date(2027, 2, 15), date(2027, 2, 28))
    return loans


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _by_loan(lines: list[dict[str, object]]) -> dict[int, dict[str, object]]:
    return {int(str(line["AcctCode"])[2:]): line for line in lines}


def _identity(loan: Loan) -> str:
    return crypto.decrypt(Borrower.objects.get(pk=loan.borrower_id).id_number_ciphertext)


def test_february_records_with_the_fields_of_section_13(book):
    result = bureau_export(month=FEBRUARY, today=TODAY)

    run = result.run
    assert (run.kind, run.records_count, run.corrections_count, run.rejects_count) == (
        "FULL",
        2,
        0,
        2,
    )
    lines = _by_loan(_lines(result.path))
    on_time, late = lines[book["on_time"].pk], lines[book["late"].pk]
    assert list(on_time) == [
        "RecordType", "Month", "AcctCode", "Name", "IDType", "IDNum", "OpenDate", "DueDate",
        "LoanAmt", "AcctBal", "CurRpyAmt", "ActRpyAmt", "OverdPrd", "TotOverd",
        "Oved31_60Princ", "Oved61_90Princ", "Oved91_180Princ", "OvedPrincPast180",
        "FiveCate", "RpyStatus", "RpyStatus24",
    ]  # fmt: skip
    assert on_time == {
        "RecordType": "BASE",
        "Month": "2027-02",
        "AcctCode": f"LP{book['on_time'].pk:012d}",
        "Name": Borrower.objects.get(pk=book["on_time"].borrower_id).full_name,
        "IDType": "10",
        "IDNum": _identity(book["on_time"]),
        "OpenDate": "2027-01-15",
        "DueDate": "2028-01-15",
        "LoanAmt": "10000.00",
        "AcctBal": "9233.20",  # 10,000 - 766.80
        "CurRpyAmt": "916.80",
        "ActRpyAmt": "916.80",
        "OverdPrd": 0,
        "TotOverd": "0.00",
        "Oved31_60Princ": "0.00",
        "Oved61_90Princ": "0.00",
        "Oved91_180Princ": "0.00",
        "OvedPrincPast180": "0.00",
        "FiveCate": "NORMAL",
        "RpyStatus": "N",
        "RpyStatus24": "*N",
    }
    assert (late["RpyStatus"], late["RpyStatus24"], late["OverdPrd"]) == ("1", "*1", 1)
    assert (late["TotOverd"], late["ActRpyAmt"], late["AcctBal"]) == ("916.80", "0.00", "10000.00")
    assert late["FiveCate"] == "SPECIAL_MENTION"  # 13 days past due at 02-28


def test_rejects_are_kept_with_the_run_and_listed_without_the_number(book, bureau_dir):
    out = StringIO()
    call_command("bureau_export", "--month", "2027-02", stdout=out, stderr=StringIO())

    rejects = BureauRecord.objects.exclude(reject_reason="").order_by("loan_id")
    assert [(r.loan_id, r.reject_reason) for r in rejects] == [
        (book["bad_id"].pk, "IDENTITY_INVALID"),
        (book["unreadable"].pk, "IDENTITY_UNREADABLE"),
    ]
    assert all(r.data is not None and "IDNum" not in r.data for r in rejects)
    text = out.getvalue()
    assert f"reject: loan {book['bad_id'].pk} 2027-02 BASE IDENTITY_INVALID" in text
    assert f"reject: loan {book['unreadable'].pk} 2027-02 BASE IDENTITY_UNREADABLE" in text
    assert "2 records, 0 corrections, 2 rejects" in text
    assert not personal_data_in(text)
    # Rejected records are not in the file.
    run = BureauRun.objects.get()
    sent = _by_loan(_lines(bureau_dir / run.file_name))
    assert set(sent) == {book["on_time"].pk, book["late"].pk}


def test_a_back_dated_repayment_yields_one_correction_for_the_month_it_changes(book, bureau_dir):
    january = bureau_export(month=JANUARY, today=TODAY)
    february = bureau_export(month=FEBRUARY, today=TODAY)
    assert (january.run.records_count, february.run.records_count) == (2, 2)
    assert february.run.corrections_count == 0
    february_bytes = february.path.read_bytes()

    # The late loan's February payment turns up: received on its due date, posted on 03-01.
    pay(book["late"], "916.80", date(2027, 2, 15), as_of=TODAY)
    again = bureau_export(month=FEBRUARY, today=TODAY)

    assert again.run.kind == "CORRECTIONS"
    assert (again.run.records_count, again.run.corrections_count) == (0, 1)
    [line] = _lines(again.path)
    assert (line["RecordType"], line["Month"], line["AcctCode"]) == (
        "CORRECTION",
        "2027-02",
        f"LP{book['late'].pk:012d}",
    )
    assert (line["RpyStatus"], line["OverdPrd"], line["TotOverd"], line["ActRpyAmt"]) == (
        "N",
        0,
        "0.00",
        "916.80",
    )
    # Kept: the first February file is as it was, and its hash is the one recorded.
    assert february.path.read_bytes() == february_bytes
    assert hashlib.sha256(february_bytes).hexdigest() == february.run.file_sha256
    assert BureauRun.objects.count() == 3
    # Nothing changed since: a further run sends nothing.
    quiet = bureau_export(month=FEBRUARY, today=TODAY)
    assert (quiet.run.records_count, quiet.run.corrections_count) == (0, 0)
    assert quiet.path.read_bytes() == b""


def test_a_month_not_over_is_refused(book):
    with pytest.raises(BureauMonthNotOver):
        bureau_export(month=Month(2027, 3), today=date(2027, 3, 31))
    assert not BureauRun.objects.exists()


def test_the_command_shows_progress_on_stderr(book):
    out, err = StringIO(), StringIO()
    call_command("bureau_export", "--month", "2027-01", "--chunk-size", "1", stdout=out, stderr=err)

    assert "2027-01 records: 4 loans" in err.getvalue()
    assert "Bureau run" in out.getvalue()
    assert not personal_data_in(out.getvalue() + err.getvalue())


def test_the_database_refuses_to_rewrite_a_kept_run_or_record(book):
    result = bureau_export(month=JANUARY, today=TODAY)
    record = result.run.records.first()
    assert record is not None
    for change in (
        lambda: BureauRecord.objects.filter(pk=record.pk).update(digest="0" * 64),
        lambda: BureauRecord.objects.filter(pk=record.pk).delete(),
        lambda: BureauRun.objects.filter(pk=result.run.pk).update(records_count=0),
    ):
        with pytest.raises(IntegrityError, match="bureau exports are kept"), transaction.atomic():
            change()
    assert BureauRun.objects.get().records_count == 2


def _valid_identity() -> str:
    from accounts.validators import id_number_check_character

    first_17 = "11010119900307123"
    return first_17 + id_number_check_character(first_17)


def test_a_reject_whose_data_is_fixed_is_sent_by_the_next_run(book, bureau_dir):
    first = bureau_export(month=FEBRUARY, today=TODAY)
    assert first.run.rejects_count == 2
    # The officer corrects the bad number; the unreadable one stays as it is.
    number = _valid_identity()
    Borrower.objects.filter(pk=book["bad_id"].borrower_id).update(
        id_number_ciphertext=crypto.encrypt(number)
    )

    out = StringIO()
    call_command("bureau_export", "--month", "2027-02", stdout=out, stderr=StringIO())

    again = BureauRun.objects.latest("id")
    assert again.kind == "CORRECTIONS"
    [line] = _lines(bureau_dir / again.file_name)
    assert (line["RecordType"], line["Month"], line["AcctCode"], line["IDNum"]) == (
        "BASE",
        "2027-02",
        f"LP{book['bad_id'].pk:012d}",
        number,
    )
    assert (again.records_count, again.corrections_count, again.rejects_count) == (1, 0, 1)
    text = out.getvalue()
    assert "1 earlier rejects sent" in text
    assert f"reject: loan {book['unreadable'].pk} 2027-02 BASE IDENTITY_UNREADABLE" in text
    assert not personal_data_in(text)
    # Sent once: the next run tries only the one still rejected.
    third = bureau_export(month=FEBRUARY, today=TODAY)
    assert (third.run.records_count, third.run.rejects_count, third.resent) == (0, 1, 0)
    assert third.path.read_bytes() == b""


def _domain_figures(loan: Loan, month: Month) -> tuple[str, str, int, str]:
    """The domain's status, string, overdue terms and amount due of ``month``, from the rows."""
    from loans.domain.bureau import AccountFacts, InstallmentFacts, month_figures

    loan.refresh_from_db()
    rows = [
        InstallmentFacts(
            due_date=row.due_date,
            paid_date=row.paid_date,
            amount=row.principal_amount + row.interest_amount + row.fee_amount,
        )
        for row in loan.installments.order_by("number")
    ]
    closed = loan.closed_date if loan.closed_date and loan.closed_date <= month.last_day else None
    assert loan.disbursed_date is not None
    account = AccountFacts(
        opened=loan.disbursed_date, closed=closed, written_off=False, installments=rows
    )
    figures = month_figures(account, month)
    return figures.status, figures.history, figures.overdue_terms, f"{figures.amount_due:.2f}"


def test_a_loan_paid_off_in_the_month_is_closed_with_nothing_overdue():
    from loans.servicing.selectors import loan_payoff_quote

    business_date_set(DRAW_DATE)
    paid_off, late = draw(principal="6000.00", term=6), draw(principal="6000.00", term=6)
    close_through(DRAW_DATE, date(2027, 2, 9))
    quote = loan_payoff_quote(loan=paid_off, as_of=date(2027, 2, 10))
    pay(paid_off, quote.total, date(2027, 2, 10), as_of=date(2027, 2, 10))
    close_through(date(2027, 2, 10), date(2027, 2, 28))

    lines = _by_loan(_lines(bureau_export(month=FEBRUARY, today=TODAY).path))

    closed, owing = lines[paid_off.pk], lines[late.pk]
    assert (closed["RpyStatus"], closed["RpyStatus24"], closed["AcctBal"]) == ("C", "*C", "0.00")
    assert (closed["OverdPrd"], closed["TotOverd"], closed["ActRpyAmt"]) == (
        0,
        "0.00",
        f"{quote.total:.2f}",
    )
    for loan in (paid_off, late):
        line = lines[loan.pk]
        assert (line["RpyStatus"], line["RpyStatus24"], line["OverdPrd"], line["CurRpyAmt"]) == (
            _domain_figures(loan, FEBRUARY)
        )
    assert owing["RpyStatus24"] == "*1"
