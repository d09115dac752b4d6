"""The report pages with revolving accounts (issue #19): balances by class and stage and the
provisions show loans and revolving accounts apart, with totals equal to the month's provision
entry; the bureau rejects page names a revolving account and links to it; the CSV downloads
carry the kind (``account_type``). In English and Chinese.

One loan and two revolving accounts classified at 31 March 2027 by the services themselves:

- the loan: ¥10,000.00 drawn 10 March, NORMAL, stage 1, provision 1% = 100.00;
- account A: bought ¥1,234.50, 0 days past due: NORMAL, stage 1, 12.345 -> 12.35 (HALF_UP);
- account B: bought ¥1,000.00, 91 days past due: SUBSTANDARD, stage 3, 70% = 700.00.

Principal 12,234.50; allowance stage 1 112.35, stage 3 700.00, in all 812.35.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from accounts.roles import FINANCE
from loans.calendar.models import BusinessDate
from loans.domain.bureau import Month
from loans.ledger.models import JournalEntry, JournalLine
from loans.reporting.models import BureauRun
from loans.reporting.services.bureau import bureau_export
from loans.reporting.services.classification import loans_classify
from loans.revolving.models import RevolvingAccount
from loans.revolving.services.orders import order_capture
from loans.servicing.models import Loan
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import staff
from tests.integration.revolving.world import NOW, Shop, shop_with_account

pytestmark = pytest.mark.django_db
__all__ = ["staff"]

D = Decimal
MARCH = date(2027, 3, 31)


@dataclass
class Book:
    loan: Loan
    normal: RevolvingAccount
    late: RevolvingAccount
    entry: JournalEntry
    run: BureauRun = field(init=False)


def _buy(shop: Shop, amount: str) -> None:
    order = shop.order(amount, now=NOW)
    order_capture(order_id=order.pk, now=NOW)


@pytest.fixture
def bureau_dir(settings, tmp_path) -> Path:
    settings.LENDPORTAL_BUREAU_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def book(bureau_dir) -> Book:
    loan = draw(principal="10000.00", term=12, as_of=date(2027, 3, 10))
    normal, late = shop_with_account(), shop_with_account()  # opened 15 March
    _buy(normal, "1234.50")
    _buy(late, "1000.00")
    # What close of business would have set for 31 March (as the classification tests do).
    RevolvingAccount.objects.filter(pk=late.account.pk).update(days_past_due=91)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": MARCH + timedelta(1)})
    result = loans_classify(month_end=MARCH)
    assert result.provision_entry is not None
    return Book(loan, normal.account, late.account, result.provision_entry)


@pytest.fixture
def rejected(book) -> Book:
    """March's bureau run, the loan's and account B's identity numbers unreadable."""
    borrowers = [book.loan.borrower_id, book.late.credit_line.borrower_id]
    Borrower.objects.filter(pk__in=borrowers).update(id_number_ciphertext="not-a-token")
    book.run = bureau_export(month=Month(2027, 3), today=date(2027, 4, 1)).run
    return book


# --- reading the pages --------------------------------------------------------------------


@dataclass
class Row:
    cells: list[str]
    total: bool
    links: list[tuple[str, str]]  # (text, href) of the row's links


class Table(HTMLParser):
    """The rows of ``#report-table``: each cell's text, its links, and the total rows."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[Row] = []
        self._inside = False
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._link: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("id") == "report-table":
            self._inside = True
        elif self._inside and tag == "tr" and self._head_done():
            self.rows.append(Row([], "total" in (found.get("class") or "").split(), []))
        elif self._inside and tag in {"td", "th"}:
            self._cell = []
        elif self._inside and tag == "a":
            self._href, self._link = found.get("href"), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = False
        elif self._inside and tag == "a" and self._href is not None:
            self.rows[-1].links.append(("".join(self._link).strip(), self._href))
            self._href = None
        elif self._inside and tag in {"td", "th"} and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.rows[-1].cells if tag == "td" else self.header).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._href is not None:
            self._link.append(data)

    def _head_done(self) -> bool:
        return bool(self.header)


def _table(user: User, language: str, name: str, *args: object) -> Table:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    table = Table()
    table.feed(response.content.decode())
    return table


def _csv(user: User, language: str, name: str, *args: object) -> list[list[str]]:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _both_csv(user: User, name: str, *args: object) -> list[list[str]]:
    """The CSV in English; in Chinese it is the same bytes' rows (codes, not labels)."""
    english = _csv(user, "en", name, *args)
    assert _csv(user, "zh-hans", name, *args) == english
    return english


def _cells(table: Table) -> list[list[str]]:
    return [row.cells for row in table.rows]


def _totals(table: Table) -> list[int]:
    return [index for index, row in enumerate(table.rows) if row.total]


def _number(text: str) -> Decimal:
    """A shown count or amount ("3", "¥12,234.50") as a number."""
    return D(text.replace("¥", "").replace(",", ""))


def _allowance_held() -> Decimal:
    lines = JournalLine.objects.filter(account="LOAN_LOSS_PROVISION")
    return -sum(lines.values_list("amount", flat=True), D("0.00"))


# --- balances by class and stage -----------------------------------------------------------


# Shares of the month's 12,234.50: 10,000.00 81.74%, 1,234.50 10.09%, 1,000.00 8.17%,
# the accounts' 2,234.50 18.26%.
BALANCES_EN = [
    ["Loans", "Normal", "Stage 1", "1", "¥10,000.00", "81.74%", "¥100.00"],
    ["Loans", "Total", "", "1", "¥10,000.00", "81.74%", "¥100.00"],
    ["Revolving accounts", "Normal", "Stage 1", "1", "¥1,234.50", "10.09%", "¥12.35"],
    ["Revolving accounts", "Substandard", "Stage 3", "1", "¥1,000.00", "8.17%", "¥700.00"],
    ["Revolving accounts", "Total", "", "2", "¥2,234.50", "18.26%", "¥712.35"],
    ["Total", "", "", "3", "¥12,234.50", "100.00%", "¥812.35"],
]
BALANCES_ZH = [
    ["借款", "正常", "第1阶段", "1", "¥10,000.00", "81.74%", "¥100.00"],
    ["借款", "合计", "", "1", "¥10,000.00", "81.74%", "¥100.00"],
    ["循环额度账户", "正常", "第1阶段", "1", "¥1,234.50", "10.09%", "¥12.35"],
    ["循环额度账户", "次级", "第3阶段", "1", "¥1,000.00", "8.17%", "¥700.00"],
    ["循环额度账户", "合计", "", "2", "¥2,234.50", "18.26%", "¥712.35"],
    ["合计", "", "", "3", "¥12,234.50", "100.00%", "¥812.35"],
]


def test_balances_show_loans_and_accounts_apart_with_totals_of_the_entry(staff, book):
    en = _table(staff[FINANCE], "en", "backoffice:report", "balances")

    assert en.header == [
        "Account type", "Risk class", "Provision stage", "Count", "Principal", "Share",
        "Provision",
    ]  # fmt: skip
    assert _cells(en) == BALANCES_EN
    assert _totals(en) == [1, 4, 5]
    # Each kind's total is the sum of its rows, the two add up to the month's, and the month's
    # provision is what the provision entry holds.
    rows = _cells(en)
    for column in (3, 4, 6):  # count, principal, provision
        assert _number(rows[1][column]) == _number(rows[0][column])
        assert _number(rows[4][column]) == _number(rows[2][column]) + _number(rows[3][column])
        assert _number(rows[5][column]) == _number(rows[1][column]) + _number(rows[4][column])
    assert _number(rows[5][6]) == _allowance_held() == D("812.35")
    zh = _table(staff[FINANCE], "zh-hans", "backoffice:report", "balances")
    assert zh.header == ["账户类型", "风险分类", "拨备阶段", "数量", "本金", "占比", "拨备"]
    assert _cells(zh) == BALANCES_ZH
    assert _totals(zh) == [1, 4, 5]


def test_the_balances_csv_carries_the_kind_of_each_row(staff, book):
    rows = _both_csv(staff[FINANCE], "backoffice:report_csv", "balances")

    assert rows == [
        ["month_end", "account_type", "risk_class", "stage", "count", "principal", "share",
         "provision"],
        ["2027-03-31", "LOAN", "NORMAL", "1", "1", "10000.00", "0.817361", "100.00"],
        ["2027-03-31", "REVOLVING", "NORMAL", "1", "1", "1234.50", "0.100903", "12.35"],
        ["2027-03-31", "REVOLVING", "SUBSTANDARD", "3", "1", "1000.00", "0.081736", "700.00"],
    ]  # fmt: skip
    # No total rows: the rows' provisions add up to the allowance held.
    assert sum((D(row[7]) for row in rows[1:]), D("0.00")) == _allowance_held()


# --- provisions ------------------------------------------------------------------------------


def test_provisions_per_stage_show_each_kind_and_the_entrys_total(staff, book):
    en = _table(staff[FINANCE], "en", "backoffice:report", "provisions")

    assert en.header == [
        "Month end", "Account type", "Principal", "Stage 1", "Stage 2", "Stage 3", "Allowance",
        "Coverage",
    ]  # fmt: skip
    assert _cells(en) == [
        ["2027-03-31", "Loans", "¥10,000.00", "¥100.00", "¥0.00", "¥0.00", "¥100.00", "1.00%"],
        # 712.35 / 2,234.50 = 31.88%
        ["2027-03-31", "Revolving accounts", "¥2,234.50", "¥12.35", "¥0.00", "¥700.00",
         "¥712.35", "31.88%"],
        # 812.35 / 12,234.50 = 6.64%
        ["2027-03-31", "Total", "¥12,234.50", "¥112.35", "¥0.00", "¥700.00", "¥812.35",
         "6.64%"],
    ]  # fmt: skip
    assert _totals(en) == [2]
    for column in range(2, 7):  # principal, each stage, allowance: the kinds add up
        assert _number(_cells(en)[2][column]) == sum(
            (_number(row[column]) for row in _cells(en)[:2]), D("0.00")
        )
    # The total row per stage is the entry's lines, stage by stage (stage 2 has none).
    assert list(book.entry.lines.order_by("id").values_list("account", "amount")) == [
        ("PROVISION_EXPENSE", D("112.35")),
        ("LOAN_LOSS_PROVISION", D("-112.35")),
        ("PROVISION_EXPENSE", D("700.00")),
        ("LOAN_LOSS_PROVISION", D("-700.00")),
    ]
    zh = _table(staff[FINANCE], "zh-hans", "backoffice:report", "provisions")
    assert [row[:2] for row in _cells(zh)] == [
        ["2027-03-31", "借款"],
        ["2027-03-31", "循环额度账户"],
        ["2027-03-31", "合计"],
    ]
    assert [row[2:] for row in _cells(zh)] == [row[2:] for row in _cells(en)]
    assert zh.header[:4] == ["月末", "账户类型", "本金", "第1阶段"]


def test_the_provisions_csv_carries_each_kind(staff, book):
    rows = _both_csv(staff[FINANCE], "backoffice:report_csv", "provisions")

    assert rows == [
        ["month_end", "account_type", "principal", "stage_1", "stage_2", "stage_3", "total",
         "coverage"],
        ["2027-03-31", "LOAN", "10000.00", "100.00", "0.00", "0.00", "100.00", "0.010000"],
        ["2027-03-31", "REVOLVING", "2234.50", "12.35", "0.00", "700.00", "712.35",
         "0.318796"],
    ]  # fmt: skip
    assert sum((D(row[6]) for row in rows[1:]), D("0.00")) == _allowance_held()


# --- bureau rejects -------------------------------------------------------------------------


def test_the_rejects_page_names_the_revolving_account_and_links_to_it(staff, rejected):
    loan, late, run = rejected.loan, rejected.late, rejected.run
    assert (run.records_count, run.rejects_count) == (1, 2)  # account A sent; two refused
    en = _table(staff[FINANCE], "en", "backoffice:bureau_run", run.pk)

    assert en.header == ["Account", "Account code", "Month", "Kind", "Reason", "Name"]
    assert _cells(en) == [
        [f"Loan {loan.pk}", f"LP{loan.pk:012d}", "2027-03", "Monthly record",
         "Identity number cannot be decrypted", "张三"],
        [f"Revolving account {late.pk}", f"LR{late.pk:012d}", "2027-03", "Monthly record",
         "Identity number cannot be decrypted", "张三"],
    ]  # fmt: skip
    assert [row.links for row in en.rows] == [
        [(f"Loan {loan.pk}", f"/admin/servicing/loan/{loan.pk}/change/")],
        [(f"Revolving account {late.pk}", f"/admin/revolving/revolvingaccount/{late.pk}/change/")],
    ]
    zh = _table(staff[FINANCE], "zh-hans", "backoffice:bureau_run", run.pk)
    assert zh.header == ["账户", "账户标识码", "月份", "类型", "原因", "姓名"]
    assert [row[0] for row in _cells(zh)] == [f"贷款 {loan.pk}", f"循环额度账户 {late.pk}"]
    assert [row[3:5] for row in _cells(zh)] == [["月度记录", "证件号码无法解密"]] * 2
    assert zh.rows[1].links[0][1] == f"/admin/revolving/revolvingaccount/{late.pk}/change/"


def test_the_rejects_csv_carries_the_kind_and_the_account(staff, rejected):
    loan, late, run = rejected.loan, rejected.late, rejected.run

    assert _both_csv(staff[FINANCE], "backoffice:bureau_run_csv", run.pk) == [
        ["run", "account_type", "account", "account_code", "month", "kind", "reason"],
        [str(run.pk), "LOAN", str(loan.pk), f"LP{loan.pk:012d}", "2027-03", "BASE",
         "IDENTITY_UNREADABLE"],
        [str(run.pk), "REVOLVING", str(late.pk), f"LR{late.pk:012d}", "2027-03", "BASE",
         "IDENTITY_UNREADABLE"],
    ]  # fmt: skip
