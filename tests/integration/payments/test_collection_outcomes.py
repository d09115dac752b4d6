"""What each answer of the gateway leads to (PRODUCT §11's table), recorded exactly once."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import AuditEvent
from loans.payments.collection.dispatch import collection_run_dispatch
from loans.payments.collection.outcomes import AttemptUnknown, attempt_outcome_record
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.queries import collection_attempts_query
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import (
    AttemptStatus,
    CardBindingChannel,
    CardBindingStatus,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)
from loans.servicing.models import LoanStatus, Reminder, ReminderKind, Repayment, RepaymentChannel
from loans.servicing.selectors import loan_payoff_quote
from loans.servicing.services.reminders import reminder_render
from loans.servicing.services.repayments import repayment_post
from tests.integration.payments.collection_world import (
    DUE,
    bj,
    bound_loan,
    business_date_set,
)

pytestmark = pytest.mark.django_db


def send_due(day, at) -> Counter[str]:
    """What beat does at ``at``: every chunk with attempts due, sent here."""
    tally: Counter[str] = Counter()
    with time_machine.travel(at, tick=False):
        for chunk in collection_run_dispatch(business_date=day, now=at):
            tally += collection_chunk_send(run_id=chunk.run_id, chunk=chunk.chunk, now=at)
    return tally


def latest() -> CollectionAttempt:
    return CollectionAttempt.objects.order_by("-sequence")[0]


def test_insufficient_funds_retries_at_noon_six_and_the_next_morning_then_collects(fake):
    bound = bound_loan(balance=Decimal("10.00"))
    collection_plan(business_date=DUE)

    send_due(DUE, bj(DUE, 8, 0))
    assert latest().scheduled_at == bj(DUE, 12)
    send_due(DUE, bj(DUE, 12, 0))
    assert latest().scheduled_at == bj(DUE, 18)
    send_due(DUE, bj(DUE, 18, 0))
    next_day = DUE + timedelta(days=1)
    retry = latest()
    assert retry.scheduled_at == bj(next_day, 8)
    assert retry.run.business_date == next_day
    assert retry.run.planned_at is None  # created by the retry; that date is not planned yet

    business_date_set(next_day)
    FakeGateway.script(bound.card, balance=Decimal("5000.00"))
    collection_plan(business_date=next_day)
    tally = send_due(next_day, bj(next_day, 8, 0))

    attempts = list(CollectionAttempt.objects.order_by("sequence"))
    assert [(a.sequence, a.status, a.outcome) for a in attempts] == [
        (0, AttemptStatus.FAILED, "INSUFFICIENT_FUNDS"),
        (1, AttemptStatus.FAILED, "INSUFFICIENT_FUNDS"),
        (2, AttemptStatus.FAILED, "INSUFFICIENT_FUNDS"),
        (3, AttemptStatus.SUCCEEDED, "SUCCEEDED"),
    ]
    assert [a.parent_id for a in attempts[1:]] == [a.pk for a in attempts[:-1]]
    assert tally == Counter({"succeeded": 1})
    repayment = Repayment.objects.get()
    assert (repayment.value_date, repayment.amount) == (next_day, attempts[3].amount)
    assert len(fake.debits) == 1
    assert len(fake.charges) == 4
    assert set(CollectionRun.objects.values_list("status", flat=True)) == {"DONE"}


def test_the_series_stops_after_the_retry_on_days_past_due_30(fake):
    bound_loan(balance=Decimal("0.00"))
    collection_plan(business_date=DUE)
    CollectionAttempt.objects.update(
        scheduled_at=bj(DUE + timedelta(days=30), 8), status=AttemptStatus.SENDING,
        sent_at=bj(DUE + timedelta(days=30), 8),
    )  # fmt: skip

    attempt_outcome_record(
        key=latest().key,
        outcome=ChargeOutcome.INSUFFICIENT_FUNDS,
        decided_by="answer",
        as_of=DUE + timedelta(days=30),
        now=bj(DUE + timedelta(days=30), 8, 1),
    )

    assert CollectionAttempt.objects.count() == 1
    assert latest().status == AttemptStatus.FAILED


@pytest.mark.parametrize(
    ("script", "outcome"),
    [
        ({"closed": True}, "CARD_INVALID"),
        ({"frozen": True}, "CARD_FROZEN"),
        ({}, "AGREEMENT_REVOKED"),
    ],
)
def test_a_card_that_cannot_be_charged_stops_auto_debit_and_tells_the_borrower(
    fake, script, outcome
):
    bound = bound_loan()
    FakeGateway.script(bound.card, **script)
    if outcome == "AGREEMENT_REVOKED":
        FakeGateway.revoke_at_bank(bound.binding.agreement_reference)
    collection_plan(business_date=DUE)

    send_due(DUE, bj(DUE, 8, 0))

    attempt = CollectionAttempt.objects.get()  # no retry planned
    assert (attempt.status, attempt.outcome) == (AttemptStatus.FAILED, outcome)
    bound.binding.refresh_from_db()
    assert bound.binding.status == CardBindingStatus.REVOKED
    assert bound.binding.revoked_channel == CardBindingChannel.SYSTEM
    assert AuditEvent.objects.filter(action="card_binding.revoke").count() == 1
    notices = Reminder.objects.filter(loan=bound.loan, kind=ReminderKind.AUTO_DEBIT_STOPPED)
    assert notices.count() >= 1
    assert {n.installment.due_date for n in notices} == {DUE}
    assert not Repayment.objects.exists()
    assert not fake.debits


def test_the_notice_renders_in_the_borrowers_language(fake):
    bound = bound_loan()
    FakeGateway.script(bound.card, frozen=True)
    collection_plan(business_date=DUE)
    send_due(DUE, bj(DUE, 8, 0))

    subject, body = reminder_render(Reminder.objects.filter(loan=bound.loan)[0])

    assert subject in {
        "自动还款已停止：您的银行卡无法扣款",  # noqa: RUF001
        "Auto-debit stopped: your bank card could not be charged",
    }
    assert str(bound.loan.pk) in body


def test_over_the_banks_limit_the_amount_is_collected_in_parts_under_it(fake):
    bound = bound_loan(single_payment_limit=Decimal("400.00"), balance=Decimal("5000.00"))
    collection_plan(business_date=DUE)
    whole = CollectionAttempt.objects.get()

    tally = send_due(DUE, bj(DUE, 8, 0))

    parts = list(CollectionAttempt.objects.filter(part=True).order_by("sequence"))
    assert tally == Counter({"failed": 1, "succeeded": len(parts)})
    assert CollectionAttempt.objects.get(pk=whole.pk).outcome == "LIMIT_EXCEEDED"
    assert len(parts) == 3
    assert all(p.amount <= Decimal("400.00") and p.parent_id == whole.pk for p in parts)
    assert sum(p.amount for p in parts) == whole.amount
    assert len({p.key for p in parts}) == 3
    repayments = Repayment.objects.filter(loan=bound.loan)
    assert sum(r.amount for r in repayments) == whole.amount
    assert sorted(r.reference for r in repayments) == sorted(f"auto-debit-{p.key}" for p in parts)
    assert sum(d.amount for d in fake.debits) == whole.amount


def test_without_a_limit_in_the_answer_the_amount_is_halved(fake):
    bound_loan()
    collection_plan(business_date=DUE)
    whole = CollectionAttempt.objects.get()
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 8))

    attempt_outcome_record(
        key=whole.key, outcome=ChargeOutcome.LIMIT_EXCEEDED, decided_by="file", as_of=DUE
    )

    parts = CollectionAttempt.objects.filter(part=True)
    assert sorted(p.amount for p in parts) == sorted(
        [(whole.amount / 2).quantize(Decimal("0.01"), rounding="ROUND_UP"),
         whole.amount - (whole.amount / 2).quantize(Decimal("0.01"), rounding="ROUND_UP")]
    )  # fmt: skip


def test_an_unknown_outcome_is_queried_never_charged_again_and_posts_once(fake, caplog):
    bound = bound_loan(unknown_share=1.0)
    collection_plan(business_date=DUE)

    tally = send_due(DUE, bj(DUE, 8, 0))
    attempt = CollectionAttempt.objects.get()
    assert tally == Counter({"pending": 1})
    assert attempt.status == AttemptStatus.PENDING
    assert send_due(DUE, bj(DUE, 8, 30)) == Counter()  # not sent again

    too_soon = collection_attempts_query(now=bj(DUE, 8, 1), older_than_seconds=120)
    asked = collection_attempts_query(now=bj(DUE, 8, 3), older_than_seconds=120)

    attempt.refresh_from_db()
    assert too_soon == Counter()
    assert asked == Counter({"succeeded": 1})
    assert (attempt.status, attempt.decided_by, attempt.query_count) == (
        AttemptStatus.SUCCEEDED,
        "query",
        1,
    )
    # The callback and the file say it again: nothing more is posted.
    for decided_by in ("callback", "file"):
        again = attempt_outcome_record(
            key=attempt.key, outcome=ChargeOutcome.SUCCEEDED, decided_by=decided_by
        )
        assert again.repayment_id == attempt.repayment_id
    with caplog.at_level(logging.WARNING, logger="loans.payments.collection.outcomes"):
        attempt_outcome_record(
            key=attempt.key, outcome=ChargeOutcome.INSUFFICIENT_FUNDS, decided_by="file"
        )
    assert attempt.key in caplog.text
    assert bound.card not in caplog.text
    assert Repayment.objects.filter(loan=bound.loan).count() == 1
    assert len(fake.charges) == 1
    assert CollectionAttempt.objects.get().status == AttemptStatus.SUCCEEDED


def test_a_charge_whose_worker_died_is_asked_about_and_never_sent(fake):
    bound_loan()
    collection_plan(business_date=DUE)
    # The worker committed SENDING, then died before the gateway heard of the charge.
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 8, 0))

    asked = collection_attempts_query(now=bj(DUE, 8, 5), older_than_seconds=120)

    attempt = CollectionAttempt.objects.get()
    assert asked == Counter({"pending": 1})
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.queried_at == bj(DUE, 8, 5)
    assert send_due(DUE, bj(DUE, 9, 0)) == Counter()
    assert not fake.charges


def test_a_charge_the_gateway_never_received_fails_after_the_grace_and_is_retried(fake):
    """Found by the crash test: a worker died between committing SENDING and calling the
    gateway. The gateway then answers NOT_FOUND; 10 minutes after sending (a request may still
    be on its way before) the attempt fails with no money moved and the series goes on."""
    bound = bound_loan()
    owed = bound.due()
    run = collection_plan(business_date=DUE)
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 8, 0))

    early = collection_attempts_query(now=bj(DUE, 8, 5), older_than_seconds=120)
    late = collection_attempts_query(now=bj(DUE, 8, 11), older_than_seconds=120)

    assert early == Counter({"pending": 1})
    assert late == Counter({"failed": 1})
    lost = CollectionAttempt.objects.get(sequence=0)
    assert (lost.outcome, lost.decided_by) == (ChargeOutcome.NOT_FOUND, "query")
    retry = CollectionAttempt.objects.get(parent=lost)
    assert retry.status == AttemptStatus.PLANNED
    assert retry.scheduled_at == bj(DUE, 12, 0)
    assert send_due(DUE, bj(DUE, 12, 0)) == Counter({"succeeded": 1})
    assert [c.key for c in fake.debits] == [retry.key]  # the lost key was never charged
    assert Repayment.objects.get(channel=RepaymentChannel.AUTO_DEBIT).amount == owed
    run.refresh_from_db()
    assert run.status == CollectionRunStatus.DONE


def test_a_success_reported_first_by_the_callback_posts_once_then_the_answer_is_a_no_op(fake):
    bound = bound_loan()
    collection_plan(business_date=DUE)
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 20, 59))
    key = CollectionAttempt.objects.get().key

    # Reported the next business day: valued on the day of the charge.
    business_date_set(DUE + timedelta(days=1))
    first = attempt_outcome_record(
        key=key, outcome=ChargeOutcome.SUCCEEDED, decided_by="callback", gateway_reference="G-1"
    )
    second = attempt_outcome_record(key=key, outcome=ChargeOutcome.SUCCEEDED, decided_by="answer")

    assert first.repayment_id == second.repayment_id
    assert second.decided_by == "callback"
    repayment = Repayment.objects.get(loan=bound.loan)
    assert repayment.value_date == DUE
    assert CollectionAttempt.objects.get().gateway_reference == "G-1"


def test_a_success_on_a_loan_closed_meanwhile_keeps_the_money_for_a_refund(fake):
    bound = bound_loan()
    collection_plan(business_date=DUE)
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 8, 0))
    payoff = loan_payoff_quote(loan=bound.loan, as_of=DUE).total
    repayment_post(
        loan=bound.loan, amount=payoff, value_date=DUE, as_of=DUE,
        channel=RepaymentChannel.PORTAL,
    )  # fmt: skip
    bound.loan.refresh_from_db()
    assert bound.loan.status == LoanStatus.PAID_OFF

    attempt = attempt_outcome_record(
        key=CollectionAttempt.objects.get().key,
        outcome=ChargeOutcome.SUCCEEDED,
        decided_by="callback",
        as_of=DUE,
    )

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCEEDED
    assert attempt.unapplied is True
    assert attempt.repayment is None
    assert Repayment.objects.filter(loan=bound.loan).count() == 1  # the borrower's own


def test_an_unknown_key_or_reporter_is_refused():
    with pytest.raises(AttemptUnknown):
        attempt_outcome_record(
            key="AD0-20270215-0", outcome=ChargeOutcome.SUCCEEDED, decided_by="callback"
        )
    with pytest.raises(ValueError, match="decided_by"):
        attempt_outcome_record(
            key="AD0-20270215-0", outcome=ChargeOutcome.SUCCEEDED, decided_by="email"
        )


def test_a_report_for_an_attempt_never_sent_changes_nothing(fake):
    bound_loan()
    collection_plan(business_date=DUE)
    attempt = CollectionAttempt.objects.get()

    attempt_outcome_record(key=attempt.key, outcome=ChargeOutcome.SUCCEEDED, decided_by="file")

    assert CollectionAttempt.objects.get().status == AttemptStatus.PLANNED
    assert not Repayment.objects.exists()


def test_a_tiny_bank_limit_plans_at_most_the_cap_and_leaves_the_rest_to_the_next_retry(
    fake, settings
):
    # A one-yuan single-payment limit on an installment of hundreds of yuan: without a cap,
    # hundreds of parts (a limit of a fen: tens of thousands) would be planned at once.
    settings.LENDPORTAL_AUTO_DEBIT_MAX_PARTS = 4
    bound_loan()
    collection_plan(business_date=DUE)
    whole = CollectionAttempt.objects.get()
    CollectionAttempt.objects.update(status=AttemptStatus.SENDING, sent_at=bj(DUE, 8))

    attempt_outcome_record(
        key=whole.key,
        outcome=ChargeOutcome.LIMIT_EXCEEDED,
        decided_by="callback",
        as_of=DUE,
        now=bj(DUE, 8, 1),
        single_payment_limit=Decimal("1.00"),
    )

    parts = list(CollectionAttempt.objects.filter(part=True).order_by("sequence"))
    assert [p.amount for p in parts] == [Decimal("1.00")] * 4
    rest = CollectionAttempt.objects.get(parent=whole, part=False)
    assert rest.amount == whole.amount - Decimal("4.00")
    assert rest.scheduled_at == bj(DUE, 12, 0)
    assert rest.sequence > max(p.sequence for p in parts)
