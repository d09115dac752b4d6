"""Webhook subscriptions, the delivery log and replay, the event feed, throttling, docs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from standardwebhooks.webhooks import Webhook

from loans.api.models import IdempotencyRecord
from loans.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery, WebhookSubscription
from loans.events.services.webhooks import PostResult, webhook_deliveries_send
from tests.factories.api import assert_error, partner_loan

pytestmark = pytest.mark.django_db


def _subscribe(api, headers=None, **body):
    return api.post(
        "/api/v1/webhooks",
        {"url": "https://shop.example/hooks", **body},
        format="json",
        **(headers or {}),
    )


def test_subscribe_list_and_delete(api, client_for, other):
    created = _subscribe(api, event_types=["repayment.posted"])

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["repayment.posted"]
    listed = api.get("/api/v1/webhooks").json()["results"]
    assert [w["id"] for w in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert client_for(other).get("/api/v1/webhooks").json()["results"] == []
    assert_error(client_for(other).delete(f"/api/v1/webhooks/{body['id']}"), 404, "not_found")

    assert api.delete(f"/api/v1/webhooks/{body['id']}").status_code == 204

    assert api.get("/api/v1/webhooks").json()["results"] == []
    assert_error(api.delete(f"/api/v1/webhooks/{body['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"url": "not a url"}, ["url"]),
        ({"url": "ftp://shop.example/x"}, ["url"]),
        ({"event_types": ["loan.exploded"]}, ["event_types.0"]),
    ],
)
def test_bad_subscriptions_are_400(api, body, fields):
    response = _subscribe(api, **body)

    assert_error(response, 400, "invalid", fields)
    assert not WebhookSubscription.objects.exists()


def test_plain_http_webhook_urls_are_refused_with_a_clear_error(api):
    response = api.post(
        "/api/v1/webhooks",
        {"url": "http://shop.example/hooks"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = assert_error(response, 400, "invalid", ["url"])
    assert body["error"]["fields"]["url"] == [
        "The URL must start with https:// (plain http:// is refused)."
    ]
    assert not WebhookSubscription.objects.exists()


def test_plain_http_is_accepted_only_under_the_development_setting(api, settings):
    settings.LENDPORTAL_WEBHOOK_ALLOW_HTTP = True

    response = _subscribe(api, url="http://shop.example/hooks")

    assert response.status_code == 201, response.content
    assert response.json()["url"] == "http://shop.example/hooks"


def test_the_secret_is_shown_at_creation_only_and_never_stored_in_clear(api):
    created = _subscribe(api, headers={"HTTP_IDEMPOTENCY_KEY": "hook-1"})
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]

    # The idempotency record keeps the answer without the secret; a replay of the same
    # request (same key, same body) is that same answer, secret included.
    record = IdempotencyRecord.objects.get(key="hook-1")
    assert "secret" not in record.response_body
    assert secret.removeprefix("whsec_") not in str(record.response_body)
    replay = _subscribe(api, headers={"HTTP_IDEMPOTENCY_KEY": "hook-1"})
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == created.json()
    # Nothing else shows it: not the list, not the subscription's row.
    assert all("secret" not in w for w in api.get("/api/v1/webhooks").json()["results"])
    subscription = WebhookSubscription.objects.get()
    assert secret.removeprefix("whsec_") not in subscription.secret_ciphertext


def test_deliveries_verify_with_the_secret_shown_and_the_standard_library(api, acme):
    secret = _subscribe(api).json()["secret"]
    partner_loan(acme.partner)
    sent = []

    def post(url, body, headers, timeout):
        sent.append((body, headers))
        return PostResult(status_code=200)

    assert webhook_deliveries_send(post=post) == 1

    body, headers = sent[0]
    assert Webhook(secret).verify(body, headers)["type"] == "loan.disbursed"


def test_events_fan_out_to_matching_subscriptions_only(api, acme):
    every = _subscribe(api).json()
    repayments_only = _subscribe(api, event_types=["repayment.posted"]).json()

    loan = partner_loan(acme.partner)

    deliveries = WebhookDelivery.objects.filter(event__loan=loan)
    assert [d.subscription_id for d in deliveries] == [every["id"]]
    assert repayments_only["id"] not in [d.subscription_id for d in deliveries]


def test_delivery_log_and_replay(api, client_for, other, acme):
    _subscribe(api)
    partner_loan(acme.partner)
    calls = []

    def post(url, body, headers, timeout):
        calls.append(url)
        return PostResult(status_code=200)

    assert webhook_deliveries_send(post=post) == 1

    log = api.get("/api/v1/webhooks/deliveries").json()["results"]
    assert len(log) == 1
    assert log[0]["status"] == DeliveryStatus.DELIVERED
    assert log[0]["event_type"] == "loan.disbursed"
    assert log[0]["attempts"][0]["status_code"] == 200
    assert log[0]["attempts"][0]["succeeded"] is True
    assert api.get("/api/v1/webhooks/deliveries?status=FAILED").json()["results"] == []
    assert client_for(other).get("/api/v1/webhooks/deliveries").json()["results"] == []
    assert_error(
        client_for(other).post(f"/api/v1/webhooks/deliveries/{log[0]['id']}/replay"),
        404,
        "not_found",
    )

    replay = api.post(f"/api/v1/webhooks/deliveries/{log[0]['id']}/replay")

    assert replay.status_code == 202
    assert replay.json()["status"] == DeliveryStatus.PENDING
    assert webhook_deliveries_send(post=post) == 1
    assert len(calls) == 2
    assert WebhookDelivery.objects.get().attempts.count() == 2


def test_event_feed_pages_after_an_id_and_is_per_partner(api, client_for, acme, other):
    loan = partner_loan(acme.partner)
    partner_loan(other.partner)
    api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": "100.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p1",
    )

    first = api.get("/api/v1/events?limit=1").json()
    assert [e["type"] for e in first["results"]] == ["loan.disbursed"]
    assert set(first["results"][0]) == {"id", "type", "created_at", "data"}
    rest = api.get(f"/api/v1/events?after={first['next_after']}").json()
    assert [e["type"] for e in rest["results"]] == ["repayment.posted"]
    end = api.get(f"/api/v1/events?after={rest['next_after']}").json()
    assert end == {"results": [], "next_after": rest["next_after"]}
    theirs = client_for(other).get("/api/v1/events").json()["results"]
    assert [e["type"] for e in theirs] == ["loan.disbursed"]
    assert theirs[0]["id"] not in {e["id"] for e in first["results"] + rest["results"]}


def test_event_feed_refuses_another_partners_cursor(api, client_for, other):
    partner_loan(other.partner)
    their_event = client_for(other).get("/api/v1/events").json()["results"][0]["id"]

    assert_error(api.get(f"/api/v1/events?after={their_event}"), 400, "invalid", ["after"])
    assert_error(api.get("/api/v1/events?limit=0"), 400, "invalid", ["limit"])


def test_feed_numbers_events_in_commit_order(api, acme):
    loan = partner_loan(acme.partner)
    unnumbered = OutboxEvent.objects.filter(sequence__isnull=True).count()
    assert unnumbered == 1

    api.get("/api/v1/events")

    assert OutboxEvent.objects.get(loan=loan).sequence is not None


def test_throttled_per_partner_with_the_error_body(api, client_for, other, settings):
    settings.LENDPORTAL_API_THROTTLE_RATES = {"read": "3/min", "write": "3/min"}

    for _ in range(3):
        assert api.get("/api/v1/loans").status_code == 200
    response = api.get("/api/v1/loans")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Another partner has its own bucket.
    assert client_for(other).get("/api/v1/loans").status_code == 200


def test_schema_and_docs_are_served_without_internet(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/quotes",
        "/api/v1/loans",
        "/api/v1/loans/{loan_id}/repayments",
        "/api/v1/events",
        "/api/v1/webhooks/deliveries/{delivery_id}/replay",
    ):
        assert path in paths
    repayment = paths["/api/v1/loans/{loan_id}/repayments"]["post"]
    assert {"201", "400", "409", "422"} <= set(repayment["responses"])
    header = [p for p in repayment["parameters"] if p["name"] == "Idempotency-Key"]
    assert header[0]["required"] is True

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_schema_generates_without_warnings_and_validates(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert "/api/v1/loans/{loan_id}/repayments" in (tmp_path / "schema.yaml").read_text()


def test_a_throttled_partner_may_call_again_when_its_window_has_passed(api, settings):
    import time

    settings.LENDPORTAL_API_THROTTLE_RATES = {"read": "2/s", "write": "2/s"}

    assert [api.get("/api/v1/loans").status_code for _ in range(3)] == [200, 200, 429]
    # Reads and writes count apart: a write is still allowed.
    assert api.post("/api/v1/quotes", {}, format="json").status_code != 429

    time.sleep(1.1)
    assert api.get("/api/v1/loans").status_code == 200
