"""Close of business survives killed workers (issue #4, reliability).

At random moments (drawn from a seeded Random) the test SIGKILLs the pool process executing a
task, the main worker process, or the whole worker. A killed pool process's task is re-delivered
at once (reject-on-worker-lost); after the main process dies, the task it held stays
unacknowledged in Redis until the visibility timeout (an hour, twice the task time limit), so the
test starts a new worker and publishes ``business_day_close``, exactly as production beat does
every 15 minutes, which re-dispatches the pending chunks of the open run. Each run must leave
the same books as the reference run without crashes (crash_runs.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.cob.crash_runs import (
    CLOSED_THROUGH,
    KILL_RUNS,
    SeededPortfolio,
    Workers,
    assert_books_reconcile,
    assert_closed_on_every_chunk,
    assert_same_books,
    books,
    closed_through_the_last_date,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("kill_seed", "worker_kill"), KILL_RUNS)
def test_killed_workers_leave_the_books_of_a_run_without_crashes(
    kill_seed: int,
    worker_kill: str,
    seeded: SeededPortfolio,
    reference: dict[str, list[Any]],
    workers: Callable[..., Workers],
) -> None:
    seeded.restore()
    rng = random.Random(kill_seed)
    # Two kills of the pool process and one of the main process or the whole worker, in a
    # random order at random moments; then more pool processes (at most two) until a kill
    # has cut a chunk's transaction short.
    plan = ["pool process", "pool process", worker_kill]
    rng.shuffle(plan)
    run = workers(clock_day=CLOSED_THROUGH)
    run.start_worker()
    run.beat()
    # A chunk of 250 loans takes about 0.1 s and a date about 1.5 s on a quiet machine, so the
    # kills come within a second of each other, or the run can end before the plan is spent.
    next_kill = time.monotonic() + rng.uniform(0.3, 1.2)

    def kill_when_due() -> None:
        nonlocal next_kill
        if time.monotonic() < next_kill:
            return
        if len(run.kills) < len(plan):
            run.kill(plan[len(run.kills)])
        elif not any(k.lost_chunk_work for k in run.kills) and len(run.kills) < len(plan) + 2:
            run.kill("pool process")
        next_kill = time.monotonic() + rng.uniform(0.2, 1.0)

    run.wait_until(closed_through_the_last_date, between=kill_when_due)
    run.stop()

    print(f"\nkill seed {kill_seed}: {run.kills}")  # shown with pytest -s
    assert len(run.kills) >= 2, run.report("close of business ended before the kills")
    assert any(k.lost_chunk_work for k in run.kills), run.report("no kill landed mid-chunk")
    if any(k.target == "pool process" and k.lost_chunk_work for k in run.kills):
        # The same message again (acks_late, reject-on-worker-lost), not a new one from beat.
        assert run.redelivered(), run.report("a killed pool process's task was not re-delivered")
    assert_closed_on_every_chunk()
    assert_books_reconcile()
    assert_same_books(books(), reference)
