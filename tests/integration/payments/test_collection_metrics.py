"""The auto-debit outcome counter (issue #21, docs/observability.md): one count per outcome
recorded, none for a second report of an outcome already recorded."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
import time_machine

from loans.metrics import metrics_registry
from loans.payments.collection.dispatch import collection_run_dispatch
from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import CollectionAttempt
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db

OUTCOMES = ("succeeded", "insufficient_funds", "pending")


def counts() -> dict[str, float]:
    registry = metrics_registry()
    return {
        outcome: registry.get_sample_value(
            "lendportal_auto_debit_outcomes_total", {"outcome": outcome}
        )
        or 0.0
        for outcome in OUTCOMES
    }


def send_due(at) -> Counter[str]:
    tally: Counter[str] = Counter()
    with time_machine.travel(at, tick=False):
        for chunk in collection_run_dispatch(business_date=DUE, now=at):
            tally += collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk, now=at)
    return tally


def test_each_recorded_outcome_is_counted_once_and_a_repeated_report_is_not() -> None:
    bound = bound_loan(balance=Decimal("10.00"))
    collection_plan(business_date=DUE)
    before = counts()

    send_due(bj(DUE, 8))  # the card holds ¥10: insufficient funds, a retry at noon
    FakeGateway.script(bound.card, balance=Decimal("5000.00"))
    send_due(bj(DUE, 12))
    paid = CollectionAttempt.objects.get(outcome=ChargeOutcome.SUCCEEDED)
    attempt_outcome_record(key=paid.key, outcome=ChargeOutcome.SUCCEEDED, decided_by="callback")

    after = counts()
    assert {k: after[k] - before[k] for k in OUTCOMES} == {
        "succeeded": 1,
        "insufficient_funds": 1,
        "pending": 0,
    }


def test_a_pending_charge_counts_once_however_often_the_gateway_still_says_pending() -> None:
    bound_loan(unknown_share=1.0)  # the gateway answers every charge "pending"
    collection_plan(business_date=DUE)
    before = counts()

    send_due(bj(DUE, 8))
    attempt = CollectionAttempt.objects.get()
    attempt_outcome_record(key=attempt.key, outcome=ChargeOutcome.PENDING, decided_by="query")
    attempt_outcome_record(key=attempt.key, outcome=ChargeOutcome.SUCCEEDED, decided_by="query")

    after = counts()
    assert {k: after[k] - before[k] for k in OUTCOMES} == {
        "succeeded": 1,
        "insufficient_funds": 0,
        "pending": 1,
    }
