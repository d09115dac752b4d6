"""Close of business on the working calendar (PRODUCT §12, issue #17).

A due date on a non-working day stays put, but paying by the end of the next working day is on
time: no days past due, no penalty, no overdue reminder or event. Unpaid, the installment is
overdue from the day after that working day, and the grace days count from there.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.calendar.models import BusinessDate, CalendarDay
from loans.calendar.services import calendar_year_load
from loans.cob.models import CobChunk
from loans.cob.services.runs import cob_chunk_process, cob_run_finish, cob_run_open
from loans.domain.delinquency import daily_penalty
from loans.ledger.models import JournalLine
from loans.servicing.models import Loan, LoanEvent, Reminder, RepaymentChannel
from loans.servicing.selectors import installment_amount_due
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import draw
from tests.integration.books import assert_books_reconcile

pytestmark = pytest.mark.django_db

SPRING_FESTIVAL_DUE = date(2027, 2, 7)  # Sunday, 初二: a statutory Spring Festival day
# The first working day after it in the shipped 2027 data: 8 February (初三) is statutory,
# 9 and 10 February are the substitute rest days for 6 and 7 February (loans/calendar/data).
NEXT_WORKING_DAY = date(2027, 2, 11)
OVERDUE_KINDS = ("OVERDUE_1", "OVERDUE_7", "OVERDUE_30")


def _close(day: date) -> None:
    run = cob_run_open(business_date=day)
    for chunk in CobChunk.objects.filter(run=run):
        cob_chunk_process(chunk_id=chunk.pk)
    cob_run_finish(run_id=run.pk)


def _close_through(first: date, last: date, *, pay: tuple[Loan, date] | None = None) -> None:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": first})
    day = first
    while day <= last:
        if pay is not None and pay[1] == day:
            _pay_first_installment(pay[0], day)
        _close(day)
        day += timedelta(days=1)


def _pay_first_installment(loan: Loan, day: date) -> None:
    first = loan.installments.get(number=1)
    repayment_post(
        loan=loan, amount=installment_amount_due(first), value_date=day, as_of=day,
        channel=RepaymentChannel.PORTAL,
    )  # fmt: skip


def _drawn_on(day: date, django_capture_on_commit_callbacks) -> Loan:
    with django_capture_on_commit_callbacks(execute=True):
        return draw(principal="9000.00", term=3, as_of=day)


def _penalty_charged(loan: Loan) -> Decimal:
    lines = JournalLine.objects.filter(
        loan=loan, account="PENALTY_RECEIVABLE", entry__entry_type="PENALTY"
    )
    return sum((line.amount for line in lines), Decimal("0.00"))


def _overdue_events(loan: Loan) -> list[date]:
    events = LoanEvent.objects.filter(loan=loan, event_type="installment.overdue")
    return list(events.values_list("business_date", flat=True))


@pytest.fixture
def calendar_2027() -> None:
    calendar_year_load(year=2027)


def test_the_shipped_2027_data_rolls_the_spring_festival_to_11_february(calendar_2027):
    day = CalendarDay.objects.get(day=SPRING_FESTIVAL_DUE)
    assert (day.kind, day.is_working, day.name) == ("HOLIDAY", False, "春节")
    assert day.following_working_date == NEXT_WORKING_DAY


def test_due_in_the_spring_festival_and_paid_on_the_next_working_day_is_on_time(
    calendar_2027, django_capture_on_commit_callbacks
):
    loan = _drawn_on(date(2027, 1, 7), django_capture_on_commit_callbacks)
    assert loan.installments.get(number=1).due_date == SPRING_FESTIVAL_DUE

    _close_through(date(2027, 2, 1), date(2027, 2, 25), pay=(loan, NEXT_WORKING_DAY))

    loan.refresh_from_db()
    first = loan.installments.get(number=1)
    assert first.paid_date == NEXT_WORKING_DAY
    assert (loan.days_past_due, loan.bucket) == (0, "CURRENT")
    assert first.penalty_charged_amount == Decimal("0.00")
    assert _penalty_charged(loan) == Decimal("0.00")
    assert _overdue_events(loan) == []
    assert not LoanEvent.objects.filter(loan=loan, event_type="loan.bucket_changed").exists()
    kinds = set(
        Reminder.objects.filter(loan=loan, installment=first).values_list("kind", flat=True)
    )
    assert kinds == {"DUE_SOON", "DUE_TODAY"}  # the due date itself does not move
    assert_books_reconcile()


def test_due_in_the_spring_festival_and_unpaid_is_late_from_the_day_after(
    calendar_2027, django_capture_on_commit_callbacks
):
    loan = _drawn_on(date(2027, 1, 7), django_capture_on_commit_callbacks)
    first = loan.installments.get(number=1)
    daily = daily_penalty(
        overdue_principal=first.principal_amount, annual_rate=loan.annual_rate,
        multiplier=loan.penalty_multiplier, cap=loan.rate_cap,
    )  # fmt: skip

    _close_through(date(2027, 2, 1), NEXT_WORKING_DAY)
    loan.refresh_from_db()
    assert loan.days_past_due == 0
    assert _penalty_charged(loan) == Decimal("0.00")
    assert not Reminder.objects.filter(loan=loan, kind__in=OVERDUE_KINDS).exists()

    _close_through(NEXT_WORKING_DAY + timedelta(days=1), date(2027, 2, 14))  # Fri..Sun
    loan.refresh_from_db()
    # Days past due count from the next working day: 14 February is 3 days past 11 February,
    # within the 3 grace days, so still no penalty.
    assert (loan.days_past_due, loan.bucket) == (3, "M1")
    assert loan.grace_days == 3
    assert _penalty_charged(loan) == Decimal("0.00")
    assert _overdue_events(loan) == [date(2027, 2, 12)]
    overdue_1 = Reminder.objects.filter(loan=loan, kind="OVERDUE_1")
    assert set(overdue_1.values_list("business_date", flat=True)) == {date(2027, 2, 12)}

    _close_through(date(2027, 2, 15), date(2027, 2, 16))
    loan.refresh_from_db()
    # Past grace on 15 February: the penalty runs from the first overdue day, 12 February
    # (4 days), not from the due date (that would be 8 days); then one day on the 16th.
    assert loan.days_past_due == 5
    assert _penalty_charged(loan) == daily * 5
    assert daily > 0
    assert_books_reconcile()


def test_a_make_up_working_saturday_is_a_working_day(django_capture_on_commit_callbacks):
    calendar_year_load(year=2026)
    assert CalendarDay.objects.get(day=date(2026, 2, 28)).kind == "MAKEUP_WORKDAY"
    # Drawn on 28 January 2026: due on Saturday 28 February, a make-up working day (调休上班).
    on_makeup_day = _drawn_on(date(2026, 1, 28), django_capture_on_commit_callbacks)
    # Drawn on 7 February: due on Saturday 7 March, a plain weekend day.
    on_weekend = _drawn_on(date(2026, 2, 7), django_capture_on_commit_callbacks)

    _close_through(date(2026, 2, 20), date(2026, 3, 1))
    on_makeup_day.refresh_from_db()
    assert on_makeup_day.days_past_due == 1  # Sunday 1 March: one day past the Saturday
    assert _overdue_events(on_makeup_day) == [date(2026, 3, 1)]
    assert Reminder.objects.filter(loan=on_makeup_day, kind="OVERDUE_1").exists()

    _close_through(date(2026, 3, 2), date(2026, 3, 10))
    on_weekend.refresh_from_db()
    # Due Saturday 7 March, on time through Monday 9 March: 1 day past due on the 10th.
    assert on_weekend.days_past_due == 1
    assert _overdue_events(on_weekend) == [date(2026, 3, 10)]


def test_without_a_calendar_loaded_every_day_works(django_capture_on_commit_callbacks):
    loan = _drawn_on(date(2027, 1, 7), django_capture_on_commit_callbacks)

    _close_through(date(2027, 2, 1), date(2027, 2, 9))

    loan.refresh_from_db()
    assert loan.days_past_due == 2  # 9 February: 2 days past 7 February
    assert _overdue_events(loan) == [date(2027, 2, 8)]
