"""Close of business at month ends and leap days, started by the beat task on Beijing's clock."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine

from lendportal.celery import app as celery_app
from loans.calendar.models import BusinessDate
from loans.cob.models import CobRun
from loans.cob.tasks import business_day_close
from loans.domain.accrual import accrued_through
from loans.domain.delinquency import bucket_for
from loans.reporting.models import RollRateSummary
from loans.servicing.models import Loan
from tests.factories.loans import draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _drawn(day: date, django_capture_on_commit_callbacks) -> Loan:
    with django_capture_on_commit_callbacks(execute=True):
        loan = draw(principal="12000.00", term=3, as_of=day)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": day})
    return loan


def test_beat_waits_for_the_date_to_end_in_beijing(eager_tasks, django_capture_on_commit_callbacks):
    _drawn(date(2027, 1, 31), django_capture_on_commit_callbacks)

    with time_machine.travel(datetime(2027, 1, 31, 15, 59, tzinfo=UTC)):  # 23:59 in Beijing
        assert business_day_close()["closed"] is None
    assert not CobRun.objects.exists()

    with time_machine.travel(datetime(2027, 1, 31, 16, 30, tzinfo=UTC)):  # 00:30 on Feb 1
        business_day_close()

    assert list(CobRun.objects.values_list("business_date", flat=True)) == [date(2027, 1, 31)]
    assert BusinessDate.objects.get(id=1).current_date == date(2027, 2, 1)
    # The worker that closed the date queued the dashboard's roll rates through it.
    rolls = RollRateSummary.objects.get()
    assert (rolls.as_of, rolls.window_start) == (date(2027, 1, 31), date(2027, 1, 1))


def test_missed_nights_are_caught_up_in_order_across_a_month_end(
    eager_tasks, django_capture_on_commit_callbacks
):
    loan = _drawn(date(2027, 1, 31), django_capture_on_commit_callbacks)

    # The workers were down for a month: one beat tick after midnight catches up every date.
    with time_machine.travel(datetime(2027, 3, 2, 17, 0, tzinfo=UTC)):  # Mar 3, 01:00 Beijing
        business_day_close()

    closed = list(CobRun.objects.order_by("business_date").values_list("business_date", flat=True))
    assert closed[0] == date(2027, 1, 31)
    assert closed[-1] == date(2027, 3, 2)
    assert len(closed) == 31  # Jan 31 .. Mar 2, 2027: February has 28 days
    first, second = loan.installments.order_by("number")[:2]
    assert first.due_date == date(2027, 2, 28)  # the 31st, clamped to February's end
    assert second.due_date == date(2027, 3, 31)
    loan.refresh_from_db()
    # Nothing paid: installment 1 is overdue since Mar 1; on Mar 2 it is 2 days past due.
    assert (loan.days_past_due, loan.bucket) == (2, bucket_for(2))
    assert first.interest_accrued_amount == first.interest_amount
    assert second.interest_accrued_amount == accrued_through(
        period_interest=second.interest_amount,
        period_start=date(2027, 2, 28),
        due_date=date(2027, 3, 31),
        as_of=date(2027, 3, 2),
    )


def test_a_leap_day_loan_accrues_its_february_in_29_days(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    loan = _drawn(date(2028, 1, 31), django_capture_on_commit_callbacks)

    call_command("close_business_day", "--through", "2028-02-28", "--inline", stdout=StringIO())

    first = loan.installments.get(number=1)
    assert first.due_date == date(2028, 2, 29)
    # The last day of the period [Jan 31, Feb 29) is Feb 28: all of its interest is earned.
    assert first.interest_accrued_amount == first.interest_amount
    assert first.interest_amount > Decimal("0")
