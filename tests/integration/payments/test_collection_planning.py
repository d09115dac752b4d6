"""Planning a date's auto-debit attempts (PRODUCT §11): set-based, once, for what is due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.payments.card_bindings import card_binding_revoke
from loans.payments.collection.planning import collection_plan
from loans.payments.models import (
    AttemptStatus,
    CardBinding,
    CardBindingChannel,
    CollectionAttempt,
    CollectionRun,
    CollectionRunStatus,
)
from loans.servicing.models import RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.loans import draw
from tests.integration.payments.collection_world import (
    DUE,
    bj,
    bound_loan,
    business_date_set,
)

pytestmark = pytest.mark.django_db


def test_one_attempt_per_due_loan_with_an_active_card_for_what_is_due(settings):
    settings.LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE = 2
    bound = [bound_loan() for _ in range(3)]
    draw(principal="5000.00")  # due the same day, no card bound: not collected
    off = bound_loan()
    card_binding_revoke(binding=off.binding, channel=CardBindingChannel.PORTAL)

    run = collection_plan(business_date=DUE)

    attempts = list(CollectionAttempt.objects.order_by("loan_id"))
    assert [a.loan_id for a in attempts] == [b.loan.pk for b in bound]
    for attempt, b in zip(attempts, bound, strict=True):
        assert attempt.key == f"AD{b.loan.pk}-20270215-0"
        assert attempt.binding_id == b.binding.pk
        assert attempt.due_date == DUE
        assert attempt.sequence == 0
        assert attempt.amount == b.due()
        assert attempt.scheduled_at == bj(DUE, 8)
        assert attempt.status == AttemptStatus.PLANNED
        assert attempt.run_id == run.pk
    assert [a.chunk for a in attempts] == [0, 0, 1]
    assert (run.business_date, run.planned, run.chunks) == (DUE, 3, 2)
    assert run.status == CollectionRunStatus.PLANNED
    assert run.planned_at is not None


def test_the_advance_held_is_taken_off_and_overdue_installments_are_added():
    late = bound_loan(drawn=date(2026, 12, 15))  # its first installment was due on 15 January
    with_advance = bound_loan()
    business_date_set(date(2027, 1, 20))
    repayment_post(
        loan=with_advance.loan,
        amount=Decimal("100.00"),
        value_date=date(2027, 1, 20),
        as_of=date(2027, 1, 20),
        channel=RepaymentChannel.PORTAL,
    )
    business_date_set(DUE)
    late_owed = sum(
        (b.principal_amount + b.interest_amount + b.fee_amount)
        for b in late.loan.installments.filter(number__in=[1, 2])
    )

    collection_plan(business_date=DUE)

    assert late.loan.installments.get(number=2).due_date == DUE
    assert CollectionAttempt.objects.get(loan=late.loan).amount == late_owed
    assert CollectionAttempt.objects.get(loan=with_advance.loan).amount == (
        with_advance.due() - Decimal("100.00")
    )


def test_planning_twice_plans_nothing_new_and_keeps_one_run_per_date():
    first = bound_loan()
    run = collection_plan(business_date=DUE)
    keys = list(CollectionAttempt.objects.values_list("key", "amount"))
    second = bound_loan()  # bound after the first planning: the second planning adds it

    again = collection_plan(business_date=DUE)

    assert again.pk == run.pk
    assert CollectionRun.objects.filter(business_date=DUE).count() == 1
    assert again.planned == 2
    rows = dict(CollectionAttempt.objects.values_list("loan_id", "key"))
    assert rows == {
        first.loan.pk: f"AD{first.loan.pk}-20270215-0",
        second.loan.pk: f"AD{second.loan.pk}-20270215-0",
    }
    assert set(keys) <= set(CollectionAttempt.objects.values_list("key", "amount"))
    assert collection_plan(business_date=DUE).planned == 2
    assert CollectionAttempt.objects.count() == 2


def test_nothing_is_planned_on_a_date_with_no_installment_due():
    bound_loan()

    run = collection_plan(business_date=DUE + timedelta(days=1))

    assert (run.planned, run.chunks) == (0, 0)
    assert not CollectionAttempt.objects.exists()


def test_planning_is_one_set_based_statement_for_hundreds_of_loans(
    settings, django_assert_max_num_queries
):
    settings.LENDPORTAL_AUTO_DEBIT_CHUNK_SIZE = 100
    template = bound_loan()
    loans = [draw(principal=f"{2000 + n}.00") for n in range(250)]
    CardBinding.objects.bulk_create(
        CardBinding(
            borrower_id=loan.borrower_id,
            card_number_ciphertext="x",
            card_number_digest=f"digest-{loan.pk}",
            card_number_masked="622***********15",
            gateway="fake",
            agreement_reference=f"FAKE-BULK-{loan.pk}",
            channel=CardBindingChannel.PORTAL,
            consent_at=template.binding.consent_at,
            agreement_version="LP-AUTODEBIT-2026-12",
        )
        for loan in loans
    )
    business_date_set(DUE)

    with django_assert_max_num_queries(10):
        run = collection_plan(business_date=DUE)

    assert run.planned == 251
    assert run.chunks == 3
    assert CollectionAttempt.objects.filter(chunk=2).count() == 51
    expected = {
        loan.pk: sum(
            (i.principal_amount + i.interest_amount + i.fee_amount)
            for i in loan.installments.filter(due_date=DUE)
        )
        for loan in loans
    }
    planned = dict(
        CollectionAttempt.objects.exclude(loan=template.loan).values_list("loan_id", "amount")
    )
    assert planned == expected
