"""Revolving accounts in the credit-bureau export (issue #19, PRODUCT §13, §10): the worked
24-month example of docs/reporting.md through the services and close of business, the record's
exact figures, the loans' lines unchanged in front of them, corrections, rejects, a closed
account, and a month end that was never classified."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import crypto
from accounts.models import Borrower
from accounts.validators import id_number_check_character
from loans.calendar.models import BusinessDate
from loans.domain.bureau import Month
from loans.domain.revolving.state import debt_outstanding
from loans.reporting.bureau.writers import JsonLinesWriter
from loans.reporting.models import BureauRecord, BureauRun, LoanClassification
from loans.reporting.services.bureau import bureau_export
from loans.reporting.services.bureau_records import record_chunks, written_rows
from loans.reporting.services.classification import loans_classify
from loans.revolving.models import (
    RevolvingAccount,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.accounts import revolving_account_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.state import account_bills, account_state, unbilled_orders
from tests.factories.loans import draw
from tests.integration.revolving.world import NOW, Shop, shop_with_account
from tests.integration.servicing.nights_helpers import close_through
from tests.personal_data_in_logs import log_watch, personal_data_in

pytestmark = pytest.mark.django_db
__all__ = ["log_watch"]  # every test runs under the log check: no identity number in a log

D = Decimal
MARCH, APRIL, MAY = Month(2027, 3), Month(2027, 4), Month(2027, 5)


@pytest.fixture(autouse=True)
def bureau_dir(settings, tmp_path) -> Path:
    settings.LENDPORTAL_BUREAU_DIR = str(tmp_path)
    return tmp_path


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _buy(shop: Shop, amount: str, *, on: date | None = None) -> None:
    now = NOW if on is None else _now(on)
    order = shop.order(amount, now=now)
    order_capture(order_id=order.pk, now=now)


def _pay(shop: Shop, amount: Decimal | str, on: date) -> None:
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=D(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=f"P-{on}",
        now=_now(on),
    )


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _code(account: RevolvingAccount) -> str:
    return f"LR{account.pk:012d}"


def _identity(account: RevolvingAccount) -> str:
    borrower = Borrower.objects.get(pk=account.credit_line.borrower_id)
    return crypto.decrypt(borrower.id_number_ciphertext)


def _classified(month: Month) -> None:
    """Close ``month``'s last day as far as the classification needs: the days columns are
    the night's (0 here, nothing is billed), then the month-end step."""
    BusinessDate.objects.update_or_create(
        id=1, defaults={"current_date": month.last_day + timedelta(1)}
    )
    loans_classify(month_end=month.last_day)


# The worked example of docs/reporting.md "Revolving accounts": statement day 1, opened
# 15 March 2027, ¥3,000 bought on 20 March; every night closed by close of business.
HISTORY = {
    "2027-03": "*",
    "2027-04": "*N",
    "2027-05": "*NN",
    "2027-06": "*NN1",
    "2027-07": "*NN12",
    "2027-08": "*NN12N",
    "2027-09": "*NN12N*",
}


def _scripted_history() -> Shop:
    shop = shop_with_account(statement_day=1)
    close_through(date(2027, 3, 15), date(2027, 3, 19))
    _buy(shop, "3000.00", on=date(2027, 3, 20))
    close_through(date(2027, 3, 20), date(2027, 4, 9))
    _pay(shop, "300.00", date(2027, 4, 10))  # the April bill's minimum, on its due date
    close_through(date(2027, 4, 10), date(2027, 5, 7))
    _pay(shop, "310.50", date(2027, 5, 8))  # the May bill's minimum, two days early
    close_through(date(2027, 5, 8), date(2027, 8, 19))  # June's and July's not paid
    account = RevolvingAccount.objects.get(pk=shop.account.pk)
    owed = debt_outstanding(
        account_state(account, account_bills(account), unbilled_orders(account))
    )
    assert owed == D("2588.33")  # the August bill's 2,556.32, and 1-19 August's charges
    _pay(shop, owed, date(2027, 8, 20))  # everything: no September bill
    close_through(date(2027, 8, 20), date(2027, 9, 30))
    return shop


def test_the_documented_history_gives_the_documented_strings_and_figures():
    shop = _scripted_history()
    bills = Statement.objects.filter(account=shop.account).order_by("statement_date")
    assert [(b.statement_date.month, b.minimum_payment_amount) for b in bills] == [
        (4, D("300.00")),
        (5, D("310.50")),
        (6, D("273.23")),
        (7, D("557.38")),
        (8, D("848.72")),
    ]

    records = {}
    for text in HISTORY:
        [line] = _lines(bureau_export(month=Month.parse(text), today=date(2027, 10, 1)).path)
        records[text] = line

    assert {month: line["RpyStatus24"] for month, line in records.items()} == HISTORY
    assert [line["RpyStatus"] for line in records.values()] == list("*NN12N*")
    assert records["2027-07"] == {
        "RecordType": "BASE",
        "Month": "2027-07",
        "AcctCode": _code(shop.account),
        "AcctType": "R1",
        "Name": "张三",
        "IDType": "10",
        "IDNum": _identity(shop.account),
        "OpenDate": "2027-03-15",
        "DueDate": "2027-07-10",
        "CreditLimit": "30000.00",
        "AcctBal": "2439.45",  # 3,000 - 300.00 (10 April) - 260.55 (8 May) of principal
        "CurRpyAmt": "557.38",  # the July bill's minimum
        "ActRpyAmt": "0.00",
        "OverdPrd": 2,  # the June and July bills
        "TotOverd": "557.38",  # their own minimums: 273.23 + 284.15
        "Oved31_60Princ": "243.95",  # June's minimum less its interest 29.28, 51 days late
        "Oved61_90Princ": "0.00",
        "Oved91_180Princ": "0.00",
        "OvedPrincPast180": "0.00",
        "FiveCate": "SPECIAL_MENTION",  # 51 days past due
        "RpyStatus": "2",
        "RpyStatus24": "*NN12",
    }
    august, september = records["2027-08"], records["2027-09"]
    assert (august["AcctBal"], august["CurRpyAmt"], august["ActRpyAmt"]) == (
        "0.00",
        "848.72",
        "2588.33",
    )
    assert (august["OverdPrd"], august["TotOverd"], august["FiveCate"]) == (0, "0.00", "NORMAL")
    assert (september["DueDate"], september["CurRpyAmt"], september["ActRpyAmt"]) == (
        "2027-08-10",
        "0.00",
        "0.00",
    )


@pytest.fixture
def loan_and_account() -> tuple[Any, Shop]:
    """A ¥6,000 loan drawn 10 March and an account that bought ¥1,234.56 on 15 March, March
    classified."""
    loan = draw(principal="6000.00", term=6, as_of=date(2027, 3, 10))
    shop = shop_with_account()
    _buy(shop, "1234.56")
    _classified(MARCH)
    return loan, shop


def test_the_loans_lines_are_unchanged_and_the_account_follows(loan_and_account):
    loan, shop = loan_and_account
    expected = io.BytesIO()
    writer = JsonLinesWriter(expected)
    loans_rows = []
    for chunk in record_chunks(MARCH, 5000):
        loans_rows += written_rows(writer, chunk, "BASE")

    result = bureau_export(month=MARCH, today=date(2027, 4, 1))

    data = result.path.read_bytes()
    assert data.startswith(expected.getvalue())  # the loans' part, byte for byte
    [line] = [json.loads(text) for text in data[len(expected.getvalue()) :].splitlines()]
    assert line == {
        "RecordType": "BASE",
        "Month": "2027-03",
        "AcctCode": _code(shop.account),
        "AcctType": "R1",
        "Name": "张三",
        "IDType": "10",
        "IDNum": _identity(shop.account),
        "OpenDate": "2027-03-15",
        "DueDate": None,  # no bill yet
        "CreditLimit": "30000.00",
        "AcctBal": "1234.56",
        "CurRpyAmt": "0.00",
        "ActRpyAmt": "0.00",
        "OverdPrd": 0,
        "TotOverd": "0.00",
        "Oved31_60Princ": "0.00",
        "Oved61_90Princ": "0.00",
        "Oved91_180Princ": "0.00",
        "OvedPrincPast180": "0.00",
        "FiveCate": "NORMAL",
        "RpyStatus": "*",
        "RpyStatus24": "*",
    }
    assert (result.run.records_count, len(loans_rows)) == (2, 1)
    rows = BureauRecord.objects.filter(run=result.run).order_by("id")
    assert [(r.loan_id, r.revolving_account_id, r.kind) for r in rows] == [
        (loan.pk, None, "BASE"),
        (None, shop.account.pk, "BASE"),
    ]
    assert result.revolving_unreported == 0


def test_a_restated_month_end_yields_one_correction_in_the_next_run(loan_and_account):
    loan, shop = loan_and_account
    march = bureau_export(month=MARCH, today=date(2027, 4, 1))
    march_bytes = march.path.read_bytes()
    # No revolving service posts a back-dated entry; a restated month-end row (as a rerun of
    # the month end after a correction of the days would write) is what changes a record.
    LoanClassification.objects.filter(revolving_account=shop.account).update(
        days_past_due=5, risk_class="SPECIAL_MENTION", classified_at=timezone.now()
    )
    _classified(APRIL)

    april = bureau_export(month=APRIL, today=date(2027, 5, 1))

    lines = _lines(april.path)
    assert [(x["RecordType"], x["Month"], x["AcctCode"]) for x in lines] == [
        ("BASE", "2027-04", f"LP{loan.pk:012d}"),
        ("BASE", "2027-04", _code(shop.account)),
        ("CORRECTION", "2027-03", _code(shop.account)),
    ]
    assert (lines[2]["FiveCate"], lines[2]["RpyStatus24"]) == ("SPECIAL_MENTION", "*")
    assert (april.run.records_count, april.run.corrections_count) == (2, 1)
    # Kept: March's file as it was; nothing changed since, so a further run sends nothing.
    assert march.path.read_bytes() == march_bytes
    assert hashlib.sha256(march_bytes).hexdigest() == march.run.file_sha256
    quiet = bureau_export(month=APRIL, today=date(2027, 5, 1))
    assert (quiet.run.kind, quiet.path.read_bytes()) == ("CORRECTIONS", b"")


def test_a_reject_is_listed_by_account_and_sent_once_fixed(loan_and_account, bureau_dir):
    _loan, shop = loan_and_account
    borrower = Borrower.objects.get(pk=shop.account.credit_line.borrower_id)
    Borrower.objects.filter(pk=borrower.pk).update(id_number_ciphertext="not-a-token")
    out = StringIO()

    call_command("bureau_export", "--month", "2027-03", stdout=out, stderr=StringIO())

    text = out.getvalue()
    assert f"reject: revolving account {shop.account.pk} 2027-03 BASE IDENTITY_UNREADABLE" in text
    assert "1 records, 0 corrections, 1 rejects" in text
    [reject] = BureauRecord.objects.exclude(reject_reason="")
    assert (reject.loan_id, reject.revolving_account_id) == (None, shop.account.pk)
    assert reject.data is not None
    assert "IDNum" not in reject.data
    assert reject.data["CreditLimit"] == "30000.00"
    number = "11010119900307123" + id_number_check_character("11010119900307123")
    Borrower.objects.filter(pk=borrower.pk).update(id_number_ciphertext=crypto.encrypt(number))
    out = StringIO()

    call_command("bureau_export", "--month", "2027-03", stdout=out, stderr=StringIO())

    assert "1 earlier rejects sent" in out.getvalue()
    again = BureauRun.objects.latest("id")
    [line] = _lines(bureau_dir / again.file_name)
    assert (line["RecordType"], line["AcctCode"], line["IDNum"]) == (
        "BASE",
        _code(shop.account),
        number,
    )
    assert not personal_data_in(text + out.getvalue())


def test_an_account_closed_in_the_month_is_reported_closed_once(loan_and_account):
    _loan, shop = loan_and_account
    bureau_export(month=MARCH, today=date(2027, 4, 1))
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 10))
    _pay(shop, "1234.56", date(2027, 4, 10))  # paid off, then closed at the borrower's request
    revolving_account_close(account_id=shop.account.pk, as_of=date(2027, 4, 10))
    _classified(APRIL)
    _classified(MAY)

    april = _lines(bureau_export(month=APRIL, today=date(2027, 6, 1)).path)
    may = _lines(bureau_export(month=MAY, today=date(2027, 6, 1)).path)

    closed = next(line for line in april if line["AcctCode"] == _code(shop.account))
    assert (closed["RpyStatus"], closed["RpyStatus24"], closed["AcctBal"]) == ("C", "*C", "0.00")
    assert (closed["CreditLimit"], closed["OverdPrd"], closed["FiveCate"]) == (
        "30000.00",
        0,
        "NORMAL",
    )
    assert [line["AcctCode"][:2] for line in may] == ["LP"]  # the account is gone


def test_accounts_of_a_month_end_never_classified_are_counted_not_guessed():
    shop_with_account()
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 4, 1))
    out = StringIO()

    call_command("bureau_export", "--month", "2027-03", stdout=out, stderr=StringIO())

    assert "0 records, 0 corrections, 0 rejects" in out.getvalue()
    assert "1 revolving accounts not reported: no month-end row at 2027-03-31" in out.getvalue()
