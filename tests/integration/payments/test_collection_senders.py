"""A chunk sent on several threads at once (issue #17 throughput): each thread with its own
connection, each attempt charged once, each success posted once. Real transactions: the
threads cannot see a test's open transaction."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
import time_machine

from loans.payments.collection import sending
from loans.payments.collection.dispatch import collection_run_dispatch
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import AttemptStatus, CollectionAttempt
from loans.servicing.models import Repayment, RepaymentChannel
from tests.integration.books import assert_books_reconcile
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db(transaction=True)

LOANS = 8


@pytest.fixture
def four_senders(settings):
    settings.LENDPORTAL_AUTO_DEBIT_SENDERS = 4
    settings.LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND = 0


def send_chunks(at) -> Counter[str]:
    tally: Counter[str] = Counter()
    with time_machine.travel(at, tick=True):
        for chunk in collection_run_dispatch(business_date=DUE, now=at):
            tally += collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk, now=at)
    return tally


def test_four_threads_charge_each_attempt_once_and_post_each_success_once(
    fake, four_senders, monkeypatch
):
    bound = [bound_loan(latency_seconds=0.2) for _ in range(LOANS)]  # a gateway that waits
    collection_plan(business_date=DUE)
    dues = sorted((b.loan.pk, b.due()) for b in bound)
    threads: set[int] = set()
    waiting = [0, 0]  # charges waiting on the gateway now, and the most at once
    lock = threading.Lock()
    charge = FakeGateway.charge

    def charge_recorded(self, **kwargs):
        with lock:
            threads.add(threading.get_ident())
            waiting[0] += 1
            waiting[1] = max(waiting)
        try:
            return charge(self, **kwargs)
        finally:
            with lock:
                waiting[0] -= 1

    monkeypatch.setattr(FakeGateway, "charge", charge_recorded)

    tally = send_chunks(bj(DUE, 8, 5))

    assert tally == Counter({"succeeded": LOANS})
    assert len(threads) == 4
    assert waiting[1] > 1  # the gateway's waits overlapped
    keys = [debit.key for debit in fake.debits]
    assert sorted(keys) == sorted(CollectionAttempt.objects.values_list("key", flat=True))
    posted = Repayment.objects.filter(channel=RepaymentChannel.AUTO_DEBIT)
    assert sorted((r.loan_id, r.amount) for r in posted) == dues
    assert set(CollectionAttempt.objects.values_list("status", flat=True)) == {
        AttemptStatus.SUCCEEDED
    }
    assert_books_reconcile()


def test_an_error_on_one_thread_is_raised_after_the_others_have_sent_theirs(
    fake, four_senders, monkeypatch
):
    for _ in range(LOANS):
        bound_loan()
    run = collection_plan(business_date=DUE)
    broken = (
        CollectionAttempt.objects.filter(run=run).order_by("id").values_list("pk", flat=True)[0]
    )
    send = sending.attempt_send

    def send_or_fail(*, attempt_id: int, **kwargs):
        if attempt_id == broken:
            raise ConnectionError("the database went away")
        return send(attempt_id=attempt_id, **kwargs)

    monkeypatch.setattr(sending, "attempt_send", send_or_fail)

    with pytest.raises(ConnectionError, match="went away"):
        send_chunks(bj(DUE, 8, 5))

    statuses = Counter(CollectionAttempt.objects.values_list("status", flat=True))
    assert statuses == Counter({AttemptStatus.SUCCEEDED: LOANS - 1, AttemptStatus.PLANNED: 1})
    assert sum(d.amount for d in fake.debits) == sum(
        Repayment.objects.filter(channel=RepaymentChannel.AUTO_DEBIT).values_list(
            "amount", flat=True
        ),
        Decimal("0.00"),
    )
    assert_books_reconcile()
