"""The outbox and the webhook sender (PRODUCT §7): same transaction, signed, retried, in order."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone

from loans.cob.services.runs import cob_chunk_process, cob_run_open
from loans.events.models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from loans.events.services import outbox
from loans.events.services.webhooks import (
    WebhookSubscriptionRefused,
    backoff_seconds,
    webhook_deliveries_send,
    webhook_secret,
    webhook_subscription_create,
)
from loans.servicing.models import RepaymentChannel
from loans.servicing.services.repayments import repayment_post, repayment_reverse
from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import DRAW_DATE, draw

pytestmark = pytest.mark.django_db


def _verify(secret: str, header: str, body: bytes) -> bool:
    """The documented check (docs/api.md): HMAC-SHA256 of "t.body" with the secret."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def partner():
    business_date_set()
    return api_partner().partner


def test_events_are_not_written_or_queued_when_the_transaction_rolls_back(
    partner, settings, monkeypatch
):
    settings.LENDPORTAL_WEBHOOK_SEND_ON_COMMIT = True
    queued = []
    monkeypatch.setattr(outbox, "_queue_sender", lambda: queued.append(1))
    webhook_subscription_create(partner=partner, url="https://x.example/h", event_types=[])

    def change_that_fails() -> None:
        with transaction.atomic():
            partner_loan(partner)
            assert OutboxEvent.objects.count() == 1
            raise RuntimeError("the change fails after the event was written")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert not OutboxEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert queued == []


@pytest.mark.django_db(transaction=True)
def test_the_sender_is_queued_only_after_commit(settings, monkeypatch):
    business_date_set()
    partner = api_partner().partner
    settings.LENDPORTAL_WEBHOOK_SEND_ON_COMMIT = True
    queued = []
    monkeypatch.setattr(outbox, "_queue_sender", lambda: queued.append(1))
    webhook_subscription_create(partner=partner, url="https://x.example/h", event_types=[])

    with transaction.atomic():
        partner_loan(partner)
        assert queued == []

    assert queued == [1]


def test_signed_delivery_verifies_with_the_documented_algorithm(partner, receiver):
    subscription = webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    loan = partner_loan(partner)

    assert webhook_deliveries_send() == 1

    headers, body = receiver.received[0]
    assert _verify(webhook_secret(subscription=subscription), headers["LendPortal-Signature"], body)
    assert not _verify("whsec_wrong", headers["LendPortal-Signature"], body)
    assert headers["Content-Type"] == "application/json"
    event = json.loads(body)
    assert set(event) == {"id", "type", "created_at", "data"}
    assert event["type"] == "loan.disbursed"
    assert event["data"]["loan"] == loan.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts.get().status_code == 200


def test_a_failing_endpoint_is_retried_with_exponential_backoff(partner, receiver):
    webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    partner_loan(partner)
    receiver.statuses = [500, 503, 502]
    start = timezone.now()

    moments = [start, start + timedelta(seconds=30), start + timedelta(seconds=90)]
    for moment in moments:
        assert webhook_deliveries_send(now=moment) == 1
        # Not due again before its backoff has passed.
        assert webhook_deliveries_send(now=moment + timedelta(seconds=1)) == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.next_attempt_at == moments[-1] + timedelta(seconds=120)
    assert webhook_deliveries_send(now=delivery.next_attempt_at) == 1

    delivery.refresh_from_db()
    attempts = list(delivery.attempts.values_list("number", "status_code", "succeeded"))
    assert attempts == [(1, 500, False), (2, 503, False), (3, 502, False), (4, 200, True)]
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(20) == 3600  # capped


def test_an_unreachable_endpoint_gives_up_after_its_24_hour_window(partner, settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True
    settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP = True
    webhook_subscription_create(partner=partner, url="http://127.0.0.1:9/none", event_types=[])
    partner_loan(partner)
    delivery = WebhookDelivery.objects.get()
    assert delivery.deadline_at - delivery.created_at == pytest.approx(
        timedelta(hours=24), abs=timedelta(seconds=5)
    )

    webhook_deliveries_send(now=timezone.now())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts.get().status_code is None
    assert "ConnectionError" in delivery.last_error

    webhook_deliveries_send(now=delivery.deadline_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts.count() == 2


def test_a_loans_events_are_delivered_in_order(partner, receiver):
    webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    loan = partner_loan(partner)
    repayment_post(
        loan=loan,
        amount=loan.principal_amount / 10,
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.PARTNER,
    )
    other_loan = partner_loan(partner)
    receiver.statuses = [500]
    start = timezone.now()

    # The first event of the loan fails: its second waits; the other loan's is not held up.
    assert webhook_deliveries_send(now=start) == 2
    assert [b["data"]["loan"] for b in receiver.bodies()] == [loan.pk, other_loan.pk]
    # Its retry succeeds, and the same run goes on with the loan's next event.
    assert webhook_deliveries_send(now=start + timedelta(seconds=31)) == 2
    assert webhook_deliveries_send(now=start + timedelta(seconds=32)) == 0

    types = [b["type"] for b in receiver.bodies() if b["data"]["loan"] == loan.pk]
    assert types == ["loan.disbursed", "loan.disbursed", "repayment.posted"]


def test_close_of_business_events_of_partner_loans_reach_the_outbox(partner, receiver):
    webhook_subscription_create(
        partner=partner, url=receiver.url, event_types=[WebhookEventType.INSTALLMENT_OVERDUE]
    )
    loan = partner_loan(partner)
    day = date(2027, 2, 16)  # the day after the first due date, nothing paid
    business_date_set(day)

    run = cob_run_open(business_date=day)
    for chunk in run.chunks.all():
        cob_chunk_process(chunk_id=chunk.pk)
        cob_chunk_process(chunk_id=chunk.pk)  # a rerun copies nothing twice

    events = {e.event_type: e for e in OutboxEvent.objects.filter(loan=loan)}
    assert set(events) == {"loan.disbursed", "installment.overdue", "loan.bucket_changed"}
    overdue = events["installment.overdue"]
    assert overdue.data["installment"] == 1
    assert overdue.data["due_date"] == "2027-02-15"
    assert events["loan.bucket_changed"].data["to"] != "CURRENT"
    assert webhook_deliveries_send() == 1
    assert receiver.bodies()[0]["type"] == "installment.overdue"


def test_reversal_and_credit_decisions_are_events_of_the_partner(partner):
    loan = partner_loan(partner)
    repayment = repayment_post(
        loan=loan,
        amount=loan.principal_amount / 10,
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.PARTNER,
    )

    repayment_reverse(repayment=repayment, as_of=DRAW_DATE)

    types = list(OutboxEvent.objects.filter(loan=loan).values_list("event_type", flat=True))
    assert types == ["loan.disbursed", "repayment.posted", "repayment.reversed"]
    reversed_event = OutboxEvent.objects.get(event_type="repayment.reversed")
    assert reversed_event.data["repayment"] == repayment.pk
    assert reversed_event.data["status"] == "REVERSED"


def test_an_event_is_queued_for_each_active_subscription_that_wants_it(partner):
    everything = webhook_subscription_create(
        partner=partner, url="https://a.example/h", event_types=[]
    )
    repayments = webhook_subscription_create(
        partner=partner, url="https://b.example/h", event_types=["repayment.posted"]
    )
    webhook_subscription_create(
        partner=partner, url="https://c.example/h", event_types=["loan.paid_off"]
    )
    stopped = webhook_subscription_create(
        partner=partner, url="https://d.example/h", event_types=[]
    )
    WebhookSubscription.objects.filter(pk=stopped.pk).update(is_active=False)
    other = api_partner().partner
    webhook_subscription_create(partner=other, url="https://e.example/h", event_types=[])
    loan = partner_loan(partner)
    WebhookDelivery.objects.all().delete()

    outbox.outbox_event_write(
        partner_id=partner.pk,
        loan_id=loan.pk,
        event_type=WebhookEventType.REPAYMENT_POSTED,
        data={"repayment": 7, "amount": "1.00"},
    )

    event = OutboxEvent.objects.get(event_type="repayment.posted")
    assert (event.partner_id, event.loan_id) == (partner.pk, loan.pk)
    assert event.data == {"repayment": 7, "amount": "1.00"}
    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {d.subscription_id for d in deliveries} == {everything.pk, repayments.pk}
    for delivery in deliveries:
        assert (delivery.status, delivery.attempt_count, delivery.loan_id) == (
            DeliveryStatus.PENDING,
            0,
            loan.pk,
        )
        window = delivery.deadline_at - delivery.next_attempt_at
        assert abs(window - timedelta(hours=24)) < timedelta(minutes=1)


def test_loans_without_a_partner_write_no_events():
    business_date_set()

    draw()

    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8000/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://0.0.0.0/hooks",
    ],
)
def test_webhook_urls_on_internal_networks_are_refused(partner, url):
    with pytest.raises(WebhookSubscriptionRefused, match="private or reserved"):
        webhook_subscription_create(partner=partner, url=url, event_types=[])
    assert not WebhookSubscription.objects.filter(partner=partner).exists()


def test_the_sender_checks_the_destination_again_before_each_attempt(partner, receiver, settings):
    """A name may resolve to an internal address after subscribing (DNS rebinding)."""
    webhook_subscription_create(partner=partner, url=receiver.url, event_types=[])
    partner_loan(partner)
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = False

    webhook_deliveries_send(now=timezone.now())

    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.PENDING
    assert "private or reserved" in delivery.attempts.get().error


def test_the_sender_connects_only_to_the_address_it_checked(
    partner, receiver, settings, monkeypatch
):
    """DNS rebinding with a zero TTL: the name is public when checked and ours a moment later.

    The sender resolves once more for the connection and checks that address too (the
    connection is pinned to it), so the request never reaches our own network.
    """
    port = urlsplit(receiver.url).port
    webhook_subscription_create(
        partner=partner, url=f"http://rebind.example:{port}/hooks", event_types=[]
    )
    partner_loan(partner)
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = False
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    resolve = socket.getaddrinfo

    def rebinding(host: str, port: int | None, *args: object, **kwargs: object) -> list:
        if host != "rebind.example":
            return resolve(host, port, *args, **kwargs)  # type: ignore[arg-type]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    webhook_deliveries_send(now=timezone.now())

    assert next(answers) == "127.0.0.1"  # the check and the connection each resolved once
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts.get().error == (
        "The host rebind.example is on a private or reserved network."
    )
