"""Fixtures of the close-of-business reliability tests (test_killed_workers.py,
test_duplicate_delivery.py): the seeded portfolio, the broker's Redis database and the books of a
reference run without crashes, each made once per test module; and the workers of a test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from loans.ledger.models import JournalEntry
from loans.servicing.models import LoanEvent, Reminder
from tests.database import owner_cursor
from tests.integration.cob import worker_harness as harness
from tests.integration.cob.crash_runs import (
    BACKUP_SCHEMA,
    CLOSED_THROUGH,
    DATES,
    SeededPortfolio,
    Workers,
    assert_books_reconcile,
    assert_closed_on_every_chunk,
    books,
    closed_through_the_last_date,
    flush,
    seed_and_save,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeededPortfolio]:
    """3,000 loans in every bucket, seeded once per module (about 15 s) and saved."""
    with django_db_blocker.unblock():
        try:
            portfolio = seed_and_save()
        except BaseException:
            flush()
            raise
    yield portfolio
    with django_db_blocker.unblock():
        with owner_cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {BACKUP_SCHEMA} CASCADE")
        flush()


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    """A Redis database of this test process's own: each pytest-xdist process gets another."""
    base = settings.CELERY_BROKER_URL
    worker_number = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    url = harness.broker_url(base, db=(harness.broker_db(base) + 1 + worker_number) % 16)
    harness.broker_flush(url)
    yield url
    harness.broker_flush(url)


@pytest.fixture
def workers(broker: str, tmp_path: Path) -> Iterator[Callable[..., Workers]]:
    made: list[Workers] = []

    def make(*, clock_day: date, concurrency: int = 1) -> Workers:
        harness.broker_flush(broker)
        made.append(Workers(broker, tmp_path, clock_day, concurrency))
        return made[-1]

    yield make
    for group in made:
        group.stop()


@pytest.fixture(scope="module")
def reference(
    seeded: SeededPortfolio,
    broker: str,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_blocker: Any,
) -> dict[str, list[Any]]:
    """The books after the dates closed by a worker that nobody kills."""
    with django_db_blocker.unblock():
        seeded.restore()
        harness.broker_flush(broker)
        run = Workers(broker, tmp_path_factory.mktemp("reference"), CLOSED_THROUGH)
        try:
            run.start_worker()
            run.beat()
            run.wait_until(closed_through_the_last_date)
        finally:
            run.stop()
        assert_closed_on_every_chunk()
        assert_books_reconcile()
        snapshot = books()
        assert [r[3] >= 10 for r in snapshot["cob runs"]] == [True] * DATES  # many chunks
        assert JournalEntry.objects.filter(entry_type="PENALTY", key__startswith="cob:").exists()
        assert LoanEvent.objects.filter(event_type="loan.bucket_changed").exists()
        assert Reminder.objects.count() > 1000
    return snapshot
