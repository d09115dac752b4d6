"""Month-end five-level classification of revolving accounts (issue #19, PRODUCT §13, §10):
each DPD boundary, the provision posted over loans and accounts together, the month end of
close of business with the overdue bills it keeps, and the morning-after rerun."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from loans.calendar.models import BusinessDate
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.reporting.models import LoanClassification
from loans.reporting.services.classification import loans_classify
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel
from loans.revolving.services.accounts import revolving_account_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import NOW, Shop, shop_with_account
from tests.integration.servicing.nights_helpers import close_through

pytestmark = pytest.mark.django_db

D = Decimal
MARCH, APRIL = date(2027, 3, 31), date(2027, 4, 30)

# (days past due at the end of March, what the account bought): one account per boundary of
# the issue. Provision = round(principal * rate, 2) HALF_UP; stage 1 1%, 2 15%, 3 70%.
BOOK = [
    (0, "1234.50"),  # NORMAL, 1: 12.345 -> 12.35
    (1, "1000.00"),  # SPECIAL_MENTION, 1: 10.00
    (90, "3000.10"),  # SPECIAL_MENTION, 2: 450.015 -> 450.02
    (91, "1000.00"),  # SUBSTANDARD, 3: 700.00
    (270, "500.00"),  # SUBSTANDARD, 3: 350.00
    (271, "500.00"),  # DOUBTFUL, 3: 350.00
    (360, "100.00"),  # DOUBTFUL, 3: 70.00
    (361, "100.00"),  # LOSS, 3: 70.00
]
EXPECTED = [
    ("NORMAL", 1, 0, "1234.50", "0.010000", "12.35"),
    ("SPECIAL_MENTION", 1, 1, "1000.00", "0.010000", "10.00"),
    ("SPECIAL_MENTION", 2, 90, "3000.10", "0.150000", "450.02"),
    ("SUBSTANDARD", 3, 91, "1000.00", "0.700000", "700.00"),
    ("SUBSTANDARD", 3, 270, "500.00", "0.700000", "350.00"),
    ("DOUBTFUL", 3, 271, "500.00", "0.700000", "350.00"),
    ("DOUBTFUL", 3, 360, "100.00", "0.700000", "70.00"),
    ("LOSS", 3, 361, "100.00", "0.700000", "70.00"),
]
# Per stage: 1: 12.35 + 10.00 = 22.35; 2: 450.02; 3: 700 + 350 + 350 + 70 + 70 = 1540.00.


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _buy(shop: Shop, amount: str, number: int = 1, *, on: date | None = None) -> None:
    now = NOW if on is None else _now(on)
    order = shop.order(amount, number, now=now)
    order_capture(order_id=order.pk, now=now)


def _pay(shop: Shop, amount: str, on: date) -> None:
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=D(amount),
        channel=RevolvingPaymentChannel.PORTAL,
        reference=f"P-{on}",
        now=_now(on),
    )


def _closed(day: date) -> None:
    """Make ``day`` the last closed date (close of business set the accounts' days for it)."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day + timedelta(1)})


def _rows(month_end: date) -> list[tuple[object, ...]]:
    return list(
        LoanClassification.objects.filter(month_end=month_end, revolving_account__isnull=False)
        .order_by("revolving_account_id")
        .values_list(
            "risk_class",
            "provision_stage",
            "days_past_due",
            "principal_outstanding_amount",
            "provision_rate",
            "provision_amount",
        )
    )


def _provision_held() -> Decimal:
    lines = JournalLine.objects.filter(account="LOAN_LOSS_PROVISION")
    return -sum(lines.values_list("amount", flat=True), D("0.00"))


def _lines(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    return list(entry.lines.order_by("id").values_list("account", "amount"))


@pytest.fixture
def book() -> list[RevolvingAccount]:
    accounts = []
    for days, amount in BOOK:
        shop = shop_with_account()  # opened 2027-03-15, the business date then
        _buy(shop, amount)
        RevolvingAccount.objects.filter(pk=shop.account.pk).update(days_past_due=days)
        accounts.append(shop.account)
    _closed(MARCH)
    return accounts


def test_each_boundary_is_stored_with_its_exact_provision_and_posted(book):
    result = loans_classify(month_end=MARCH)

    assert _rows(MARCH) == [(c, s, d, D(p), D(r), D(a)) for c, s, d, p, r, a in EXPECTED]
    assert (result.rows_written, result.accounts_written, result.accounts_removed) == (0, 8, 0)
    # The bureau's figures of the month end: the line's limit, and no bill yet (no purchase
    # is billed before the 1 April cut), whatever the days column says.
    assert set(
        LoanClassification.objects.values_list(
            "loan_id", "credit_limit_amount", "overdue_terms", "overdue_amount"
        )
    ) == {(None, D("30000.00"), 0, D("0.00"))}
    entry = result.provision_entry
    assert entry is not None
    assert (entry.entry_type, entry.key) == (EntryType.PROVISION, "provision:2027-03-31")
    assert _lines(entry) == [
        ("PROVISION_EXPENSE", D("22.35")),
        ("LOAN_LOSS_PROVISION", D("-22.35")),
        ("PROVISION_EXPENSE", D("450.02")),
        ("LOAN_LOSS_PROVISION", D("-450.02")),
        ("PROVISION_EXPENSE", D("1540.00")),
        ("LOAN_LOSS_PROVISION", D("-1540.00")),
    ]
    assert_books_reconcile()  # LOAN_LOSS_PROVISION holds the rows' 2,012.37


def test_loans_and_accounts_share_one_entry_and_a_rerun_changes_nothing(book):
    loan = draw(principal="10000.00", term=12, as_of=date(2027, 3, 10))  # stage 1: 100.00
    _closed(MARCH)
    first = loans_classify(month_end=MARCH)
    stamps = list(LoanClassification.objects.order_by("id").values_list("classified_at"))

    again = loans_classify(month_end=MARCH)

    assert (first.rows_written, first.accounts_written) == (1, 8)
    assert (again.rows_written, again.accounts_written, again.accounts_removed) == (0, 0, 0)
    assert list(LoanClassification.objects.order_by("id").values_list("classified_at")) == stamps
    assert first.provision_entry is not None
    assert again.provision_entry == first.provision_entry
    assert LoanClassification.objects.get(loan=loan).provision_amount == D("100.00")
    assert _lines(first.provision_entry)[:2] == [
        ("PROVISION_EXPENSE", D("122.35")),
        ("LOAN_LOSS_PROVISION", D("-122.35")),
    ]
    assert_books_reconcile()


def test_an_account_closed_before_a_rerun_loses_its_row(book):
    loans_classify(month_end=MARCH)
    shop = Shop(partner=None, account=book[0], line=book[0].credit_line)  # type: ignore[arg-type]
    _pay(shop, "1234.50", date(2027, 4, 1))  # paid off on 1 April, then closed
    revolving_account_close(account_id=book[0].pk, as_of=date(2027, 4, 1))

    result = loans_classify(month_end=MARCH)

    assert result.accounts_removed == 1
    assert result.provision_entry is not None
    assert not LoanClassification.objects.filter(revolving_account=book[0]).exists()
    # The restated entry: stage 1 loses the 12.35 of the account gone.
    assert _lines(result.provision_entry)[:2] == [
        ("PROVISION_EXPENSE", D("10.00")),
        ("LOAN_LOSS_PROVISION", D("-10.00")),
    ]
    assert_books_reconcile()


def _unpaid_april_bill() -> Shop:
    """¥3,000 bought on 20 March, the 1 April bill (minimum ¥300.00, due 10 April) not paid,
    every night closed through 30 April by close of business itself."""
    shop = shop_with_account()
    close_through(date(2027, 3, 15), date(2027, 3, 19))
    _buy(shop, "3000.00", on=date(2027, 3, 20))
    close_through(date(2027, 3, 20), APRIL)
    return shop


def test_close_of_business_keeps_the_overdue_bills_of_the_month_end():
    shop = _unpaid_april_bill()

    row = LoanClassification.objects.get(revolving_account=shop.account, month_end=APRIL)
    # 20 days past the 10 April pay-by date; exposure the ¥3,000 bought; 1% of it.
    assert (
        row.risk_class, row.provision_stage, row.days_past_due,
        row.principal_outstanding_amount, row.provision_amount,
    ) == ("SPECIAL_MENTION", 1, 20, D("3000.00"), D("30.00"))  # fmt: skip
    # One bill overdue: its minimum of ¥300.00, all of it principal (the bill has no charges).
    assert (
        row.credit_limit_amount, row.overdue_terms, row.overdue_amount,
        row.overdue_31_60_principal_amount, row.overdue_61_90_principal_amount,
        row.overdue_91_180_principal_amount, row.overdue_over_180_principal_amount,
    ) == (D("30000.00"), 1, D("300.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"))  # fmt: skip
    march = LoanClassification.objects.get(revolving_account=shop.account, month_end=MARCH)
    assert (march.risk_class, march.overdue_terms) == ("NORMAL", 0)
    # 1% of ¥3,000 at both month ends: March's entry, and nothing to post for April.
    assert list(JournalEntry.objects.filter(entry_type=EntryType.PROVISION).values_list("key")) == [
        ("provision:2027-03-31",)
    ]
    assert _provision_held() == D("30.00")
    assert_books_reconcile()


def test_the_morning_after_a_payment_changes_neither_the_class_nor_the_kept_figures():
    shop = _unpaid_april_bill()
    before = LoanClassification.objects.get(revolving_account=shop.account, month_end=APRIL)
    _pay(shop, "500.00", date(2027, 5, 1))  # during 1 May: the bill's minimum is paid now
    out = StringIO()

    call_command("classify_loans", "--month", "2027-04", stdout=out)

    after = LoanClassification.objects.get(pk=before.pk)
    assert after.classified_at == before.classified_at  # not rewritten
    assert (after.days_past_due, after.principal_outstanding_amount, after.overdue_terms) == (
        20,
        D("3000.00"),  # the payment's principal is dated 1 May: given back to April's end
        1,
    )
    assert "0 rows written or changed, 0 removed" in out.getvalue()
    assert "revolving accounts" not in out.getvalue()  # nothing written: no line for them
    assert _provision_held() == D("30.00")
    assert_books_reconcile()
