"""Sending a chunk's attempts (PRODUCT §11): what is due now, once, one in flight per loan."""

from __future__ import annotations

import math
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from loans.payments.card_bindings import card_binding_revoke
from loans.payments.collection.dispatch import collection_day_start, collection_run_dispatch
from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.ratelimit import gateway_rate_wait
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import (
    AttemptCancelReason,
    AttemptStatus,
    CardBindingChannel,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)
from loans.servicing.models import LoanStatus, Repayment, RepaymentChannel
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.repayments import repayment_post
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db


def send_all(run: CollectionRun, at) -> Counter[str]:
    tally: Counter[str] = Counter()
    with time_machine.travel(at, tick=False):
        for chunk in collection_run_dispatch(business_date=run.business_date, now=at):
            tally += collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk, now=at)
    return tally


def test_a_charge_that_succeeds_becomes_one_repayment_valued_on_the_day(fake):
    bound = bound_loan(balance=Decimal("50000.00"))
    due = bound.due()
    run = collection_plan(business_date=DUE)

    tally = send_all(run, bj(DUE, 8, 5))

    attempt = CollectionAttempt.objects.get()
    assert tally == Counter({"succeeded": 1})
    assert attempt.status == AttemptStatus.SUCCEEDED
    assert (attempt.outcome, attempt.decided_by) == ("SUCCEEDED", "answer")
    assert attempt.sent_at == bj(DUE, 8, 5)
    assert attempt.gateway_reference == f"FAKE-C-{attempt.key}"
    repayment = Repayment.objects.get(loan=bound.loan)
    assert attempt.repayment == repayment
    assert repayment.channel == RepaymentChannel.AUTO_DEBIT
    assert repayment.reference == f"auto-debit-{attempt.key}"
    assert (repayment.amount, repayment.value_date) == (due, DUE)
    assert [(c.key, c.amount) for c in fake.debits] == [(attempt.key, due)]
    assert FakeGateway.card(bound.card).balance == Decimal("50000.00") - due
    run.refresh_from_db()
    assert run.status == CollectionRunStatus.DONE


def test_nothing_is_sent_before_eight_and_sending_again_charges_nothing_more(fake):
    bound_loan()
    run = collection_plan(business_date=DUE)

    assert send_all(run, bj(DUE, 7, 59)) == Counter()
    assert not fake.charges
    send_all(run, bj(DUE, 8, 0))
    again = collection_chunk_send(run_id=run.pk, chunk=0, now=bj(DUE, 8, 1))

    assert again == Counter()
    assert len(fake.charges) == 1
    assert Repayment.objects.count() == 1


def test_a_payment_of_the_borrower_after_planning_lowers_the_charge(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    planned = CollectionAttempt.objects.get().amount
    repayment_post(
        loan=bound.loan,
        amount=Decimal("300.00"),
        value_date=DUE,
        as_of=DUE,
        channel=RepaymentChannel.PORTAL,
    )

    send_all(run, bj(DUE, 8, 5))

    attempt = CollectionAttempt.objects.get()
    assert attempt.amount == planned - Decimal("300.00")
    assert [c.amount for c in fake.charges] == [planned - Decimal("300.00")]
    assert attempt.repayment is not None
    assert attempt.repayment.amount == planned - Decimal("300.00")


def test_a_payment_of_everything_due_cancels_the_charge(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    repayment_post(
        loan=bound.loan, amount=bound.due(), value_date=DUE, as_of=DUE,
        channel=RepaymentChannel.PORTAL,
    )  # fmt: skip

    tally = send_all(run, bj(DUE, 8, 5))

    attempt = CollectionAttempt.objects.get()
    assert tally == Counter({"cancelled": 1})
    assert (attempt.status, attempt.cancel_reason) == (
        AttemptStatus.CANCELLED,
        AttemptCancelReason.NOTHING_DUE,
    )
    assert attempt.decided_at == bj(DUE, 8, 5)
    assert not fake.charges
    assert CollectionAttempt.objects.count() == 1  # no retry of a series with nothing due


def test_auto_debit_switched_off_after_planning_cancels_the_charge(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    card_binding_revoke(binding=bound.binding, channel=CardBindingChannel.PORTAL)

    send_all(run, bj(DUE, 8, 5))

    attempt = CollectionAttempt.objects.get()
    assert (attempt.status, attempt.cancel_reason) == (
        AttemptStatus.CANCELLED,
        AttemptCancelReason.AUTO_DEBIT_OFF,
    )
    assert not fake.charges


def test_a_loan_paid_off_after_planning_is_not_charged(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    payoff = loan_payoff_quote(loan=bound.loan, as_of=DUE).total
    repayment_post(
        loan=bound.loan, amount=payoff, value_date=DUE, as_of=DUE,
        channel=RepaymentChannel.PORTAL,
    )  # fmt: skip
    bound.loan.refresh_from_db()
    assert bound.loan.status == LoanStatus.PAID_OFF

    send_all(run, bj(DUE, 8, 5))

    attempt = CollectionAttempt.objects.get()
    assert attempt.cancel_reason == AttemptCancelReason.LOAN_NOT_ACTIVE
    assert not fake.charges


def test_an_attempt_unsent_when_the_window_closes_is_replaced_the_next_morning(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)

    tally = send_all(run, bj(DUE, 21, 0))

    first, replacement = CollectionAttempt.objects.order_by("sequence")
    assert tally == Counter({"cancelled": 1})
    assert first.cancel_reason == AttemptCancelReason.WINDOW_CLOSED
    assert not fake.charges
    assert replacement.status == AttemptStatus.PLANNED
    assert replacement.scheduled_at == bj(DUE + timedelta(days=1), 8)
    assert (replacement.sequence, replacement.parent_id) == (1, first.pk)
    assert replacement.key == f"AD{bound.loan.pk}-20270215-1"
    assert replacement.run.business_date == DUE + timedelta(days=1)
    run.refresh_from_db()
    assert run.status == CollectionRunStatus.DONE


def test_one_attempt_in_flight_per_loan_the_parts_wait_their_turn(fake):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    whole = CollectionAttempt.objects.get()
    CollectionAttempt.objects.filter(pk=whole.pk).update(
        status=AttemptStatus.SENDING, sent_at=bj(DUE, 8, 0)
    )
    attempt_outcome_record(
        key=whole.key,
        outcome=ChargeOutcome.LIMIT_EXCEEDED,
        decided_by="callback",
        now=bj(DUE, 8, 1),
        single_payment_limit=Decimal("400.00"),
    )
    FakeGateway.script(bound.card, unknown_share=1.0)  # every answer is lost from now on

    tally = send_all(run, bj(DUE, 8, 5))

    in_flight = CollectionAttempt.objects.filter(status__in=["SENDING", "PENDING"])
    parts = CollectionAttempt.objects.filter(part=True).order_by("sequence")
    assert parts.count() == math.ceil(whole.amount / Decimal("400.00")) >= 2
    assert tally == Counter({"pending": 1, "waiting": parts.count() - 1})
    assert list(in_flight) == [parts[0]]
    assert len(fake.charges) == 1
    assert [p.status for p in parts][1:] == [AttemptStatus.PLANNED] * (parts.count() - 1)
    # The database refuses a second attempt in flight for the loan, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        parts.filter(status=AttemptStatus.PLANNED).update(
            status=AttemptStatus.SENDING, sent_at=bj(DUE, 8, 6)
        )


def test_the_beat_task_plans_the_day_once_and_sends_the_due_chunks(fake, settings):
    settings.LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE = 1
    for _ in range(3):
        bound_loan()

    due = collection_day_start(business_date=DUE, now=bj(DUE, 8, 0))
    again = collection_day_start(business_date=DUE, now=bj(DUE, 8, 5))

    assert [c.chunk for c in due] == [0, 1, 2] == [c.chunk for c in again]
    assert CollectionAttempt.objects.count() == 3
    run = CollectionRun.objects.get()
    assert run.status == CollectionRunStatus.SENDING


def test_the_rate_limit_lets_at_most_the_limit_through_each_second(settings):
    settings.LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND = 2

    seconds = []
    for _ in range(5):
        gateway_rate_wait(gateway_name=f"limit-test-{id(settings)}")
        seconds.append(int(time.time()))

    assert max(Counter(seconds).values()) <= 2
    assert len(set(seconds)) >= 3


def test_a_counter_gone_between_add_and_incr_is_made_again_not_an_error(settings, monkeypatch):
    """Found by the money property test (frozen clock): the second's counter expired between
    ``cache.add`` and ``cache.incr``, and Django's incr raised ValueError mid-run."""
    from django.core.cache import cache as real

    from loans.payments.collection import ratelimit

    settings.LENDPORTAL_AUTO_DEBIT_RATE_PER_SECOND = 5
    name = f"expiry-test-{id(settings)}"

    class ExpiringOnce:
        def __init__(self) -> None:
            self.expired = False

        def add(self, key: str, value: int, timeout: int) -> bool:
            return real.add(key, value, timeout=timeout)

        def incr(self, key: str) -> int:
            if not self.expired:  # the counter expires just before the first incr
                self.expired = True
                real.delete(key)
            return int(real.incr(key))

    monkeypatch.setattr(ratelimit, "cache", ExpiringOnce())

    assert gateway_rate_wait(gateway_name=name) < 1
    assert gateway_rate_wait(gateway_name=name) < 1
