"""Close of business survives duplicate deliveries (issue #4, reliability).

Every chunk task is published twice, to two pool processes at once. Each chunk must run twice,
and the books must be the same as those of the reference run without crashes, where each task
was delivered once (crash_runs.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from loans.cob.services.runs import cob_run_open, cob_run_pending_chunks
from tests.integration.cob import worker_harness as harness
from tests.integration.cob.crash_runs import (
    AS_OF,
    CHUNK_SIZE,
    DATES,
    SeededPortfolio,
    Workers,
    assert_books_reconcile,
    assert_closed_on_every_chunk,
    assert_same_books,
    books,
    run_closed,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_chunk_task_delivered_twice_leaves_the_same_books(
    seeded: SeededPortfolio,
    reference: dict[str, list[Any]],
    workers: Callable[..., Workers],
) -> None:
    seeded.restore()
    # The workers' clock is on AS_OF: no date has ended for them, so nothing but the messages
    # published here runs (no catch-up chained by the last chunk of a date).
    run = workers(clock_day=AS_OF, concurrency=2)
    worker = run.start_worker()
    chunks = 0
    for offset in range(DATES):
        cob_run = cob_run_open(business_date=AS_OF + timedelta(days=offset), chunk_size=CHUNK_SIZE)
        for chunk_id in cob_run_pending_chunks(run=cob_run):
            for _copy in range(2):  # the two copies go to the two pool processes at once
                harness.publish(
                    run.broker,
                    "loans.cob.tasks.cob_chunk_process",
                    chunk_id=chunk_id,
                    run_id=cob_run.pk,
                )
            chunks += 1
        run.wait_until(partial(run_closed, cob_run.pk))
    run.wait_until(lambda: worker.log().count("COB chunk ") >= 2 * chunks)
    run.stop()

    executed = Counter(
        line.split("COB chunk ")[1].split()[0] for line in worker.log().splitlines()
        if "COB chunk " in line
    )  # fmt: skip
    assert len(executed) == chunks
    assert set(executed.values()) == {2}, run.report("each chunk task must have run twice")
    assert_closed_on_every_chunk()
    assert_books_reconcile()
    assert_same_books(books(), reference)
