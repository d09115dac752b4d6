"""`manage.py collect_due` and the beat tasks of the collection run (PRODUCT §11)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from loans.payments import tasks
from loans.payments.collection.planning import collection_plan
from loans.payments.models import AttemptStatus, CollectionAttempt, CollectionRun
from loans.servicing.models import Repayment
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db


def collect(*args: str, at=None) -> str:
    out = StringIO()
    with time_machine.travel(at or bj(DUE, 8, 5), tick=False):
        call_command("collect_due", *args, stdout=out)
    return out.getvalue()


def test_the_command_plans_sends_and_prints_progress_and_a_summary(fake, settings):
    settings.LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE = 2
    bound_loan(balance=Decimal("50000.00"))
    bound_loan(balance=Decimal("50000.00"))
    bound_loan(balance=Decimal("1.00"))

    output = collect()

    assert "Collection run 2027-02-15: 3 attempt(s) planned in 2 chunk(s)" in output
    assert (
        "  2027-02-15 chunk 0: sent 2 (succeeded 2, failed 0, pending 0, cancelled 0, waiting 0)"
        in output
    )
    assert (
        "  2027-02-15 chunk 1: sent 1 (succeeded 0, failed 1, pending 0, cancelled 0, waiting 0)"
        in output
    )
    assert (
        "Summary of 2027-02-15 (SENDING): planned 1, sending 0, pending 0, succeeded 2, "
        "failed 1, cancelled 0" in output
    )
    assert Repayment.objects.count() == 2


def test_running_the_command_again_charges_nothing_more(fake):
    bound_loan()
    collect()

    output = collect(at=bj(DUE, 8, 30))

    assert "Collection run 2027-02-15: 1 attempt(s) planned in 1 chunk(s)" in output
    assert "Nothing due to send now." in output
    assert "Summary of 2027-02-15 (DONE): planned 0, sending 0, pending 0, succeeded 1" in output
    assert len(fake.charges) == 1


def test_the_command_refuses_a_bad_date_or_one_after_the_business_date(fake):
    bound_loan()

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        collect("--date", "2027-02-30")
    with pytest.raises(CommandError, match="after the business date"):
        collect("--date", (DUE + timedelta(days=1)).isoformat())
    assert not CollectionRun.objects.exists()


def test_with_workers_the_command_only_sends_one_task_per_chunk(fake, monkeypatch):
    bound_loan()
    sent = []
    monkeypatch.setattr(tasks.collection_chunk_send, "delay", lambda **kw: sent.append(kw))

    output = collect("--workers")

    run = CollectionRun.objects.get()
    assert sent == [{"run_id": run.pk, "chunk": 0}]
    assert "Sent 1 chunk task(s) to the workers." in output
    assert CollectionAttempt.objects.get().status == AttemptStatus.PLANNED
    assert not fake.charges


def test_the_beat_task_plans_today_and_sends_a_task_per_due_chunk(fake, monkeypatch):
    bound_loan()
    sent = []
    monkeypatch.setattr(tasks.collection_chunk_send, "delay", lambda **kw: sent.append(kw))

    with time_machine.travel(bj(DUE, 8, 0), tick=False):
        result = tasks.collection_due_send()

    assert result == {"chunks": [("2027-02-15", 0)]}
    assert sent == [{"run_id": CollectionRun.objects.get().pk, "chunk": 0}]


def test_the_chunk_task_and_the_query_task_run_the_services(fake):
    bound_loan(unknown_share=1.0)
    run = collection_plan(business_date=DUE)

    with time_machine.travel(bj(DUE, 8, 1), tick=False):
        assert tasks.collection_chunk_send(run_id=run.pk, chunk=0) == {"pending": 1}
    with time_machine.travel(bj(DUE, 8, 10), tick=False):
        assert tasks.collection_attempts_query() == {"succeeded": 1}
    assert Repayment.objects.count() == 1


def test_beat_runs_the_collection_every_five_minutes_in_the_window_and_the_sweep():
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    entry = schedule["collection-due-send"]
    assert entry["task"] == "loans.payments.tasks.collection_due_send"
    assert entry["schedule"] == crontab(minute="*/5", hour="8-20")
    assert entry["schedule"] != crontab(minute="*/5", hour="8-21")
    assert schedule["collection-attempts-query"]["task"] == (
        "loans.payments.tasks.collection_attempts_query"
    )
