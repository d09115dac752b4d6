"""Two webhook senders at once behind slow endpoints (issue #16, hole 5).

Each POST of the fake endpoint "takes" 11 seconds: it moves the clock (time-machine; both
threads share it) and sleeps a little for real, so the other sender runs meanwhile. A POST may
outlast its timeout, which bounds the connection and each read, not their sum. Before #16 a
sender leased a batch of up to 100 deliveries for timeout + 30 s (40 s): after four such
posts the rest of its batch was free to the other sender, which sent it again, and a loan's
next event could go out before (or while) the previous one did.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from loans.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery
from loans.events.services.webhooks import (
    PostResult,
    webhook_deliveries_send,
    webhook_subscription_create,
)
from loans.servicing.models import RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.api import api_partner, business_date_set, partner_loan
from tests.factories.loans import DRAW_DATE

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_POST = timedelta(seconds=11)
URL = "https://hooks.shop.example/lendportal"


class SlowEndpoint:
    """A fake poster: records each POST, notes two of one loan in flight at once, answers 200."""

    def __init__(self, traveller: time_machine.Traveller) -> None:
        self.traveller = traveller
        self.lock = threading.Lock()
        self.posted: list[int] = []  # event ids in the order their POSTs started
        self.loan_of: dict[int, int] = {}
        self.in_flight: Counter[int] = Counter()
        self.overlapping: list[int] = []  # events posted while their loan had one in flight
        self.senders: set[int] = set()  # the threads that posted

    def __call__(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> PostResult:
        event = json.loads(body)
        loan = event["data"]["loan"]
        with self.lock:
            if self.in_flight[loan]:
                self.overlapping.append(event["id"])
            self.in_flight[loan] += 1
            self.posted.append(event["id"])
            self.loan_of[event["id"]] = loan
            self.senders.add(threading.get_ident())
        self.traveller.shift(SLOW_POST)
        time.sleep(0.1)
        with self.lock:
            self.in_flight[loan] -= 1
        return PostResult(status_code=200)


def _two_senders(endpoint: SlowEndpoint, *, seconds: float = 30) -> None:
    """Run two senders in threads (each its own connection) until nothing is pending."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait(timeout=10)
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                if not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists():
                    return
                if webhook_deliveries_send(post=endpoint) == 0:
                    time.sleep(0.01)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 15)
    assert errors == []
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()


@pytest.fixture
def partner(settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True  # no DNS lookup of the fake host
    business_date_set()
    partner = api_partner().partner
    webhook_subscription_create(partner=partner, url=URL, event_types=[])
    return partner


def test_two_senders_post_each_delivery_once_however_slow_the_endpoint(partner):
    loans = [partner_loan(partner) for _ in range(8)]
    events = list(OutboxEvent.objects.order_by("id").values_list("id", flat=True))
    assert len(events) == len(loans)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        endpoint = SlowEndpoint(traveller)
        _two_senders(endpoint)

    assert sorted(endpoint.posted) == events  # each exactly once
    assert len(endpoint.senders) == 2  # both senders posted
    deliveries = WebhookDelivery.objects.order_by("event_id")
    assert [(d.event_id, d.status, d.attempt_count) for d in deliveries] == [
        (event, DeliveryStatus.DELIVERED, 1) for event in events
    ]


def test_a_loans_events_go_out_one_at_a_time_in_event_order(partner):
    for _ in range(4):
        loan = partner_loan(partner)
        for _ in range(2):
            repayment_post(
                loan=loan,
                amount=loan.principal_amount / 20,
                value_date=DRAW_DATE,
                as_of=DRAW_DATE,
                channel=RepaymentChannel.PARTNER,
            )
    by_loan: dict[int, list[int]] = defaultdict(list)
    for event_id, loan_id in OutboxEvent.objects.order_by("id").values_list("id", "loan_id"):
        by_loan[loan_id].append(event_id)
    assert [len(events) for events in by_loan.values()] == [3, 3, 3, 3]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        endpoint = SlowEndpoint(traveller)
        _two_senders(endpoint)

    posted_by_loan: dict[int, list[int]] = defaultdict(list)
    for event_id in endpoint.posted:
        posted_by_loan[endpoint.loan_of[event_id]].append(event_id)
    assert posted_by_loan == by_loan  # each once, in event order, loan by loan
    assert endpoint.overlapping == []  # never two of one loan in flight
    assert len(endpoint.senders) == 2  # both senders had work: loans are sent side by side
