"""The Standard Webhooks scheme, its secrets and https (issue #16, holes 5 and 6).

Deliveries are checked the way a partner checks them: with the ``standardwebhooks`` package
(the reference library of https://www.standardwebhooks.com), on the request as it arrived at a
local endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accounts.crypto import decrypt, encrypt
from loans.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery, WebhookSubscription
from loans.events.services.webhooks import (
    PostResult,
    WebhookSubscriptionRefused,
    webhook_deliveries_send,
    webhook_secret,
    webhook_subscription_create,
)
from loans.logs import log_context
from tests.factories.api import api_partner, business_date_set, partner_loan

pytestmark = pytest.mark.django_db

# A secret as subscriptions were given them before #16: "whsec_" and 48 hex digits.
SECRET_BEFORE_16 = "whsec_" + "9c3f0a17b2" * 4 + "5e6d7c8b"


def _legacy_verify(secret: str, header: str, body: bytes) -> bool:
    """The documented check of LendPortal-Signature (docs/api.md), keyed with the whole secret."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


@pytest.fixture
def partner():
    business_date_set()
    return api_partner().partner


def test_a_delivery_verifies_with_the_standard_webhooks_library(partner, receiver):
    subscription = webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    partner_loan(partner)

    assert webhook_deliveries_send() == 1

    headers, body = receiver.received[0]
    secret = webhook_secret(subscription=subscription)
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    event = OutboxEvent.objects.get()
    assert headers["webhook-id"] == str(event.pk) == str(json.loads(body)["id"])
    assert abs(int(headers["webhook-timestamp"]) - time.time()) <= 5
    # The signature of the spec, computed here from its definition.
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event.pk}.{headers['webhook-timestamp']}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    # The LendPortal-Signature of PRODUCT §7 is still there, with the same timestamp.
    assert headers["LendPortal-Signature"].startswith(f"t={headers['webhook-timestamp']},v1=")
    assert _legacy_verify(secret, headers["LendPortal-Signature"], body)
    assert headers["LendPortal-Event-Id"] == str(event.pk)
    assert headers["LendPortal-Event-Type"] == "loan.disbursed"


def test_a_wrong_secret_an_altered_body_or_another_id_do_not_verify(partner, receiver):
    subscription = webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    other = webhook_subscription_create(
        partner=partner, url=receiver.url, event_types=["loan.paid_off"]
    )
    partner_loan(partner)
    webhook_deliveries_send()
    headers, body = receiver.received[0]
    secret = webhook_secret(subscription=subscription)
    assert Webhook(secret).verify(body, headers)

    with pytest.raises(WebhookVerificationError):
        Webhook(webhook_secret(subscription=other)).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b'"loan.disbursed"', b'"loan.paid_off"'), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "1" + headers["webhook-id"]})
    assert not _legacy_verify("whsec_wrong", headers["LendPortal-Signature"], body)


def test_secrets_are_whsec_and_the_base64_of_24_random_bytes(partner):
    secrets = {
        webhook_secret(
            subscription=webhook_subscription_create(
                partner=partner, url=f"https://h{n}.example/h", event_types=[]
            )
        )
        for n in range(3)
    }

    assert len(secrets) == 3
    for secret in secrets:
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{32}", secret)
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 24


def test_the_webhook_id_is_the_events_across_retries(partner, receiver):
    subscription = webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    partner_loan(partner)
    receiver.statuses = [503]
    start = timezone.now()

    webhook_deliveries_send(now=start)
    webhook_deliveries_send(now=start + timedelta(seconds=31))

    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    first, second = (headers for headers, _ in receiver.received)
    assert first["webhook-id"] == second["webhook-id"] == str(OutboxEvent.objects.get().pk)
    assert int(second["webhook-timestamp"]) - int(first["webhook-timestamp"]) == 31
    secret = webhook_secret(subscription=subscription)
    for headers, body in receiver.received:
        assert Webhook(secret).verify(body, headers)


def test_a_secret_given_before_16_still_verifies_both_ways(partner, receiver):
    """Old secrets are 48 hex digits: base64 characters, a multiple of 4, so they decode too.

    The Standard Webhooks libraries take the base64 after "whsec_" as the key; the hex of an
    old secret is valid base64 (36 bytes), and we sign with that same key, so no partner had
    to change its secret.
    """
    subscription = webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        secret_ciphertext=encrypt(SECRET_BEFORE_16)
    )
    partner_loan(partner)

    webhook_deliveries_send()

    headers, body = receiver.received[0]
    assert Webhook(SECRET_BEFORE_16).verify(body, headers) == json.loads(body)
    assert _legacy_verify(SECRET_BEFORE_16, headers["LendPortal-Signature"], body)


def test_the_secret_is_stored_encrypted(partner):
    subscription = webhook_subscription_create(
        partner=partner, url="https://shop.example/h", event_types=[]
    )
    secret = webhook_secret(subscription=subscription)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(s)::text, s.secret_ciphertext FROM loans_webhooksubscription s"
            " WHERE s.id = %s",
            [subscription.pk],
        )
        row, ciphertext = cursor.fetchone()

    assert secret.removeprefix("whsec_") not in row
    assert decrypt(ciphertext) == secret


@pytest.mark.parametrize("url", ["http://shop.example/hooks", "ftp://shop.example/hooks"])
def test_webhook_urls_other_than_https_are_refused(partner, url):
    with pytest.raises(WebhookSubscriptionRefused, match=r"https://"):
        webhook_subscription_create(partner=partner, url=url, event_types=[])

    assert not WebhookSubscription.objects.exists()


def test_plain_http_is_allowed_only_by_the_development_setting(partner, settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP = True

    subscription = webhook_subscription_create(
        partner=partner, url="http://shop.example/hooks", event_types=[]
    )

    assert subscription.url == "http://shop.example/hooks"


def test_the_sender_refuses_a_plain_http_subscription_made_before(partner, receiver, settings):
    webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    partner_loan(partner)
    settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP = False

    assert webhook_deliveries_send() == 1

    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING  # retried like any failure, until its deadline
    attempt = delivery.attempts.get()
    assert (attempt.status_code, attempt.succeeded) == (None, False)
    assert attempt.error == "The URL must start with https:// (plain http:// is refused)."


def test_a_sender_stops_claiming_when_its_time_is_spent(partner, settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    webhook_subscription_create(partner=partner, url="https://shop.example/h", event_types=[])
    for _ in range(3):
        partner_loan(partner)

    def slow(url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
        time.sleep(0.2)
        return PostResult(status_code=200)

    assert webhook_deliveries_send(post=slow, time_budget_seconds=0.1) == 1
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2


def test_a_delivery_carries_the_id_of_the_request_that_caused_its_event(partner, receiver):
    """Issue #21: the partner can quote X-Request-Id; events of no request send none."""
    webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    with log_context(request_id="partner-call-42"):
        partner_loan(partner)
    partner_loan(partner)

    assert webhook_deliveries_send() == 2

    sent = sorted(headers.get("X-Request-Id") or "" for headers, _ in receiver.received)
    assert sent == ["", "partner-call-42"]
    assert OutboxEvent.objects.filter(request_id="partner-call-42").count() == 1
