"""The same chunk sent by several workers at once, on real transactions (PRODUCT §11).

A chunk task delivered twice (or the beat's and the command's at once) must charge each attempt
once: each attempt is taken under its row lock with SKIP LOCKED and only while PLANNED.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.models import AttemptStatus, CollectionAttempt
from loans.servicing.models import Repayment
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db(transaction=True)

SENDERS = 4


def test_senders_of_one_chunk_at_once_charge_each_attempt_once(fake):
    loans = [bound_loan() for _ in range(6)]
    run = collection_plan(business_date=DUE)
    barrier = threading.Barrier(SENDERS)

    def send(_: int) -> Counter[str]:
        try:
            barrier.wait(timeout=30)
            return collection_chunk_send(run_id=run.pk, chunk=0, now=bj(DUE, 8, 5))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        tallies = list(pool.map(send, range(SENDERS)))

    total = sum(tallies, Counter())
    assert total["succeeded"] == len(loans)
    assert set(total) <= {"succeeded", "skipped"}
    keys = [c.key for c in fake.charges]
    assert len(keys) == len(set(keys)) == len(loans)
    assert set(CollectionAttempt.objects.values_list("status", flat=True)) == {
        AttemptStatus.SUCCEEDED
    }
    assert Repayment.objects.count() == len(loans)
