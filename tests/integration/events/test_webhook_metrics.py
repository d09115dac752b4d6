"""The webhook attempt counter (issue #21, docs/observability.md): each POST counted once, as
delivered, retry (failed, tried again) or failed (for good). No network: the POST is a stub."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loans.events.models import WebhookDelivery
from loans.events.services.webhooks import (
    PostResult,
    webhook_deliveries_send,
    webhook_subscription_create,
)
from loans.metrics import metrics_registry
from tests.factories.api import api_partner, business_date_set, partner_loan

pytestmark = pytest.mark.django_db

OUTCOMES = ("delivered", "retry", "failed")


def counts() -> dict[str, float]:
    registry = metrics_registry()
    return {
        outcome: registry.get_sample_value(
            "lendportal_webhook_attempts_total", {"outcome": outcome}
        )
        or 0.0
        for outcome in OUTCOMES
    }


def answering(*statuses: int):
    answers = list(statuses)

    def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
        return PostResult(status_code=answers.pop(0))

    return post


@pytest.fixture
def delivery(settings) -> WebhookDelivery:
    settings.LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = True  # no name is resolved
    business_date_set()
    partner = api_partner().partner
    webhook_subscription_create(partner=partner, url="https://hooks.test/in", event_types=[])
    partner_loan(partner)
    return WebhookDelivery.objects.get()


def test_a_failed_post_then_a_delivered_one_count_one_retry_and_one_delivered(delivery) -> None:
    before = counts()
    start = timezone.now()

    webhook_deliveries_send(now=start, post=answering(500))
    delivery.refresh_from_db()
    webhook_deliveries_send(now=delivery.next_attempt_at, post=answering(200))

    after = counts()
    assert {k: after[k] - before[k] for k in OUTCOMES} == {"delivered": 1, "retry": 1, "failed": 0}


def test_a_post_failing_at_the_deadline_counts_as_failed(delivery) -> None:
    before = counts()

    webhook_deliveries_send(now=delivery.deadline_at + timedelta(seconds=1), post=answering(503))

    after = counts()
    assert {k: after[k] - before[k] for k in OUTCOMES} == {"delivered": 0, "retry": 0, "failed": 1}
