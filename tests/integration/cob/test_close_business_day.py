"""The close_business_day command, catch-up of missed dates, and a crash halfway through a chunk."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun, CobRunStatus
from loans.cob.services import runs as cob
from loans.cob.services.runs import cob_chunk_process, cob_run_open
from loans.domain.accrual import accrued_through
from loans.ledger.models import JournalEntry
from loans.reporting.models import RollRateSummary
from loans.servicing.models import Loan, Reminder
from tests.factories.loans import DRAW_DATE, draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(django_capture_on_commit_callbacks) -> Loan:
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="10000.00", term=12)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    return loan


def _first_period_accrued_through(day: date) -> Decimal:
    return accrued_through(
        period_interest=Decimal("150.00"),
        period_start=DRAW_DATE,
        due_date=date(2027, 2, 15),
        as_of=day,
    )


def test_missed_dates_are_closed_one_at_a_time_in_order(loan):
    out = StringIO()

    call_command("close_business_day", "--through", "2027-01-17", "--inline", stdout=out)

    runs = list(CobRun.objects.order_by("business_date").values_list("business_date", "status"))
    assert runs == [
        (date(2027, 1, 15), CobRunStatus.DONE),
        (date(2027, 1, 16), CobRunStatus.DONE),
        (date(2027, 1, 17), CobRunStatus.DONE),
    ]
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 1, 18)
    first = loan.installments.get(number=1)
    assert first.interest_accrued_amount == _first_period_accrued_through(date(2027, 1, 17))
    text = out.getvalue()
    assert "Closed 2027-01-17" in text
    assert "interest accrued ¥4.84" in text  # round(150 * 1 / 31) each of the first days
    assert "time per step" in text
    assert "roll rates through 2027-01-17" in text
    assert text.count("1/1 chunks done (100%)") == 3  # one line per tenth, off a terminal
    summaries = RollRateSummary.objects.order_by("as_of").values_list("as_of", "window_start")
    assert list(summaries) == [
        (date(2027, 1, 15), date(2026, 12, 16)),
        (date(2027, 1, 16), date(2026, 12, 17)),
        (date(2027, 1, 17), date(2026, 12, 18)),
    ]
    assert_books_reconcile()


def test_a_date_out_of_order_is_refused(loan):
    with pytest.raises(CommandError, match="open business date is 2027-01-15"):
        call_command("close_business_day", "--date", "2027-01-16", "--inline")

    assert not CobRun.objects.exists()


def test_a_closed_date_is_reported_not_closed_again(loan):
    call_command("close_business_day", "--inline", stdout=StringIO())
    entries = JournalEntry.objects.count()
    out = StringIO()

    call_command("close_business_day", "--date", "2027-01-15", "--inline", stdout=out)

    assert "closed already" in out.getvalue()
    assert JournalEntry.objects.count() == entries


def test_a_crash_halfway_through_a_chunk_leaves_nothing_and_the_rerun_finishes(loan, monkeypatch):
    run = cob_run_open(business_date=DRAW_DATE)
    chunk = run.chunks.get()
    entries = JournalEntry.objects.count()

    def crash(scope: object) -> None:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(cob, "STEPS", (*cob.STEPS[:5], ("crash", crash)))
    with pytest.raises(RuntimeError):
        cob_chunk_process(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert chunk.status == "PENDING"
    assert JournalEntry.objects.count() == entries
    assert loan.installments.get(number=1).interest_accrued_amount == 0

    monkeypatch.undo()
    cob_chunk_process(chunk_id=chunk.pk)

    first = loan.installments.get(number=1)
    assert first.interest_accrued_amount == _first_period_accrued_through(DRAW_DATE)
    assert JournalEntry.objects.count() == entries + 1  # one accrual entry for the chunk
    assert_books_reconcile()


def test_close_of_business_queues_the_reminders_of_the_date(loan):
    BusinessDate.objects.filter(id=1).update(current_date=date(2027, 2, 12))
    out = StringIO()

    call_command("close_business_day", "--inline", stdout=out)

    kinds = set(Reminder.objects.filter(loan=loan).values_list("kind", "channel"))
    assert ("DUE_SOON", "SMS") in kinds
    assert f"reminders queued {Reminder.objects.count()}" in out.getvalue()


def test_closing_a_date_rewrites_the_summary_of_earlier_dates_a_late_entry_reached(loan):
    from django.db.models import Sum

    from loans.domain.prepayment import PrepaymentMode
    from loans.ledger.models import JournalLine
    from loans.reporting.models import PortfolioDay
    from loans.servicing.models import RepaymentChannel
    from loans.servicing.services.repayments import repayment_post

    call_command("close_business_day", "--through", "2027-01-16", "--inline", stdout=StringIO())
    before = PortfolioDay.objects.get(value_date=date(2027, 1, 16)).principal_collected_amount

    # A prepayment that arrived on the 16th is recorded on the 17th, dated the 16th.
    repayment_post(
        loan=loan,
        amount=Decimal("1000.00"),
        value_date=date(2027, 1, 16),
        as_of=date(2027, 1, 17),
        channel=RepaymentChannel.BACK_OFFICE,
        prepayment_mode=PrepaymentMode.SHORTEN_TERM,
    )
    call_command("close_business_day", "--date", "2027-01-17", "--inline", stdout=StringIO())

    after = PortfolioDay.objects.get(value_date=date(2027, 1, 16))
    # The principal the repayment's entry took off the receivable (its interest, 4.84, is not).
    principal_credited = -JournalLine.objects.filter(
        entry__entry_type="REPAYMENT",
        entry__value_date=date(2027, 1, 16),
        account="PRINCIPAL_RECEIVABLE",
    ).aggregate(total=Sum("amount"))["total"]
    assert before == 0
    assert after.principal_collected_amount == principal_credited == Decimal("995.16")
