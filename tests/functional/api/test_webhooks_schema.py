"""The webhooks in the OpenAPI schema (issue #18: the schema covers the order and bill events):
every event type described, each example valid against its description, and the events the
services really write valid against it too (closed objects: no field undocumented)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from loans.events.models import OutboxEvent, WebhookEventType
from loans.events.services.webhooks import event_as_dict
from loans.revolving.services.orders import order_capture
from loans.revolving.services.refunds import order_refund
from loans.servicing.models import RepaymentChannel
from loans.servicing.services.repayments import repayment_post
from tests.factories.api import api_partner, partner_loan
from tests.factories.loans import DRAW_DATE
from tests.functional.api.test_schema_docs import OPENAPI, _assert_valid
from tests.integration.revolving.world import NOW, shop_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI)
    assert response.status_code == 200
    return response.json()


def _body_schema(schema: dict[str, Any], event_type: str) -> dict[str, Any]:
    body = schema["x-webhooks"][event_type]["post"]["requestBody"]
    return body["content"]["application/json"]


def test_every_event_type_is_a_webhook_with_a_summary_and_no_partner_errors(schema):
    webhooks = schema["x-webhooks"]

    assert set(webhooks) == set(WebhookEventType.values)
    assert "webhooks" not in schema  # OpenAPI 3.0 has no such object; ReDoc reads x-webhooks
    for event_type, item in webhooks.items():
        post = item["post"]
        assert post["summary"], event_type
        assert "webhook-signature" in post["description"], event_type
        # The partner answers a webhook: none of the API's own refusals or headers apply.
        assert list(post["responses"]) == ["2XX"], event_type
        assert "parameters" not in post, event_type


def test_each_webhook_example_is_valid_against_its_body(schema):
    components = schema["components"]["schemas"]
    for event_type in WebhookEventType.values:
        media = _body_schema(schema, event_type)
        examples = list(media["examples"].values())
        assert len(examples) == 1, event_type
        value = examples[0]["value"]
        assert value["type"] == event_type
        _assert_valid(value, media["schema"], components, event_type)
        # Another event's body is not this one's.
        with pytest.raises(AssertionError):
            _assert_valid({**value, "type": "loan.exploded"}, media["schema"], components, "")


def test_the_events_the_services_write_match_their_webhooks(schema):
    partner = api_partner()
    loan = partner_loan(partner.partner, principal="1000.00", term=3)
    repayment_post(
        loan=loan,
        amount=Decimal("100.00"),
        value_date=DRAW_DATE,
        as_of=DRAW_DATE,
        channel=RepaymentChannel.PARTNER,
        reference="PAY-1",
    )
    shop = shop_with_account()
    order = shop.order("1299.00")
    order_capture(order_id=order.pk, now=NOW + timedelta(minutes=1))
    order_refund(order_id=order.pk, merchant_refund_id="RF-1", amount=Decimal("300.00"), now=NOW)

    components = schema["components"]["schemas"]
    events = list(OutboxEvent.objects.order_by("id"))
    assert {e.event_type for e in events} >= {
        "loan.disbursed",
        "repayment.posted",
        "order.captured",
        "order.refunded",
    }
    for event in events:
        body = event_as_dict(event)
        body["created_at"] = event.created_at.isoformat()
        _assert_valid(body, _body_schema(schema, event.event_type)["schema"], components, body)
