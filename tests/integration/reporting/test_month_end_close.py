"""Close of business classifies at a month's last day; `classify_loans` runs it on demand."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loans.calendar.models import BusinessDate
from loans.ledger.models import EntryType, JournalEntry
from loans.reporting.models import LoanClassification
from loans.servicing.models import Loan
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

JANUARY = date(2027, 1, 31)


@pytest.fixture
def loans(django_capture_on_commit_callbacks) -> tuple[Loan, Loan]:
    with django_capture_on_commit_callbacks(execute=True):
        current = draw(principal="10000.00", term=12)
        # Drawn in November and never paid: its first installment was due 15 December.
        late = draw(principal="2000.00", term=3, as_of=date(2026, 11, 15))
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    return current, late


def _close_through(day: date) -> None:
    call_command("close_business_day", "--through", day.isoformat(), "--inline", stdout=StringIO())


def _provisions() -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(entry_type=EntryType.PROVISION).order_by("id"))


def test_closing_the_last_day_of_a_month_classifies_and_posts(loans):
    current, late = loans
    _close_through(date(2027, 1, 30))
    assert not LoanClassification.objects.exists()  # not a month end

    _close_through(JANUARY)

    rows = LoanClassification.objects.filter(month_end=JANUARY).order_by("loan_id")
    assert list(
        rows.values_list("loan_id", "risk_class", "provision_stage", "days_past_due",
                         "principal_outstanding_amount", "provision_amount")
    ) == [
        (current.pk, "NORMAL", 1, 0, Decimal("10000.00"), Decimal("100.00")),
        (late.pk, "SPECIAL_MENTION", 2, 47, Decimal("2000.00"), Decimal("300.00")),
    ]  # fmt: skip
    [entry] = _provisions()
    assert (entry.key, entry.value_date) == ("provision:2027-01-31", JANUARY)
    assert list(entry.lines.order_by("id").values_list("account", "amount")) == [
        ("PROVISION_EXPENSE", Decimal("100.00")),
        ("LOAN_LOSS_PROVISION", Decimal("-100.00")),
        ("PROVISION_EXPENSE", Decimal("300.00")),
        ("LOAN_LOSS_PROVISION", Decimal("-300.00")),
    ]
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 2, 1)
    assert_books_reconcile()


def test_the_command_runs_it_again_with_progress_and_changes_nothing(loans):
    current, late = loans
    _close_through(JANUARY)
    entries = JournalEntry.objects.count()
    out = StringIO()

    call_command("classify_loans", "--month", "2027-01", "--chunk-size", "1", stdout=out)

    assert out.getvalue().splitlines() == [
        f"  chunk 1/2 done (loan ids through {current.pk})",
        f"  chunk 2/2 done (loan ids through {late.pk})",
        out.getvalue().splitlines()[2],  # the time taken varies
        "  stage 1 provision 100.00",
        "  stage 2 provision 300.00",
        "  stage 3 provision 0.00",
        f"Provision entry #{_provisions()[0].pk} (provision:2027-01-31).",
    ]
    assert (
        out.getvalue()
        .splitlines()[2]
        .startswith("Classified 2027-01-31: 0 rows written or changed, 0 removed, in ")
    )
    assert JournalEntry.objects.count() == entries
    assert_books_reconcile()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2027-13", "--month is YYYY-MM"),
        ("January", "--month is YYYY-MM"),
        ("2027-02", "last closed date, 2027-01-31"),
    ],
)
def test_the_command_refuses_a_month_it_cannot_classify(loans, month, message):
    _close_through(JANUARY)
    rows = LoanClassification.objects.count()

    with pytest.raises(CommandError, match=message):
        call_command("classify_loans", "--month", month, stdout=StringIO())

    assert LoanClassification.objects.count() == rows
    assert len(_provisions()) == 1
