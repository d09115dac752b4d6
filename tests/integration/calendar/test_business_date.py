"""business_date_current: one written-out read, and the date opened the first time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from loans.calendar.models import BusinessDate
from loans.calendar.selectors import business_date_current

pytestmark = pytest.mark.django_db


def test_the_first_read_opens_todays_beijing_date():
    BusinessDate.objects.all().delete()

    with time_machine.travel(datetime(2027, 1, 31, 16, 30, tzinfo=UTC)):  # Feb 1, 00:30 Beijing
        assert business_date_current() == date(2027, 2, 1)

    assert BusinessDate.objects.get(id=1).current_date == date(2027, 2, 1)


def test_the_open_date_is_read_in_one_query(django_assert_num_queries):
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": date(2027, 3, 15)})

    with django_assert_num_queries(1):
        assert business_date_current() == date(2027, 3, 15)
