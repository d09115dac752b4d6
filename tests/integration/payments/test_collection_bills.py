"""Auto-debit of revolving bills (issues #17, #18; PRODUCT §10, §11): a bill due today is
charged for its whole unpaid balance, once, posted through the revolving payment service; a
borrower's own payment lowers or cancels it; the failure codes act as for loans."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from loans.calendar.models import BusinessDate
from loans.payments.collection.outcomes import attempt_outcome_record
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.gateway import ChargeOutcome
from loans.payments.models import (
    AttemptCancelReason,
    AttemptStatus,
    CardBindingStatus,
    CollectionAttempt,
)
from loans.revolving.models import (
    BillReminder,
    BillReminderKind,
    Order,
    RevolvingPayment,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.reminders import (
    bill_owing,
    bill_reminder_render,
    bill_reminders_send_due,
)
from loans.revolving.services.statements import statements_cut
from loans.servicing.models import ReminderStatus
from tests.integration.books import assert_books_reconcile
from tests.integration.payments.collection_world import bj, card_bind
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

CUT = date(2027, 4, 5)
DUE = date(2027, 4, 14)  # statement day 5: due day 5 + 9


def bought(shop: Shop, day: date, amount: str, number: int) -> Order:
    BusinessDate.objects.filter(id=1).update(current_date=day)
    now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
    return order_capture(order_id=shop.order(amount, number, now=now).pk, now=now)


def billed(**script: object) -> tuple[Shop, str]:
    """A ¥1,500 bill cut on 5 April, due 14 April, ¥200 bought since; a card bound."""
    shop = shop_with_account(limit="5000.00", statement_day=5)
    bought(shop, date(2027, 3, 20), "1000.00", 1)
    bought(shop, date(2027, 4, 4), "500.00", 2)
    bought(shop, CUT, "200.00", 3)
    statements_cut(statement_date=CUT)
    _, card = card_bind(shop.line.borrower)
    FakeGateway.script(card, **script)  # after binding: a frozen card cannot be bound
    BusinessDate.objects.filter(id=1).update(current_date=DUE)
    return shop, card


def run_day(day: date = DUE, at: datetime | None = None) -> CollectionAttempt:
    run = collection_plan(business_date=day)
    for chunk in range(run.chunks):
        collection_chunk_send(run_id=run.pk, chunk=chunk, now=at or bj(day, 8, 1))
    return CollectionAttempt.objects.get(run=run, sequence=0)


def bill_unpaid(shop: Shop) -> Decimal:
    return Statement.objects.get(account=shop.account, statement_date=CUT).unpaid_amount


def test_a_bill_due_today_is_charged_its_whole_balance_once() -> None:
    shop, _ = billed()
    assert Statement.objects.get(account=shop.account).due_date == DUE
    attempt = run_day()
    assert attempt.key == f"AB{shop.account.pk}-20270414-0"
    assert (attempt.loan_id, attempt.account_id) == (None, shop.account.pk)
    assert (attempt.status, attempt.amount) == (AttemptStatus.SUCCEEDED, Decimal("1500.00"))
    payment = RevolvingPayment.objects.get(account=shop.account)
    assert attempt.revolving_payment_id == payment.pk
    assert (payment.channel, payment.amount) == (
        RevolvingPaymentChannel.AUTO_DEBIT,
        Decimal("1500.00"),
    )
    assert bill_unpaid(shop) == 0  # the unbilled ¥200 is not collected
    # Whoever reports the success again (callback, query, file), nothing more is posted,
    # and planning and sending again charge nothing.
    attempt_outcome_record(key=attempt.key, outcome=ChargeOutcome.SUCCEEDED, decided_by="file")
    run_day(at=bj(DUE, 12, 1))
    assert RevolvingPayment.objects.filter(account=shop.account).count() == 1
    assert [d.amount for d in FakeGateway().debits] == [Decimal("1500.00")]
    assert_books_reconcile()


def test_the_borrowers_own_payment_lowers_what_is_charged() -> None:
    shop, _ = billed()
    collection_plan(business_date=DUE)  # planned for ¥1,500 at 08:00
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("400.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="OWN-1",
        now=bj(DUE, 7),
    )
    attempt = run_day()
    assert (attempt.status, attempt.amount) == (AttemptStatus.SUCCEEDED, Decimal("1100.00"))
    assert bill_unpaid(shop) == 0
    assert_books_reconcile()


def test_a_bill_paid_in_full_meanwhile_is_not_charged() -> None:
    shop, _ = billed()
    collection_plan(business_date=DUE)
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("1500.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="OWN-1",
        now=bj(DUE, 7),
    )
    attempt = run_day()
    assert (attempt.status, attempt.cancel_reason) == (
        AttemptStatus.CANCELLED,
        AttemptCancelReason.NOTHING_DUE,
    )
    assert FakeGateway().charges == []


def test_not_enough_money_plans_the_next_retry_of_the_bill() -> None:
    shop, _ = billed(balance=Decimal("10.00"))
    attempt = run_day()
    assert (attempt.status, attempt.outcome) == (
        AttemptStatus.FAILED,
        ChargeOutcome.INSUFFICIENT_FUNDS,
    )
    retry = CollectionAttempt.objects.get(parent=attempt)
    assert retry.key == f"AB{shop.account.pk}-20270414-1"
    assert (retry.account_id, retry.statement_id) == (attempt.account_id, attempt.statement_id)
    assert (retry.status, retry.scheduled_at) == (AttemptStatus.PLANNED, bj(DUE, 12))
    assert bill_unpaid(shop) == Decimal("1500.00")


def test_a_frozen_card_stops_auto_debit_of_bills() -> None:
    shop, _ = billed(frozen=True)
    attempt = run_day()
    assert (attempt.status, attempt.outcome) == (AttemptStatus.FAILED, ChargeOutcome.CARD_FROZEN)
    assert not CollectionAttempt.objects.filter(parent=attempt).exists()
    binding = shop.line.borrower.card_bindings.get()
    assert binding.status == CardBindingStatus.REVOKED


def test_a_stopped_card_tells_the_borrower_once_even_if_the_bill_is_paid_after() -> None:
    shop, _ = billed(frozen=True)
    BillReminder.objects.all().delete()  # none queued by the setup's nights anyway
    run_day()
    run_day()  # a rerun of the day queues nothing more
    notices = BillReminder.objects.filter(kind=BillReminderKind.CARD_STOPPED)
    assert [(n.account_id, n.channel) for n in notices] == [(shop.account.pk, "SMS")]
    revolving_payment_post(
        account_id=shop.account.pk,
        amount=Decimal("1700.00"),
        channel=RevolvingPaymentChannel.PORTAL,
        reference="P-1",
        now=bj(DUE, 9),
    )
    notice = notices.get()
    owing = bill_owing(statement=notice.statement)
    for language, words in (
        ("en", ["Auto-debit stopped", f"no. {shop.account.pk}", "switched off"]),
        ("zh-hans", ["自动还款已停止", f"编号{shop.account.pk}", "自动还款现已关闭"]),
    ):
        notice.language = language
        subject, body = bill_reminder_render(notice, owing=owing)
        assert all(word in subject + body for word in words), (language, subject, body)
    assert shop.line.borrower.full_name not in body

    assert bill_reminders_send_due(now=bj(DUE, 10)) == 1
    notice.refresh_from_db()
    assert notice.status == ReminderStatus.SENT


def test_limit_exceeded_splits_the_bill_into_parts_charged_in_turn() -> None:
    shop, _ = billed(single_payment_limit=Decimal("1000.00"))
    attempt = run_day()
    assert attempt.outcome == ChargeOutcome.LIMIT_EXCEEDED
    parts = CollectionAttempt.objects.filter(parent=attempt).order_by("sequence")
    assert [p.amount for p in parts] == [Decimal("750.00"), Decimal("750.00")]
    collection_chunk_send(run_id=attempt.run_id, chunk=attempt.chunk, now=bj(DUE, 8, 2))
    assert [p.status for p in parts.all()] == [AttemptStatus.SUCCEEDED] * 2
    assert bill_unpaid(shop) == 0
    assert RevolvingPayment.objects.filter(account=shop.account).count() == 2
    assert_books_reconcile()


def test_the_database_holds_an_attempt_to_a_loan_or_a_bill() -> None:
    billed()
    attempt = run_day()
    for change in ({"statement_id": None}, {"loan_id": 1, "statement_id": attempt.statement_id}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CollectionAttempt.objects.filter(pk=attempt.pk).update(**change)


def test_an_unknown_outcome_reported_by_everyone_posts_the_bill_payment_once() -> None:
    shop, _ = billed(unknown_share=1.0)  # the gateway debits, but answers PENDING
    attempt = run_day()
    assert attempt.status == AttemptStatus.PENDING
    for decided_by in ("callback", "query", "callback", "file"):
        attempt_outcome_record(
            key=attempt.key, outcome=ChargeOutcome.SUCCEEDED, decided_by=decided_by
        )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by) == (AttemptStatus.SUCCEEDED, "callback")
    payments = RevolvingPayment.objects.filter(account=shop.account)
    debits = FakeGateway().debits
    assert [p.amount for p in payments] == [d.amount for d in debits] == [Decimal("1500.00")]
    assert_books_reconcile()
