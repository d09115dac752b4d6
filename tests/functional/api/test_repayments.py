"""Repayments over HTTP, with idempotency keys (PRODUCT §7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loans.api.models import IdempotencyRecord
from loans.events.models import OutboxEvent
from loans.ledger.models import JournalEntry
from loans.servicing.models import Loan, Repayment
from tests.factories.api import assert_error, partner_loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(acme):
    return partner_loan(acme.partner)


def _pay(api, loan, key="pay-1", **body):
    return api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": "916.80", "reference": "order-77", **body},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_post_a_repayment(api, acme, loan):
    response = _pay(api, loan)

    assert response.status_code == 201, response.content
    body = response.json()
    repayment = Repayment.objects.get(pk=body["id"])
    assert repayment.channel == "PARTNER"
    assert repayment.reference == "order-77"
    assert body["amount"] == "916.80"
    assert body["value_date"] == "2027-01-15"
    assert body["status"] == "POSTED"
    assert "allocation" in body
    event = OutboxEvent.objects.get(event_type="repayment.posted")
    assert event.partner == acme.partner
    assert event.loan_id == loan.pk
    assert event.data["repayment"] == repayment.pk


def test_same_key_same_body_replays_without_posting_again(api, loan):
    first = _pay(api, loan)
    again = _pay(api, loan)

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Repayment.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="repayment.posted").count() == 1


def test_same_key_with_key_order_and_spacing_changed_is_the_same_request(api, loan):
    _pay(api, loan)
    again = api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        '{ "reference": "order-77",   "amount": "916.80" }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )

    assert again["Idempotent-Replayed"] == "true"
    assert Repayment.objects.count() == 1


def test_same_key_other_body_is_422_and_changes_nothing(api, loan):
    _pay(api, loan)
    entries = JournalEntry.objects.count()

    response = _pay(api, loan, amount="100.00")

    assert_error(response, 422, "idempotency_key_reused")
    assert Repayment.objects.count() == 1
    assert JournalEntry.objects.count() == entries


def test_same_key_on_another_loan_is_422(api, acme, loan):
    _pay(api, loan)
    second = partner_loan(acme.partner)

    assert_error(_pay(api, second), 422, "idempotency_key_reused")
    assert not Repayment.objects.filter(loan=second).exists()


def test_keys_are_per_partner(api, client_for, other, loan):
    _pay(api, loan, key="shared")
    their_loan = partner_loan(other.partner)

    response = _pay(client_for(other), their_loan, key="shared")

    assert response.status_code == 201
    assert Repayment.objects.count() == 2


def test_key_is_required(api, loan):
    response = api.post(f"/api/v1/loans/{loan.pk}/repayments", {"amount": "10.00"}, format="json")

    assert_error(response, 400, "idempotency_key_required")
    assert not Repayment.objects.exists()


def test_overlong_key_is_400(api, loan):
    assert_error(_pay(api, loan, key="k" * 256), 400, "idempotency_key_invalid")


@pytest.mark.parametrize(
    ("body", "status", "code", "fields"),
    [
        ({"amount": "0.00"}, 400, "invalid", ["amount"]),
        ({"amount": "1.234"}, 400, "invalid", ["amount"]),
        ({"amount": "ten"}, 400, "invalid", ["amount"]),
        ({"value_date": "2027-01-16"}, 422, "repayment_refused", []),
        ({"value_date": "2027-01-14"}, 422, "repayment_refused", []),
        ({"reference": "r" * 101}, 400, "invalid", ["reference"]),
    ],
)
def test_refused_repayments_change_nothing(api, loan, body, status, code, fields):
    before = Loan.objects.values().get(pk=loan.pk)
    entries = JournalEntry.objects.count()

    response = _pay(api, loan, **body)

    assert_error(response, status, code, fields)
    assert Loan.objects.values().get(pk=loan.pk) == before
    assert JournalEntry.objects.count() == entries
    assert not Repayment.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    assert not OutboxEvent.objects.filter(event_type="repayment.posted").exists()


def test_a_refused_request_may_be_retried_with_the_same_key(api, loan):
    assert _pay(api, loan, value_date="2027-01-16").status_code == 422

    assert _pay(api, loan).status_code == 201


def test_repayment_on_another_partners_loan_is_404(api, other):
    theirs = partner_loan(other.partner)

    assert_error(_pay(api, theirs), 404, "not_found")
    assert not Repayment.objects.exists()
    assert not IdempotencyRecord.objects.exists()  # the key may be used again


def test_paying_off_emits_paid_off(api, acme):
    loan = partner_loan(acme.partner, principal="1000.00", term=3)

    response = _pay(api, loan, amount="1000.00")

    assert response.status_code == 201, response.content
    assert Loan.objects.get(pk=loan.pk).status == "PAID_OFF"
    types = list(OutboxEvent.objects.filter(loan=loan).values_list("event_type", flat=True))
    assert types == ["loan.disbursed", "repayment.posted", "loan.paid_off"]
    assert Decimal(response.json()["overpayment"]) == Decimal("0.00")
