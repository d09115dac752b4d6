"""A partner's repayment reference posts once per loan, whatever the Idempotency-Key (issue #16,
hole 6): refused with 409 ``duplicate_reference`` and the first repayment's id, by the service
under the loan's lock and by a unique constraint."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from django.db import IntegrityError, transaction

from loans.api.models import IdempotencyRecord
from loans.events.models import OutboxEvent
from loans.ledger.reconciliation import books_reconcile
from loans.servicing.models import Loan, Repayment, RepaymentChannel
from loans.servicing.services.repayments import repayment_post, repayment_reverse
from tests.factories.api import api_partner, business_date_set, partner_loan


@pytest.fixture
def loan(acme):
    return partner_loan(acme.partner)


def _pay(api, loan, key, reference="order-1", amount="500.00"):
    return api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": amount, "reference": reference},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _assert_duplicate(response, first_id: int) -> None:
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "duplicate_reference"
    assert error["repayment"] == first_id
    assert error["fields"] == {}
    assert str(first_id) in error["message"]


@pytest.mark.django_db
def test_the_same_reference_with_a_new_key_is_refused_with_the_first_id(api, loan):
    first = _pay(api, loan, "key-1")
    advance = Loan.objects.get(pk=loan.pk).advance_amount

    again = _pay(api, loan, "key-2", amount="300.00")

    assert first.status_code == 201
    _assert_duplicate(again, first.json()["id"])
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert Loan.objects.get(pk=loan.pk).advance_amount == advance == Decimal("500.00")
    assert OutboxEvent.objects.filter(event_type="repayment.posted").count() == 1
    # A refusal stores no answer: the key may be used again for another payment.
    assert IdempotencyRecord.objects.count() == 1
    assert _pay(api, loan, "key-2", reference="order-2", amount="300.00").status_code == 201


@pytest.mark.django_db
def test_the_same_key_and_body_still_replays_the_first_answer(api, loan):
    first = _pay(api, loan, "key-1")

    again = _pay(api, loan, "key-1")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.django_db
def test_references_are_per_loan_and_blank_ones_never_clash(api, acme, loan):
    other_loan = partner_loan(acme.partner)

    assert _pay(api, loan, "a").status_code == 201
    assert _pay(api, other_loan, "b").status_code == 201
    assert _pay(api, loan, "c", reference="").status_code == 201
    assert _pay(api, loan, "d", reference="").status_code == 201
    assert Repayment.objects.filter(loan=loan).count() == 3


@pytest.mark.django_db
def test_a_reversed_repayment_frees_its_reference(api, loan, business_date):
    first = Repayment.objects.get(pk=_pay(api, loan, "key-1").json()["id"])
    repayment_reverse(repayment=first, as_of=business_date, memo="Posted by mistake")

    again = _pay(api, loan, "key-2")

    assert again.status_code == 201, again.content
    assert Repayment.objects.get(pk=again.json()["id"]).status == "POSTED"


@pytest.mark.django_db
def test_the_database_refuses_a_second_posted_partner_repayment_with_the_reference(
    loan, business_date
):
    def post() -> Repayment:
        return repayment_post(
            loan=loan,
            amount=Decimal("100.00"),
            value_date=business_date,
            as_of=business_date,
            channel=RepaymentChannel.PARTNER,
            reference="order-9",
        )

    post()  # repayment_post does not check references: only the constraint stands in the way

    with (
        pytest.raises(IntegrityError, match="repayment_partner_reference_unique"),
        transaction.atomic(),
    ):
        post()
    assert Repayment.objects.filter(loan=loan, reference="order-9").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_of_one_reference_with_different_keys_post_once(live_server):
    business_date_set()
    partner = api_partner()
    loan = partner_loan(partner.partner)
    url = f"{live_server.url}/api/v1/loans/{loan.pk}/repayments"
    count = 6
    barrier = threading.Barrier(count)

    def pay(index: int) -> requests.Response:
        barrier.wait(timeout=30)
        return requests.post(
            url,
            json={"amount": "200.00", "reference": "order-77"},
            headers={"Authorization": f"Bearer {partner.token}", "Idempotency-Key": f"k{index}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=count) as pool:
        responses = list(pool.map(pay, range(count)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (count - 1), [r.text for r in responses]
    first_id = next(r.json()["id"] for r in responses if r.status_code == 201)
    for refused in (r for r in responses if r.status_code == 409):
        _assert_duplicate(refused, first_id)
    assert list(Repayment.objects.filter(loan=loan).values_list("pk", flat=True)) == [first_id]
    assert Loan.objects.get(pk=loan.pk).advance_amount == Decimal("200.00")
    assert [(r.name, r.failures) for r in books_reconcile() if not r.ok] == []
