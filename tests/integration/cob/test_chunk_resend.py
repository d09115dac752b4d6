"""Chunks whose task was lost are sent again (issue #16, item 6).

A worker killed whole (its main process and its pool) leaves the chunk it held unacknowledged in
Redis until the visibility timeout, an hour. Beat (``cob_chunks_resend``, every minute) and the
waiting ``close_business_day`` command send a task again for a pending chunk that was last sent
more than ``LENDPORTAL_COB_RESEND_AFTER_SECONDS`` ago and that no process is running (its row is
not locked). The real-worker version of this is in test_killed_workers.py.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from loans.calendar.models import BusinessDate
from loans.cob import tasks as cob_tasks
from loans.cob.models import CobChunk, CobChunkStatus, CobRun, CobRunStatus
from loans.cob.services.dispatch import cob_chunks_resend_claim, cob_run_chunks_dispatch
from loans.cob.services.runs import cob_chunk_process, cob_run_open
from tests.factories.loans import DRAW_DATE, draw

AFTER = timedelta(minutes=5)


@pytest.fixture
def run(db: None, django_capture_on_commit_callbacks: Any) -> CobRun:
    """An open run of three one-loan chunks, none of them sent yet."""
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            draw(principal="3000.00", term=6)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    return cob_run_open(business_date=DRAW_DATE, chunk_size=1)


def sent(run: CobRun) -> dict[int, tuple[int, Any]]:
    return {
        c.number: (c.dispatch_count, c.dispatched_at)
        for c in CobChunk.objects.filter(run=run).order_by("number")
    }


@pytest.mark.django_db
def test_dispatching_a_run_marks_each_pending_chunk_sent(run: CobRun):
    now = timezone.now()
    cob_chunk_process(chunk_id=run.chunks.get(number=1).pk)

    chunk_ids = cob_run_chunks_dispatch(run=run, now=now)

    assert chunk_ids == list(run.chunks.filter(number__gt=1).values_list("id", flat=True))
    assert sent(run) == {1: (0, None), 2: (1, now), 3: (1, now)}


@pytest.mark.django_db
def test_only_chunks_sent_longer_ago_than_the_delay_are_sent_again(run: CobRun):
    sent_at = timezone.now()
    cob_run_chunks_dispatch(run=run, now=sent_at)
    cob_chunk_process(chunk_id=run.chunks.get(number=3).pk)

    early = cob_chunks_resend_claim(now=sent_at + AFTER - timedelta(seconds=1), after=AFTER)
    late = cob_chunks_resend_claim(now=sent_at + AFTER, after=AFTER)

    assert early == []
    chunks = run.chunks.filter(number__lt=3).order_by("number")
    assert late == [(c.pk, run.pk, c.number) for c in chunks]
    assert sent(run) == {1: (2, sent_at + AFTER), 2: (2, sent_at + AFTER), 3: (1, sent_at)}


@pytest.mark.django_db
def test_a_chunk_never_sent_is_sent_once_its_run_is_older_than_the_delay(run: CobRun):
    started = run.started_at

    early = cob_chunks_resend_claim(now=started + AFTER - timedelta(seconds=1), after=AFTER)
    late = cob_chunks_resend_claim(now=started + AFTER, after=AFTER)

    assert early == []
    assert len(late) == 3


@pytest.mark.django_db
def test_chunks_of_a_closed_run_are_never_sent_again(run: CobRun):
    cob_run_chunks_dispatch(run=run, now=timezone.now() - AFTER * 2)
    CobRun.objects.filter(pk=run.pk).update(status=CobRunStatus.DONE)

    assert cob_chunks_resend_claim(now=timezone.now(), after=AFTER) == []


@pytest.mark.django_db(transaction=True)
def test_a_chunk_that_a_process_is_running_is_not_sent_again(run: CobRun):
    """Its row lock is the lease: held while the process's transaction lives, dropped by
    PostgreSQL when the process or its connection dies."""
    cob_run_chunks_dispatch(run=run, now=timezone.now() - AFTER * 2)
    running = run.chunks.get(number=2)
    locked, release = threading.Event(), threading.Event()

    def hold_the_chunk() -> None:
        try:
            with transaction.atomic():
                CobChunk.objects.select_for_update().get(pk=running.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_chunk)
    holder.start()
    try:
        assert locked.wait(30)
        claimed = cob_chunks_resend_claim(now=timezone.now(), after=AFTER)
    finally:
        release.set()
        holder.join()

    assert [chunk.chunk_id for chunk in claimed] == list(
        run.chunks.exclude(pk=running.pk).order_by("number").values_list("id", flat=True)
    )
    assert sent(run)[2][0] == 1  # not claimed: still sent once


@pytest.mark.django_db
def test_the_waiting_command_sends_a_lost_chunk_again(run: CobRun, monkeypatch, settings):
    """The first task of chunk 2 is lost with its worker; the command sends it again."""
    settings.LENDPORTAL_COB_RESEND_AFTER_SECONDS = 1
    chunk_2 = run.chunks.get(number=2).pk
    deliveries: Counter[int] = Counter()

    def worker(*, chunk_id: int, run_id: int) -> None:
        deliveries[chunk_id] += 1
        if chunk_id == chunk_2 and deliveries[chunk_id] == 1:
            return  # taken by a worker that was then killed: never done, never acknowledged
        cob_chunk_process(chunk_id=chunk_id)

    monkeypatch.setattr(cob_tasks.cob_chunk_process, "delay", worker)
    out = StringIO()

    call_command("close_business_day", "--timeout", "20", stdout=out)

    assert CobRun.objects.get(pk=run.pk).status == CobRunStatus.DONE
    assert not CobChunk.objects.exclude(status=CobChunkStatus.DONE).exists()
    assert deliveries == dict.fromkeys(run.chunks.values_list("id", flat=True), 1) | {chunk_2: 2}
    assert sent(run)[2][0] == 2
    assert "sent chunk 2 again" in out.getvalue()


@pytest.mark.django_db
def test_the_beat_task_sends_each_claimed_chunk_again(run: CobRun, monkeypatch, settings):
    settings.LENDPORTAL_COB_RESEND_AFTER_SECONDS = 0
    cob_run_chunks_dispatch(run=run, now=timezone.now() - timedelta(seconds=1))
    cob_chunk_process(chunk_id=run.chunks.get(number=1).pk)
    sent_tasks: list[dict[str, int]] = []
    monkeypatch.setattr(cob_tasks.cob_chunk_process, "delay", lambda **kw: sent_tasks.append(kw))

    result = cob_tasks.cob_chunks_resend()

    pending = list(run.chunks.filter(number__gt=1).order_by("number").values_list("id", flat=True))
    assert sent_tasks == [{"chunk_id": chunk_id, "run_id": run.pk} for chunk_id in pending]
    assert result == {"resent": pending}


def test_beat_runs_the_resend_every_minute_and_a_missed_tick_expires(settings):
    from lendportal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["cob-chunks-resend"]

    assert entry["task"] == "loans.cob.tasks.cob_chunks_resend"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 60
    assert 0 < entry["options"]["expires"] < entry["schedule"]
    assert settings.CELERY_TASK_ROUTES[entry["task"]] == {"queue": "cob"}
    # Well before the hour a lost task waits in Redis for (the visibility timeout).
    assert settings.LENDPORTAL_COB_RESEND_AFTER_SECONDS == 300
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
