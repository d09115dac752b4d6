"""The gateway's signed callback, ``POST /api/v1/gateway/callbacks`` (PRODUCT §11): the signature
on the raw body is the authentication; a valid one records the outcome once, anything else
changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from loans.origination.models import Payout, PayoutStatus
from loans.payments.gateway import callback_signature
from loans.payments.models import AttemptStatus, CollectionAttempt
from loans.servicing.models import LoanStatus
from tests.integration.payments.settlement_world import (
    attempt_for,
    loan_on_day,
    payout_of,
    repayments_of,
)

pytestmark = pytest.mark.django_db

SECRET = "gateway-callback-secret-for-tests"
URL = "/api/v1/gateway/callbacks"


@pytest.fixture(autouse=True)
def secret(settings):
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    settings.LENDPORTAL_GATEWAY_CALLBACK_SECRET = SECRET


def post(body: bytes, signature: str | None = None, *, sign: bool = True):
    headers = {}
    if signature is not None:
        headers["X-Gateway-Signature"] = signature
    elif sign:
        headers["X-Gateway-Signature"] = callback_signature(body=body, secret=SECRET)
    # enforce_csrf_checks: the gateway has no CSRF token and must not need one.
    client = Client(enforce_csrf_checks=True)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def charge_body(key: str, outcome: str = "SUCCEEDED") -> bytes:
    return json.dumps(
        {"kind": "CHARGE", "key": key, "outcome": outcome, "gateway_reference": "GW-77"}
    ).encode()


def test_the_route_is_the_documented_one():
    assert reverse("api:gateway-callback") == URL


def test_a_signed_success_records_the_charge_and_posts_one_repayment():
    loan = loan_on_day()
    attempt = attempt_for(loan)

    response = post(charge_body(attempt.key))

    assert response.status_code == 200
    assert response.json() == {"status": "recorded"}
    attempt.refresh_from_db()
    assert (attempt.status, attempt.decided_by, attempt.gateway_reference) == (
        AttemptStatus.SUCCEEDED,
        "callback",
        "GW-77",
    )
    assert len(repayments_of(loan)) == 1


def test_a_replayed_callback_gets_the_same_answer_and_posts_nothing_more():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    body = charge_body(attempt.key)

    first = post(body)
    second = post(body)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json() == {"status": "recorded"}
    assert len(repayments_of(loan)) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,  # no header at all
        "",
        "0" * 64,
        "not-hex",
    ],
)
def test_a_missing_or_wrong_signature_is_403_and_changes_nothing(signature):
    loan = loan_on_day()
    attempt = attempt_for(loan)
    body = charge_body(attempt.key)

    response = (
        post(body, signature, sign=False) if signature is not None else post(body, sign=False)
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"
    assert CollectionAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.PENDING
    assert repayments_of(loan) == []


def test_a_signature_of_another_body_is_403_and_changes_nothing():
    loan = loan_on_day()
    attempt = attempt_for(loan)
    signed_for = charge_body(attempt.key, "CARD_FROZEN")

    response = post(charge_body(attempt.key), callback_signature(body=signed_for, secret=SECRET))

    assert response.status_code == 403
    assert CollectionAttempt.objects.get(pk=attempt.pk).status == AttemptStatus.PENDING


def test_the_signature_is_checked_before_the_body_is_parsed():
    assert post(b"{not json", "0" * 64).status_code == 403
    assert post(b"{not json").status_code == 400


def test_malformed_json_or_fields_are_400():
    assert post(b"[1, 2]").status_code == 400
    assert post(b"\xff\xfe").status_code == 400
    response = post(json.dumps({"kind": "CHARGE", "key": "k", "outcome": "PENDING"}).encode())
    assert response.status_code == 400
    assert "outcome" in response.json()["error"]["fields"]
    assert (
        post(json.dumps({"kind": "REFUND", "key": "k", "outcome": "X"}).encode()).status_code == 400
    )


def test_an_unknown_key_is_404():
    response = post(charge_body("AD-NOT-OURS"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_payout_refusal_by_callback_fails_the_payout_and_cancels_the_loan():
    loan = loan_on_day()
    payout = payout_of(loan)
    body = json.dumps(
        {
            "kind": "PAYOUT",
            "key": f"payout-{payout.pk}",
            "outcome": "FAILED",
            "gateway_reference": "GW-P-1",
            "failure_code": "ACCOUNT_CLOSED",
        }
    ).encode()

    assert post(body).status_code == 200
    assert post(body).status_code == 200

    payout.refresh_from_db()
    loan.refresh_from_db()
    assert (payout.status, payout.failure_code) == (PayoutStatus.FAILED, "ACCOUNT_CLOSED")
    assert loan.status == LoanStatus.CANCELLED


def test_a_settled_payout_callback_settles_it():
    payout = payout_of(loan_on_day())
    body = json.dumps({"kind": "PAYOUT", "key": f"payout-{payout.pk}", "outcome": "SETTLED"})

    assert post(body.encode()).status_code == 200

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.SETTLED


def test_without_a_configured_secret_every_callback_is_refused(settings):
    settings.LENDPORTAL_GATEWAY_CALLBACK_SECRET = ""
    loan = loan_on_day()
    attempt = attempt_for(loan)
    body = charge_body(attempt.key)

    response = post(body, callback_signature(body=body, secret=""))

    assert response.status_code == 403
    assert repayments_of(loan) == []


def test_the_callback_is_left_out_of_the_partner_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert schema.status_code == 200
    assert "/api/v1/events" in schema.content.decode()
    assert "/api/v1/gateway/callbacks" not in schema.content.decode()


def test_callbacks_are_throttled_per_client_address(settings):
    settings.LENDPORTAL_GATEWAY_CALLBACK_RATE = "2/min"
    body = charge_body("AD-NOT-OURS")

    answers = [post(body).status_code for _ in range(3)]

    # Earlier tests may have counted this address already: the last one is refused for sure.
    assert answers[-1] == 429
    assert set(answers) <= {404, 429}
