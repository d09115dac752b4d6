"""Paying the revolving account's bills in the portal (issue #18, PRODUCT §10): in full, the
minimum, or an amount of one's choice, through the check page and the payment gateway as a
loan's repayment; the bills page then shows what is still owed, the minimum still owed and the
available limit.

Statement day 1, a ¥20,000 line: ¥3,000 bought on 20 January 2027 makes the 1 February bill of
¥3,000.00, minimum ¥300.00, due 10 February (no calendar loaded: every day works).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from accounts.models import Borrower, User
from loans.calendar.models import BusinessDate
from loans.ledger.models import EntryType, JournalLine
from loans.payments.models import PaymentPurpose, PaymentStatus, PortalPayment
from loans.payments.services import payment_confirm
from loans.revolving.models import (
    RevolvingAccount,
    RevolvingPayment,
    RevolvingPaymentChannel,
    RevolvingProduct,
    Statement,
)
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.close import revolving_day_close
from loans.servicing.models import CreditLine
from tests.functional.portal.conftest import TODAY, borrower_for, signed_in, verified_user
from tests.functional.portal.test_bills import buy
from tests.functional.portal.test_vocabulary import english_words, visible_text
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

BILL_DATE = date(2027, 2, 1)
DUE_DATE = date(2027, 2, 10)


def nights(first: date, last: date) -> None:
    """Close every night from ``first`` through ``last`` (as tests/integration/revolving do)."""
    day = first
    while day <= last:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        revolving_day_close(business_date=day)
        day += timedelta(days=1)
    BusinessDate.objects.filter(id=1).update(current_date=last + timedelta(days=1))


def open_account(borrower: Borrower) -> RevolvingAccount:
    product, _ = RevolvingProduct.objects.get_or_create(code="huabei", defaults={"name": "花呗"})
    return revolving_account_open(
        borrower=borrower, product_code=product.code, statement_day=1, as_of=TODAY
    )


@pytest.fixture
def account(borrower: Borrower) -> RevolvingAccount:
    """The 1 February bill of ¥3,000.00 is cut; the business date is 2 February."""
    account = open_account(borrower)
    buy(account, date(2027, 1, 20), "3000.00", 1, "Redmi Note 14")
    nights(date(2027, 1, 20), BILL_DATE)
    return account


def state(account: RevolvingAccount) -> dict[str, object]:
    """Everything a bill payment could write."""
    account.refresh_from_db()
    return {
        "portal": list(PortalPayment.objects.values_list("id", "status")),
        "payments": RevolvingPayment.objects.count(),
        "lines": JournalLine.objects.count(),
        "bills": list(Statement.objects.values_list("revolving_principal_unpaid_amount")),
        "account": (account.principal_amount, account.credit_balance_amount),
        "used": CreditLine.objects.get(pk=account.credit_line_id).used_amount,
    }


def check_page(client: Client, purpose: str, amount: str = "") -> str:
    """The check page of a purpose: in full and the minimum from the bills page's links, an
    amount through its form."""
    if purpose == "AMOUNT":
        response = client.post(reverse("portal:bill_pay"), {"amount": amount})
    else:
        response = client.get(reverse("portal:bill_pay"), {"purpose": purpose})
    assert response.status_code == 200
    return response.text


def pay(client: Client, purpose: str, amount: str = "") -> PortalPayment:
    """Check, go to the gateway, pay; returns the paid portal payment."""
    page = check_page(client, purpose, amount)
    assert reverse("portal:bill_pay_start") in page
    shown = re.search(r'name="amount" value="([0-9.]+)"', page)
    assert shown is not None
    start = client.post(
        reverse("portal:bill_pay_start"), {"purpose": purpose, "amount": shown.group(1)}
    )
    payment = PortalPayment.objects.latest("id")
    assert start["Location"] == reverse("portal:fake_gateway", args=[payment.token])
    assert payment.status == PaymentStatus.PENDING
    gateway = client.get(start["Location"])
    assert f"{payment.amount:,.2f}" in gateway.text
    paid = client.post(start["Location"], {"action": "pay"})
    assert paid["Location"] == reverse("portal:receipt", args=[payment.token])
    payment.refresh_from_db()
    return payment


def bills_page(client: Client) -> str:
    return client.get(reverse("portal:bills")).text


def facts(page: str) -> dict[str, str]:
    """The page's facts lists as {label: value}, tags stripped."""
    found = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page)
    return {re.sub(r"<[^>]+>", "", k).strip(): re.sub(r"<[^>]+>", "", v).strip() for k, v in found}


def entry_lines(payment: RevolvingPayment) -> dict[str, Decimal]:
    return dict(
        JournalLine.objects.filter(entry=payment.entry)
        .exclude(amount=0)
        .values_list("account", "amount")
    )


def test_the_bills_page_offers_to_pay_in_full_the_minimum_or_another_amount(
    client_en: Client, account: RevolvingAccount
) -> None:
    page = bills_page(client_en)

    assert "Pay in full ¥3,000.00" in page
    assert "Pay the minimum ¥300.00" in page
    assert "Pay another amount" in page
    assert f'href="{reverse("portal:bill_pay")}?purpose=BILL_IN_FULL"' in page
    assert f'href="{reverse("portal:bill_pay")}?purpose=BILL_MINIMUM"' in page
    shown = facts(page)
    assert shown["Minimum still to pay"] == "¥300.00"
    assert shown["Available to spend"] == "¥17,000.00"
    assert "Paid in full</span>" not in page


def test_paying_in_full_leaves_nothing_owed_restores_the_limit_and_posts_once(
    client_en: Client, account: RevolvingAccount
) -> None:
    check = check_page(client_en, "BILL_IN_FULL")
    assert "¥3,000.00" in check
    assert facts(check)["Still to pay on your bills"] == "¥0.00"

    payment = pay(client_en, "BILL_IN_FULL")

    assert (payment.status, payment.purpose, payment.amount) == (
        PaymentStatus.PAID,
        PaymentPurpose.BILL_IN_FULL,
        Decimal("3000.00"),
    )
    posted = RevolvingPayment.objects.get()
    assert payment.revolving_payment == posted
    assert (posted.amount, posted.channel, posted.reference, posted.value_date) == (
        Decimal("3000.00"),
        RevolvingPaymentChannel.PORTAL,
        f"portal-{payment.pk}",
        date(2027, 2, 2),
    )
    assert entry_lines(posted) == {
        "CASH": Decimal("3000.00"),
        "REVOLVING_RECEIVABLE": Decimal("-3000.00"),
    }
    line = CreditLine.objects.get(pk=account.credit_line_id)
    assert (line.used_amount, line.available_amount) == (Decimal("0.00"), Decimal("20000.00"))
    page = bills_page(client_en)
    shown = facts(page)
    assert re.search(r'owed-amount">¥0.00 <span class="badge badge-ok">Paid in full</span>', page)
    assert shown["Minimum still to pay"] == "¥0.00"
    assert shown["Available to spend"] == "¥20,000.00"
    assert shown["Bill amount"] == "¥3,000.00"  # what the bill was, said as such
    assert "Pay in full by" not in shown
    assert "Pay in full ¥" not in page
    assert "Pay the minimum" not in page
    receipt = client_en.get(reverse("portal:receipt", args=[payment.token])).text
    assert facts(receipt)["Principal"] == "¥3,000.00"
    assert facts(receipt)["Still to pay on your bills"].startswith("¥0.00")

    again = client_en.post(reverse("portal:fake_gateway", args=[payment.token]), {"action": "pay"})
    payment_confirm(payment=payment, gateway_reference="LATE-CALLBACK", as_of=date(2027, 2, 2))

    assert again["Location"] == reverse("portal:receipt", args=[payment.token])
    assert RevolvingPayment.objects.count() == 1
    assert JournalLine.objects.filter(entry__entry_type=EntryType.REPAYMENT).count() == 2
    assert CreditLine.objects.get(pk=account.credit_line_id).used_amount == Decimal("0.00")
    assert_books_reconcile()


def _charged(account: RevolvingAccount) -> dict[date, Decimal]:
    rows = (
        JournalLine.objects.filter(
            revolving_account=account, entry__entry_type=EntryType.INTEREST_ACCRUAL
        )
        .values_list("entry__value_date")
        .annotate(total=Sum("amount"))
    )
    return dict(rows)


def test_paying_the_minimum_keeps_the_account_on_time_and_the_rest_bears_interest(
    client_en: Client, account: RevolvingAccount
) -> None:
    payment = pay(client_en, "BILL_MINIMUM")

    assert payment.amount == Decimal("300.00")
    shown = facts(bills_page(client_en))
    assert re.search(r'owed-amount">¥2,700.00<', bills_page(client_en))  # balance - minimum
    assert shown["Minimum still to pay"] == "¥0.00"
    assert shown["Available to spend"] == "¥17,300.00"

    nights(date(2027, 2, 2), DUE_DATE + timedelta(days=1))

    account.refresh_from_db()
    assert (account.days_past_due, account.bucket) == (0, "CURRENT")
    # §10: round(2,700 * 0.05% * 10 days) at the close of the due date, then round(2,700 *
    # 0.05%) each day; no penalty, the minimum was paid.
    assert _charged(account) == {DUE_DATE: Decimal("13.50"), date(2027, 2, 11): Decimal("1.35")}
    assert not JournalLine.objects.filter(entry__entry_type=EntryType.PENALTY).exists()
    page = bills_page(client_en)
    # In full now: the bill's ¥2,700.00 and the ¥14.85 charged since it (paid first).
    assert "Pay in full ¥2,714.85" in page
    assert "Your account is past due" not in page
    assert_books_reconcile()


def test_an_amount_above_what_is_owed_pays_the_purchases_and_keeps_the_rest_as_credit(
    client_en: Client, account: RevolvingAccount
) -> None:
    buy(account, date(2027, 2, 3), "500.00", 2, "手机壳")
    check = facts(check_page(client_en, "AMOUNT", "¥4,000"))
    assert check["Still to pay on your bills"] == "¥0.00"
    assert check["Pays purchases not billed yet"] == "¥500.00"
    assert check["Kept as credit balance"] == "¥500.00"

    payment = pay(client_en, "AMOUNT", "4000")

    assert payment.amount == Decimal("4000.00")
    account.refresh_from_db()
    assert account.credit_balance_amount == Decimal("500.00")
    assert entry_lines(RevolvingPayment.objects.get()) == {
        "CASH": Decimal("4000.00"),
        "REVOLVING_RECEIVABLE": Decimal("-3500.00"),
        "OVERPAYMENT_LIABILITY": Decimal("-500.00"),
    }
    page = bills_page(client_en)
    shown = facts(page)
    assert shown["Credit balance (pays your next purchase or bill)"] == "¥500.00"
    assert shown["Available to spend"] == "¥20,000.00"
    assert re.search(r'owed-amount">¥0.00 <span class="badge badge-ok">Paid in full', page)
    receipt = facts(client_en.get(reverse("portal:receipt", args=[payment.token])).text)
    assert receipt["Principal"] == "¥3,500.00"
    assert receipt["Kept as credit balance"] == "¥500.00"
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("0", "Ensure this value is greater than or equal to 0.01."),
        ("-5", "Ensure this value is greater than or equal to 0.01."),
        ("abc", "Enter an amount in yuan, such as 1,000 or 1,000.50."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("", "This field is required."),
        (
            "23000.01",
            "You can pay at most ¥23,000.00 now: what you owe, ¥3,000.00, and up to your "
            "credit limit more as credit balance.",
        ),
    ],
)
def test_an_amount_that_is_not_payable_is_a_form_error_and_writes_nothing(
    client_en: Client, account: RevolvingAccount, typed: str, error: str
) -> None:
    before = state(account)

    response = client_en.post(reverse("portal:bill_pay"), {"amount": typed})

    assert response.status_code == 200
    assert error in response.text
    assert "Go to payment" not in response.text
    assert state(account) == before


@pytest.mark.parametrize(
    ("purpose", "amount"),
    [("AMOUNT", "0"), ("AMOUNT", "-1"), ("AMOUNT", "23000.01"), ("BILL_IN_FULL", "1.00")],
)
def test_a_start_with_an_amount_not_payable_now_writes_nothing(
    client_en: Client, account: RevolvingAccount, purpose: str, amount: str
) -> None:
    before = state(account)

    response = client_en.post(
        reverse("portal:bill_pay_start"), {"purpose": purpose, "amount": amount}
    )

    assert response["Location"] == reverse("portal:bills")
    assert state(account) == before


def test_cancelling_at_the_gateway_posts_nothing_and_returns_to_the_bills(
    client_en: Client, account: RevolvingAccount
) -> None:
    before = state(account)
    client_en.get(reverse("portal:bill_pay"), {"purpose": "BILL_IN_FULL"})
    start = client_en.post(
        reverse("portal:bill_pay_start"), {"purpose": "BILL_IN_FULL", "amount": "3000.00"}
    )

    cancelled = client_en.post(start["Location"], {"action": "cancel"})

    assert cancelled["Location"] == reverse("portal:bills")
    assert PortalPayment.objects.get().status == PaymentStatus.CANCELLED
    after = state(account)
    assert {**after, "portal": []} == {**before, "portal": []}


def test_another_borrowers_payment_token_is_404_and_pays_nothing(
    client_en: Client, account: RevolvingAccount
) -> None:
    client_en.get(reverse("portal:bill_pay"), {"purpose": "BILL_IN_FULL"})
    start = client_en.post(
        reverse("portal:bill_pay_start"), {"purpose": "BILL_IN_FULL", "amount": "3000.00"}
    )
    payment = PortalPayment.objects.get()
    other_user = verified_user("other@example.com")
    open_account(borrower_for(other_user))  # a borrower with bills of their own
    other = signed_in(other_user)
    before = state(account)

    responses = [
        other.get(start["Location"]),
        other.post(start["Location"], {"action": "pay"}),
        other.post(start["Location"], {"action": "cancel"}),
        other.get(reverse("portal:receipt", args=[payment.token])),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    assert state(account) == before
    assert PortalPayment.objects.get().status == PaymentStatus.PENDING


def test_without_a_revolving_account_there_is_nothing_to_pay(client_en: Client, borrower) -> None:
    responses = [
        client_en.get(reverse("portal:bill_pay")),
        client_en.get(reverse("portal:bill_pay"), {"purpose": "BILL_IN_FULL"}),
        client_en.post(
            reverse("portal:bill_pay_start"), {"purpose": "BILL_IN_FULL", "amount": "1.00"}
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 3
    assert PortalPayment.objects.count() == 0


def test_nothing_owed_sends_the_in_full_link_back_to_the_bills(
    client_en: Client, account: RevolvingAccount
) -> None:
    pay(client_en, "BILL_IN_FULL")

    response = client_en.get(reverse("portal:bill_pay"), {"purpose": "BILL_IN_FULL"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:bills")
    assert "Nothing is owed on your bills now." in response.text
    assert PortalPayment.objects.count() == 1


def test_the_header_links_to_the_bills_only_for_a_borrower_with_an_account(
    client_en: Client, borrower: Borrower
) -> None:
    nav = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
    before = nav.search(client_en.get(reverse("portal:profile")).text)
    open_account(borrower)

    after = nav.search(client_en.get(reverse("portal:profile")).text)

    assert before is not None
    assert after is not None
    assert 'href="/app/bills/"' not in before.group()
    assert '<a href="/app/bills/">Bills</a>' in after.group()


def test_the_payment_pages_are_chinese_in_chinese(user: User, account: RevolvingAccount) -> None:
    client = signed_in(user, "zh-hans")
    bills = client.get(reverse("portal:bills")).text
    form = client.get(reverse("portal:bill_pay")).text
    minimum = client.get(reverse("portal:bill_pay"), {"purpose": "BILL_MINIMUM"}).text
    check = client.post(reverse("portal:bill_pay"), {"amount": "4000"}).text
    start = client.post(
        reverse("portal:bill_pay_start"), {"purpose": "BILL_IN_FULL", "amount": "3000.00"}
    )
    gateway = client.get(start["Location"]).text
    client.post(start["Location"], {"action": "pay"})
    receipt = client.get(reverse("portal:receipt", args=[PortalPayment.objects.get().token])).text
    after = client.get(reverse("portal:bills")).text
    error = client.post(reverse("portal:bill_pay"), {"amount": "99999"}).text

    assert "全额还款 ¥3,000.00" in bills
    assert "还最低还款额 ¥300.00" in bills
    assert "还其他金额" in bills
    assert '<a href="/app/bills/">账单</a>' in bills
    assert "存为溢缴款" in check
    assert "账单还款" in gateway
    assert "已还清" in after
    assert "目前最多可还 ¥20,000.00" in error  # nothing owed now: up to the limit as credit
    leaks = {
        name: english_words(visible_text(html))
        for name, html in {
            "bills": bills,
            "form": form,
            "minimum": minimum,
            "check": check,
            "gateway": gateway,
            "receipt": receipt,
            "after": after,
            "error": error,
        }.items()
    }
    assert leaks == {name: [] for name in leaks}
