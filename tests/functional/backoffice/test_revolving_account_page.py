"""The officers' revolving account page (issue #18): a summary header, then bills, purchases,
installment plans with their installments, payments and refunds, credit balance refunds and the
account's ledger lines, every amount ¥1,234.56 and every state a label, in English and Chinese;
a fixed number of queries however many rows; the credit line page links to it; the revolving
lists read the same.

The account (statement day 1, a ¥30,000.00 line shared with a ¥5,000.00 cash loan), all through
the services: on 16 March ¥100.00 paid on nothing owed and refunded from the credit balance
(CR-1); on 20 March ¥3,000.00 bought, and ¥1,200.00 on a 6-month plan (¥200.00 + a ¥9.00 fee a
month, the borrower pays it); the bill of 1 April: ¥3,000.00 + ¥200.00 + ¥9.00 = ¥3,209.00,
minimum ¥300.00 + ¥200.00 + ¥9.00 = ¥509.00; ¥1,000.00 paid on 5 April (PAY-1: the fee, the
installment, ¥791.00 of the revolving principal); ¥800.00 bought on 6 April and ¥300.00 of it
refunded on 7 April (RF-1). The page is read on 7 April.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.crypto import decrypt
from accounts.roles import COLLECTIONS_AGENT, FINANCE, LOAN_OFFICER
from loans.backoffice import revolving_account
from loans.calendar.models import BusinessDate
from loans.ledger.models import JournalLine
from loans.revolving.models import (
    InstallmentPlan,
    Order,
    RevolvingAccount,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.payments import credit_balance_refund, revolving_payment_post
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.statements import statements_cut
from loans.servicing.models import CreditLine
from tests.factories.loans import draw
from tests.functional.backoffice.conftest import client_for
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

D = date
READ_ON = D(2027, 4, 7)
# 18 today: the session, the user, their TOTP and permissions (5); the business date, the
# account, bills, purchases, plans and their installments, payments, refunds, credit refunds,
# two sums, the ledger's count and page (13). Rows never add queries (the test below).
PAGE_MAX_QUERIES = 20


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _on(day: date) -> None:
    BusinessDate.objects.filter(id=1).update(current_date=day)


def _buy(shop: Shop, day: date, amount: str, number: int, plan_term: int | None = None) -> Order:
    _on(day)
    order, _ = order_create(
        partner=shop.partner,
        account=shop.account,
        merchant_order_id=f"SHOP-{number:04d}",
        amount=Decimal(amount),
        description="小米手机 Redmi Note",
        now=_now(day),
        plan_term=plan_term,
    )
    return order_capture(order_id=order.pk, now=_now(day))


def _pay(shop: Shop, day: date, amount: str, reference: str) -> None:
    _on(day)
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal(amount),
        channel=RevolvingPaymentChannel.PARTNER,
        reference=reference,
        now=_now(day),
    )


@dataclass
class Account:
    shop: Shop
    plain: Order
    on_plan: Order
    refunded: Order

    @property
    def pk(self) -> int:
        return self.shop.account.pk


@pytest.fixture
def account(db) -> Account:
    shop = shop_with_account(limit="30000.00", statement_day=1)
    draw(shop.line.borrower, principal="5000.00")  # a cash loan on the same line
    _pay(shop, D(2027, 3, 16), "100.00", "PAY-0")  # nothing owed: all credit balance
    credit_balance_refund(
        account_id=shop.account.pk,
        amount=Decimal("100.00"),
        reference="CR-1",
        now=_now(D(2027, 3, 16)),
    )
    plain = _buy(shop, D(2027, 3, 20), "3000.00", 1)
    on_plan = _buy(shop, D(2027, 3, 20), "1200.00", 2, plan_term=6)
    statements_cut(statement_date=D(2027, 4, 1))
    _pay(shop, D(2027, 4, 5), "1000.00", "PAY-1")
    refunded = _buy(shop, D(2027, 4, 6), "800.00", 3)
    _on(READ_ON)
    order_refund(
        order_id=refunded.pk, merchant_refund_id="RF-1", amount=Decimal("300.00"), now=_now(READ_ON)
    )
    return Account(shop, plain, on_plan, refunded)


class _AnyId:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.isdigit()


ANY_ID = _AnyId()


def _get(client: Client, account_id: int, language: str = "en") -> str:
    response = client.get(
        reverse("admin:revolving_revolvingaccount_change", args=[account_id]),
        headers={"accept-language": language},
    )
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _section(html: str, mark: str, end: str = "</div>") -> str:
    return html.split(mark, 1)[1].split(end, 1)[0]


def _cells(html: str) -> list[list[str]]:
    """Each table row's cells as text."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        for row in rows
        if "<td" in row
    ]


def _text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style|svg)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def _header(html: str) -> str:
    return _section(html, 'id="account-summary"', "</section>")


def _value(header: str, name: str) -> str:
    """The text of the summary item whose value has class ``name``."""
    found = re.search(rf'<span class="summary-value {name}">(.*?)</span>\s*</div>', header, re.S)
    assert found, name
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


# --- the summary header ------------------------------------------------------------------------


def test_the_summary_header_shows_the_line_the_bill_and_what_is_not_billed(staff, account):
    borrower = account.shop.line.borrower

    header = _header(_get(client_for(staff[FINANCE]), account.pk))

    assert f"Revolving account {account.pk}: In use" in header
    assert _value(header, "borrower") == f"张三 · {borrower.mobile_masked}"
    assert _value(header, "limit") == "¥30,000.00"
    # ¥30,000.00 less the cash loan's ¥5,000.00 and the account's ¥3,709.00 principal: ¥3,000.00
    # + ¥1,200.00 + ¥800.00 bought, less ¥991.00 paid and ¥300.00 refunded.
    assert _value(header, "available") == "¥21,291.00"
    assert CreditLine.objects.get(pk=account.shop.line.pk).available_amount == Decimal("21291.00")
    assert _value(header, "unbilled") == "¥500.00"  # ¥800.00 less the ¥300.00 refunded
    assert _value(header, "unbilled-installments") == "¥1,000.00"  # installments 2 to 6
    assert _value(header, "unbilled-charges") == "¥0.00"
    assert (_value(header, "dpd"), _value(header, "bucket")) == ("0", "Current")
    assert _value(header, "past-due") == "Not past due"
    assert _value(header, "credit-balance") == "¥0.00"
    assert _value(header, "statement-day") == "Day 1 of each month"
    assert "Current bill: 2027-04-01" in header
    assert _cells(_section(header, 'class="current-bill"', "</table>")) == [
        ["¥3,209.00", "¥509.00", "2027-04-10", "¥2,209.00", "¥0.00", "¥8,709.00"]
    ]


def test_the_mobile_and_identity_number_stay_masked(staff, account):
    borrower = account.shop.line.borrower

    html = _get(client_for(staff[FINANCE]), account.pk)

    assert f'<span class="mobile">{borrower.mobile_masked}</span>' in html
    assert f'<span class="id-number">{borrower.id_number_masked}</span>' in html
    assert decrypt(borrower.mobile_ciphertext) not in html
    assert decrypt(borrower.id_number_ciphertext) not in html


def test_a_bill_past_its_pay_by_date_with_the_minimum_unpaid_shows_days_past_due(staff, db):
    shop = shop_with_account(limit="10000.00", statement_day=1)
    _buy(shop, D(2027, 3, 20), "3000.00", 1)
    statements_cut(statement_date=D(2027, 4, 1))  # minimum ¥300.00, pay by 10 April
    for day in range(10, 16):
        _on(D(2027, 4, day))
        revolving_day_close(business_date=D(2027, 4, day))
    _on(D(2027, 4, 16))
    stored = RevolvingAccount.objects.get(pk=shop.account.pk)
    charges = stored.unbilled_interest_amount + stored.unbilled_penalty_amount

    header = _header(_get(client_for(staff[FINANCE]), shop.account.pk))

    assert (_value(header, "dpd"), _value(header, "bucket")) == ("5", "M1 (1-30 days)")
    assert _value(header, "past-due") == "¥300.00 of minimum unpaid since 2027-04-10"
    assert charges > 0  # interest from the purchase (the bill failed its check), then penalty
    assert _value(header, "unbilled-charges") == f"¥{charges:,.2f}"
    assert 'summary-item summary-alert"><span class="summary-label">Past due' in header


def test_a_payment_beyond_what_is_owed_is_a_credit_balance(staff, account):
    # Owed now: ¥2,209.00 on the bill and ¥500.00 not billed; future installments wait.
    _pay(account.shop, READ_ON, "2800.00", "PAY-2")

    header = _header(_get(client_for(staff[FINANCE]), account.pk))

    assert _value(header, "credit-balance") == "¥91.00"
    assert _value(header, "unbilled") == "¥0.00"
    assert _value(header, "unbilled-installments") == "¥1,000.00"
    assert _value(header, "available") == "¥24,000.00"  # the loan and the 5 installments left
    assert _cells(_section(header, 'class="current-bill"', "</table>")) == [
        ["¥3,209.00", "¥509.00", "2027-04-10", "¥0.00", "¥0.00", "¥6,000.00"]
    ]


# --- the sections --------------------------------------------------------------------------------


def test_the_sections_follow_the_summary_in_order(staff, account):
    html = _get(client_for(staff[FINANCE]), account.pk)

    marks = [
        'id="account-summary"',
        'id="bills"',
        'id="purchases"',
        'id="plans"',
        'id="payments"',
        'id="credit-refunds"',
        'id="ledger"',
    ]
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_bills_list_each_bill_with_its_pdf(staff, account):
    bill = Statement.objects.get(account_id=account.pk)

    bills = _section(_get(client_for(staff[FINANCE]), account.pk), 'id="bills"')

    assert _cells(bills) == [
        [
            "2027-04-01",
            "2027-04-10",
            "¥3,209.00",
            "¥3,000.00",
            "¥200.00",
            "¥9.00 · ¥0.00 · ¥0.00",
            "¥509.00",
            "¥2,209.00",
            "¥0.00",
            "PDF",
        ]
    ]
    assert f'href="{reverse("backoffice:bill_pdf", args=[bill.pk])}"' in bills


def test_purchases_show_status_plan_and_bill(staff, account):
    purchases = _section(_get(client_for(staff[FINANCE]), account.pk), 'id="purchases"')

    partner = account.shop.partner.name
    what = "小米手机 Redmi Note"
    assert _cells(purchases) == [
        [str(account.refunded.pk), "2027-04-06", partner, "SHOP-0003", what, "¥800.00",
         "¥300.00", "Captured", "-", "Not billed yet"],
        [str(account.on_plan.pk), "2027-03-20", partner, "SHOP-0002", what, "¥1,200.00",
         "¥0.00", "Captured", "6 months", "by installments"],
        [str(account.plain.pk), "2027-03-20", partner, "SHOP-0001", what, "¥3,000.00",
         "¥0.00", "Captured", "-", "2027-04-01"],
    ]  # fmt: skip


def test_the_plan_lists_its_installments_billed_and_not(staff, account):
    plan = InstallmentPlan.objects.get(order=account.on_plan)

    plans = _section(
        _get(client_for(staff[FINANCE]), account.pk), 'id="plans"', '<div class="module"'
    )

    caption = re.sub(r"<[^>]+>", "", _section(plans, "<caption>", "</caption>"))
    assert caption == (
        f"Plan {plan.pk}: Purchase installment, order {account.on_plan.pk} · ¥1,200.00 · "
        "6 months · fee ¥9.00 a month (0.75%) · fee paid by: Borrower · "
        f"borrower's APR {plan.borrower_apr * 100:.2f}% · 2027-03-20"
    )
    assert _cells(plans) == [
        ["1", "2027-04-01", "¥200.00", "¥9.00", "Borrower", "Billed on 2027-04-01"],
        *[
            [str(n), f"2027-{n + 3:02d}-01", "¥200.00", "¥9.00", "Borrower", "Not billed"]
            for n in range(2, 7)
        ],
    ]


def test_payments_refunds_and_credit_balance_refunds(staff, account):
    html = _get(client_for(staff[FINANCE]), account.pk)
    payments = _section(html, 'id="payments"')

    assert _cells(_section(payments, 'class="payments"', "</table>")) == [
        [ANY_ID, "2027-04-05", "Partner", "PAY-1", "¥1,000.00", "¥509.00"],
        [ANY_ID, "2027-03-16", "Partner", "PAY-0", "¥100.00", "¥0.00"],
    ]
    assert _cells(_section(payments, 'class="refunds"', "</table>")) == [
        [ANY_ID, "2027-04-07", f"{account.refunded.pk} · SHOP-0003", "RF-1", "¥300.00"]
    ]
    assert _cells(_section(html, 'id="credit-refunds"')) == [
        [ANY_ID, "2027-03-16", "CR-1", "¥100.00"]
    ]


def test_the_ledger_shows_the_accounts_journal_lines_with_what_posted_them(staff, account):
    ledger = _section(_get(client_for(staff[FINANCE]), account.pk), 'id="ledger"')

    rows = [row[1:] for row in _cells(ledger)]  # without the entry's id
    assert rows == [
        ["Purchase refunded", "2027-04-07", f"Refund RF-1 of order {account.refunded.pk}",
         "Dr Merchant settlement payable ¥300.00Cr Revolving principal receivable ¥300.00"],
        ["Purchase captured", "2027-04-06", f"Purchase, order {account.refunded.pk}",
         "Dr Revolving principal receivable ¥800.00Cr Merchant settlement payable ¥800.00"],
        ["Repayment", "2027-04-05", "Payment PAY-1",
         "Dr Cash ¥1,000.00Cr Fee receivable ¥9.00Cr Revolving principal receivable ¥991.00"],
        ["Installment fee due", "2027-04-01", "-", "Dr Fee receivable ¥9.00"],
        ["Purchase captured", "2027-03-20", f"Purchase, order {account.on_plan.pk}",
         "Dr Revolving principal receivable ¥1,200.00Cr Merchant settlement payable ¥1,200.00"],
        ["Purchase captured", "2027-03-20", f"Purchase, order {account.plain.pk}",
         "Dr Revolving principal receivable ¥3,000.00Cr Merchant settlement payable ¥3,000.00"],
        ["Overpayment refund", "2027-03-16", "Credit balance refund CR-1",
         "Dr Overpayments (liability) ¥100.00Cr Cash ¥100.00"],
        ["Repayment", "2027-03-16", "Payment PAY-0",
         "Dr Cash ¥100.00Cr Overpayments (liability) ¥100.00"],
    ]  # fmt: skip
    # Only this account's lines: the fee income of the night's entry has no account.
    entry_ids = {int(row[0]) for row in _cells(ledger)}
    lines = JournalLine.objects.filter(entry_id__in=entry_ids)
    assert lines.exclude(revolving_account_id=account.pk).count() == 1  # Cr fee income ¥9.00
    assert lines.filter(revolving_account_id=account.pk).count() == 16


def test_long_lists_show_the_newest_rows_and_say_so(staff, account, monkeypatch):
    monkeypatch.setattr(revolving_account, "ROWS", 2)

    html = _get(client_for(staff[FINANCE]), account.pk)

    purchases = _section(html, 'id="purchases"')
    assert [row[0] for row in _cells(purchases)] == [
        str(account.refunded.pk),
        str(account.on_plan.pk),
    ]
    assert "The newest 2 are shown." in purchases
    assert "The newest 2 are shown." in _section(html, 'id="payments"')
    assert "The newest 2 are shown." not in _section(html, 'id="plans"')  # one plan
    assert _value(_header(html), "unbilled") == "¥500.00"  # sums are not cut


def test_the_ledger_is_shown_only_to_those_who_may_read_the_journal(staff, account):
    html = _get(client_for(staff[COLLECTIONS_AGENT]), account.pk)

    assert 'id="ledger"' not in html
    assert 'id="payments"' in html


def test_an_unknown_account_is_not_found(staff, db):
    response = client_for(staff[FINANCE]).get(
        reverse("admin:revolving_revolvingaccount_change", args=[999999])
    )

    assert response.status_code == 404


# --- Chinese -------------------------------------------------------------------------------------

RAW_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
AMOUNT = re.compile(r"(?<![A-Za-z0-9_.,/:-])(-?)(¥?)(\d[\d,]*\.\d{2})(?![\d%])")
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})*")
STATE_CODES = ["ACTIVE", "CAPTURED", "PURCHASE", "BORROWER", "PARTNER", "CURRENT"]


def _misread(html: str) -> list[str]:
    """Raw codes and amounts not written ¥1,234.56 in the page's table cells (as the e2e scan
    of every back-office page reads them)."""
    found = []
    cells = [cell for row in _cells(html.split('id="content-main"', 1)[1]) for cell in row]
    for text in cells:
        found += [f"code {code} in {text!r}" for code in RAW_CODE.findall(text)]
        found += [f"code {code} in {text!r}" for code in STATE_CODES if code in text.split()]
        for _minus, yuan, digits in AMOUNT.findall(text):
            if not yuan or not GROUPED.fullmatch(digits.split(".")[0]):
                found.append(f"amount {digits} in {text!r}")
    return found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_reads_without_codes_or_unformatted_amounts(staff, account, language):
    html = _get(client_for(staff[FINANCE]), account.pk, language)

    assert _misread(html) == []


def test_the_page_in_chinese(staff, account):
    html = _get(client_for(staff[FINANCE]), account.pk, "zh-hans")
    header = _header(html)
    text = _text(html)

    assert f"<h1>循环额度账户 {account.pk}</h1>" in html
    assert f"循环额度账户 {account.pk}：使用中" in header  # noqa: RUF001
    assert "可用额度（与现金借款共用）" in header  # noqa: RUF001
    assert _value(header, "available") == "¥21,291.00"
    assert _value(header, "unbilled") == "¥500.00"
    assert _value(header, "bucket") == "正常"
    assert _value(header, "past-due") == "未逾期"
    assert _value(header, "statement-day") == "每月 1 日"
    assert "本期账单：2027-04-01" in header  # noqa: RUF001
    plans = _section(html, 'id="plans"', '<div class="module"')
    assert "消费分期" in plans
    assert "手续费承担方：借款人" in plans  # noqa: RUF001
    assert ["1", "2027-04-01", "¥200.00", "¥9.00", "借款人", "已于2027-04-01出账"] in _cells(plans)
    assert ["2", "2027-05-01", "¥200.00", "¥9.00", "借款人", "未出账"] in _cells(plans)
    purchases = _section(html, 'id="purchases"')
    assert "<th>入账日</th>" in purchases  # the date column, not the status
    assert "已支付" in purchases
    assert "合作方" in _section(html, 'id="payments"')
    for english in ["Bills", "Purchases", "Captured", "Borrower", "Not billed", "Ledger lines"]:
        assert english not in text, english


# --- queries -------------------------------------------------------------------------------------


def _queries(client: Client, account_id: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        _get(client, account_id)
    return len(queries)


def test_the_page_costs_the_same_queries_however_many_rows(staff, account):
    client = client_for(staff[FINANCE])
    _get(client, account.pk)  # the session and the user's permissions are cached from here
    before = _queries(client, account.pk)
    shop = account.shop
    for number in range(4, 10):  # six more purchases, two on plans, a refund and two payments
        order = _buy(shop, READ_ON, "100.00", number, plan_term=3 if number % 3 == 0 else None)
    order_refund(
        order_id=order.pk, merchant_refund_id="RF-2", amount=Decimal("10.00"), now=_now(READ_ON)
    )
    _pay(shop, READ_ON, "50.00", "PAY-2")
    _pay(shop, READ_ON, "60.00", "PAY-3")

    after = _queries(client, account.pk)

    assert after == before
    assert after <= PAGE_MAX_QUERIES


# --- the credit line and the lists ---------------------------------------------------------------


def test_the_credit_line_page_links_to_its_revolving_account(staff, account):
    client = client_for(staff[LOAN_OFFICER])
    page = reverse("admin:revolving_revolvingaccount_change", args=[account.pk])

    with_account = client.get(
        reverse("admin:servicing_creditline_change", args=[account.shop.line.pk])
    )
    other = draw(principal="1000.00")  # a line without a revolving account
    without = client.get(reverse("admin:servicing_creditline_change", args=[other.credit_line_id]))

    assert with_account.status_code == 200
    assert f'<a href="{page}">Revolving account {account.pk}</a>' in with_account.content.decode()
    assert without.status_code == 200
    assert "/admin/revolving/revolvingaccount/" not in _section(
        without.content.decode(), 'id="content-main"', "</form>"
    )


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("revolvingaccount", ["¥30,000.00", "¥3,709.00", "In use", "Current"]),
        ("order", ["¥3,000.00", "¥800.00", "¥300.00", "Captured", "6 months"]),
        ("statement", ["¥3,209.00", "¥509.00", "¥2,209.00", "PDF"]),
        ("revolvingpayment", ["¥1,000.00", "¥509.00", "Partner", "PAY-1"]),
    ],
)
def test_the_revolving_lists_read_with_the_borrower_and_money_formatted(
    staff, account, model, expected
):
    borrower = account.shop.line.borrower
    response = client_for(staff[LOAN_OFFICER]).get(
        reverse(f"admin:revolving_{model}_changelist"), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    rows = [cell for row in _cells(html) for cell in row]

    assert f"张三 ({borrower.mobile_masked})" in rows
    for text in expected:
        assert text in rows, text
    if model != "revolvingaccount":
        link = reverse("admin:revolving_revolvingaccount_change", args=[account.pk])
        assert f'<a href="{link}">Revolving account {account.pk}</a>' in html
    assert _misread(html) == []


def test_the_revolving_lists_in_chinese(staff, account):
    client = client_for(staff[LOAN_OFFICER])

    orders = client.get(
        reverse("admin:revolving_order_changelist"), headers={"accept-language": "zh-hans"}
    )
    payments = client.get(
        reverse("admin:revolving_revolvingpayment_changelist"),
        headers={"accept-language": "zh-hans"},
    )
    accounts = client.get(
        reverse("admin:revolving_revolvingaccount_changelist"),
        headers={"accept-language": "zh-hans"},
    )

    order_cells = [cell for row in _cells(orders.content.decode()) for cell in row]
    assert "已支付" in order_cells
    assert "6 期" in order_cells
    assert f"循环额度账户 {account.pk}" in order_cells
    assert "合作方" in [cell for row in _cells(payments.content.decode()) for cell in row]
    assert "使用中" in [cell for row in _cells(accounts.content.decode()) for cell in row]
    assert "Captured" not in orders.content.decode()  # the status filter too
