"""Month-end five-level classification and its provision posting (issue #19, PRODUCT §13)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.roles import ADMINISTRATOR, LOAN_OFFICER, roles_sync, staff_member_create
from loans.approvals.services.maker_checker import approval_approve, write_off_request
from loans.calendar.models import BusinessDate
from loans.ledger.models import EntryType, JournalEntry, JournalLine
from loans.reporting.models import LoanClassification
from loans.reporting.services.classification import MonthEndNotClassifiable, loans_classify
from loans.reporting.services.provisions import ProvisionMonthNotLatest, provisions_post
from loans.servicing.models import Loan, LoanStatus
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = date(2027, 1, 31), date(2027, 2, 28)
D = Decimal

# (days past due at the end of January, principal): one loan at each boundary of the issue.
# Provision = round(principal * rate, 2) HALF_UP; stage 1 1%, stage 2 15%, stage 3 70%.
BOOK = [
    (0, "1234.50"),  # NORMAL, 1: 12.345 -> 12.35
    (1, "1000.00"),  # SPECIAL_MENTION, 1: 10.00
    (30, "2000.00"),  # SPECIAL_MENTION, 1: 20.00
    (31, "3000.10"),  # SPECIAL_MENTION, 2: 450.015 -> 450.02
    (90, "1000.00"),  # SPECIAL_MENTION, 2: 150.00
    (91, "1000.00"),  # SUBSTANDARD, 3: 700.00
    (270, "500.00"),  # SUBSTANDARD, 3: 350.00
    (271, "500.00"),  # DOUBTFUL, 3: 350.00
    (360, "100.00"),  # DOUBTFUL, 3: 70.00
    (361, "100.00"),  # LOSS, 3: 70.00
]
EXPECTED = [
    ("NORMAL", 1, 0, "1234.50", "0.010000", "12.35"),
    ("SPECIAL_MENTION", 1, 1, "1000.00", "0.010000", "10.00"),
    ("SPECIAL_MENTION", 1, 30, "2000.00", "0.010000", "20.00"),
    ("SPECIAL_MENTION", 2, 31, "3000.10", "0.150000", "450.02"),
    ("SPECIAL_MENTION", 2, 90, "1000.00", "0.150000", "150.00"),
    ("SUBSTANDARD", 3, 91, "1000.00", "0.700000", "700.00"),
    ("SUBSTANDARD", 3, 270, "500.00", "0.700000", "350.00"),
    ("DOUBTFUL", 3, 271, "500.00", "0.700000", "350.00"),
    ("DOUBTFUL", 3, 360, "100.00", "0.700000", "70.00"),
    ("LOSS", 3, 361, "100.00", "0.700000", "70.00"),
]
# Per stage: 1: 12.35 + 10 + 20 = 42.35; 2: 450.02 + 150 = 600.02; 3: 700+350+350+70+70 = 1540.


def _close(day: date) -> None:
    """Make ``day`` the last closed date (close of business set the loans' days for it)."""
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day + timedelta(1)})


@pytest.fixture
def officers() -> tuple[User, User]:
    roles_sync()
    return (
        staff_member_create(username="maker", password="x", role=ADMINISTRATOR),
        staff_member_create(username="checker", password="x", role=LOAN_OFFICER),
    )


@pytest.fixture
def book() -> list[Loan]:
    loans = []
    for days, principal in BOOK:
        loan = draw(principal=principal, term=3)
        Loan.objects.filter(pk=loan.pk).update(days_past_due=days)  # as close of business would
        loans.append(loan)
    _close(JANUARY)
    return loans


def _rows(month_end: date) -> list[tuple[object, ...]]:
    return list(
        LoanClassification.objects.filter(month_end=month_end)
        .order_by("loan_id")
        .values_list(
            "risk_class",
            "provision_stage",
            "days_past_due",
            "principal_outstanding_amount",
            "provision_rate",
            "provision_amount",
        )
    )


def _expected(rows: list[tuple[str, int, int, str, str, str]]) -> list[tuple[object, ...]]:
    return [(c, s, d, D(p), D(r), D(a)) for c, s, d, p, r, a in rows]


def _lines(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    return list(entry.lines.order_by("id").values_list("account", "amount"))


def _provision_held() -> Decimal:
    lines = JournalLine.objects.filter(account="LOAN_LOSS_PROVISION")
    return -sum(lines.values_list("amount", flat=True), D("0.00"))


def test_each_boundary_is_stored_with_its_exact_provision_and_posted(book):
    result = loans_classify(month_end=JANUARY)

    assert _rows(JANUARY) == _expected(EXPECTED)
    assert (result.rows_written, result.rows_removed) == (10, 0)
    entry = result.provision_entry
    assert entry is not None
    assert (entry.entry_type, entry.value_date, entry.key) == (
        EntryType.PROVISION,
        JANUARY,
        "provision:2027-01-31",
    )
    assert _lines(entry) == [
        ("PROVISION_EXPENSE", D("42.35")),
        ("LOAN_LOSS_PROVISION", D("-42.35")),
        ("PROVISION_EXPENSE", D("600.02")),
        ("LOAN_LOSS_PROVISION", D("-600.02")),
        ("PROVISION_EXPENSE", D("1540.00")),
        ("LOAN_LOSS_PROVISION", D("-1540.00")),
    ]
    assert entry.memo == (
        "Loan-loss provision at 2027-01-31: stage 1 42.35, stage 2 600.02, stage 3 1540.00"
    )
    assert _provision_held() == D("2182.37")
    assert_books_reconcile()


def test_running_again_changes_nothing(book):
    first = loans_classify(month_end=JANUARY)
    stamps = list(LoanClassification.objects.values_list("classified_at", flat=True))
    entries = JournalEntry.objects.count()

    again = loans_classify(month_end=JANUARY, chunk_size=3)

    assert (again.rows_written, again.rows_removed, again.chunks) == (0, 0, 4)
    assert again.provision_entry == first.provision_entry
    assert JournalEntry.objects.count() == entries
    assert list(LoanClassification.objects.values_list("classified_at", flat=True)) == stamps
    assert_books_reconcile()


def test_a_change_reverses_the_entry_and_posts_the_new_one(book):
    first = loans_classify(month_end=JANUARY).provision_entry
    # A back-dated repayment cured the 361-day loan the next morning (its days restated at once).
    Loan.objects.filter(pk=book[-1].pk).update(days_past_due=0)

    result = loans_classify(month_end=JANUARY)

    assert result.rows_written == 1
    assert _rows(JANUARY)[-1] == ("NORMAL", 1, 0, D("100.00"), D("0.010000"), D("1.00"))
    reversal = JournalEntry.objects.get(reverses=first)
    assert (reversal.entry_type, reversal.value_date) == (EntryType.REVERSAL, JANUARY)
    entry = result.provision_entry
    assert entry is not None
    assert entry.key == "provision:2027-01-31:2"
    assert _lines(entry) == [
        ("PROVISION_EXPENSE", D("43.35")),
        ("LOAN_LOSS_PROVISION", D("-43.35")),
        ("PROVISION_EXPENSE", D("600.02")),
        ("LOAN_LOSS_PROVISION", D("-600.02")),
        ("PROVISION_EXPENSE", D("1470.00")),
        ("LOAN_LOSS_PROVISION", D("-1470.00")),
    ]
    assert _provision_held() == D("2113.37")
    assert loans_classify(month_end=JANUARY).provision_entry == entry  # and again: nothing
    assert JournalEntry.objects.filter(entry_type=EntryType.PROVISION).count() == 2
    assert_books_reconcile()


def test_the_next_month_posts_the_change_per_stage(book):
    loans_classify(month_end=JANUARY)
    # February: the 0-day loan 40 days late (stage 2), the 90-day loan 118 days late (stage 3).
    Loan.objects.filter(pk=book[0].pk).update(days_past_due=40)
    Loan.objects.filter(pk=book[4].pk).update(days_past_due=118)
    _close(FEBRUARY)

    entry = loans_classify(month_end=FEBRUARY).provision_entry

    assert entry is not None
    assert entry.key == "provision:2027-02-28"
    # Stage 1 loses 12.35; stage 2 gains 185.18 (1234.50 x 15% = 185.175) and loses 150.00;
    # stage 3 gains 700.00.
    assert _lines(entry) == [
        ("PROVISION_EXPENSE", D("-12.35")),
        ("LOAN_LOSS_PROVISION", D("12.35")),
        ("PROVISION_EXPENSE", D("35.18")),
        ("LOAN_LOSS_PROVISION", D("-35.18")),
        ("PROVISION_EXPENSE", D("700.00")),
        ("LOAN_LOSS_PROVISION", D("-700.00")),
    ]
    assert _provision_held() == D("2905.20")
    assert_books_reconcile()
    with pytest.raises(ProvisionMonthNotLatest):
        provisions_post(month_end=JANUARY)


def test_a_loan_written_off_in_the_month_is_loss_with_nothing_left_to_provide(book, officers):
    loan = book[-1]
    maker, checker = officers
    Loan.objects.filter(pk=loan.pk).update(days_past_due=361)
    request = write_off_request(loan=loan, officer=maker, as_of=JANUARY, reason="361 DPD")
    approval_approve(request=request, officer=checker, as_of=JANUARY)

    loans_classify(month_end=JANUARY)

    row = LoanClassification.objects.get(loan=loan, month_end=JANUARY)
    assert (row.risk_class, row.provision_stage, row.principal_outstanding_amount) == (
        "LOSS",
        3,
        D("0.00"),
    )
    assert row.provision_amount == D("0.00")
    assert _provision_held() == D("2112.37")  # 2182.37 without the 70.00 written off
    assert_books_reconcile()


def test_loans_not_on_the_books_at_the_month_end_are_left_out(book, officers):
    maker, checker = officers
    old = draw(principal="800.00", term=3, as_of=date(2026, 10, 15))
    Loan.objects.filter(pk=old.pk).update(days_past_due=200)
    request = write_off_request(loan=old, officer=maker, as_of=date(2026, 12, 31), reason="x")
    approval_approve(request=request, officer=checker, as_of=date(2026, 12, 31))
    _close(JANUARY)

    loans_classify(month_end=JANUARY)

    assert Loan.objects.get(pk=old.pk).status == LoanStatus.WRITTEN_OFF
    assert not LoanClassification.objects.filter(loan=old).exists()
    assert LoanClassification.objects.count() == 10


def test_principal_is_read_as_of_the_month_end(book):
    loan = book[1]
    # Principal repaid on 1 February (an entry dated after the month end) is still January's.
    _post_principal_after_month_end(loan, D("250.00"))

    loans_classify(month_end=JANUARY)

    row = LoanClassification.objects.get(loan=loan, month_end=JANUARY)
    assert row.principal_outstanding_amount == D("1000.00")


def test_a_row_of_a_loan_no_longer_on_the_books_is_removed(book):
    loans_classify(month_end=JANUARY)
    # A payout refused after the month end cancels the loan as if never disbursed.
    Loan.objects.filter(pk=book[2].pk).update(status=LoanStatus.CANCELLED)

    result = loans_classify(month_end=JANUARY)

    assert result.rows_removed == 1
    assert not LoanClassification.objects.filter(loan=book[2]).exists()
    assert _provision_held() == D("2162.37")


@pytest.mark.parametrize(
    ("month_end", "message"),
    [(date(2027, 1, 30), "not the last day"), (date(2026, 12, 31), "last closed date")],
)
def test_a_date_that_cannot_be_classified_is_refused_and_nothing_is_written(
    book, month_end, message
):
    with pytest.raises(MonthEndNotClassifiable, match=message):
        loans_classify(month_end=month_end)

    assert not LoanClassification.objects.exists()
    assert not JournalEntry.objects.filter(entry_type=EntryType.PROVISION).exists()


def _post_principal_after_month_end(loan: Loan, amount: Decimal) -> None:
    from loans.ledger.models import AccountCode
    from loans.ledger.services import credit, debit
    from loans.servicing.services.posting import loan_entry_post

    loan.refresh_from_db()
    loan_entry_post(
        entry_type=EntryType.MANUAL_ADJUSTMENT,
        value_date=date(2027, 2, 1),
        loan=loan,
        lines=[debit(AccountCode.CASH, amount), credit(AccountCode.PRINCIPAL_RECEIVABLE, amount)],
    )
