"""/metrics (issue #21): refused to other addresses; from an allowed one, the counters of the
requests, of a close-of-business chunk and the Celery queue lengths.

Each test process writes its samples to its own directory (lendportal/settings/test.py), so the
differences between two scrapes are exact.
"""

from __future__ import annotations

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from lendportal.env import cache_url_for_broker
from lendportal.metrics import address_allowed, celery_queue_names
from loans.calendar.models import BusinessDate
from loans.cob.services.runs import cob_chunk_process, cob_run_open
from loans.servicing.models import Loan
from tests.factories.loans import DRAW_DATE, draw

pytestmark = pytest.mark.django_db


def scrape(client: Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_an_address_outside_the_allow_list_gets_a_404_without_samples(client: Client) -> None:
    client.get("/healthz")

    outside = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert outside.status_code == 404
    assert proxied.status_code == 404  # through a proxy at an allowed address
    assert b"lendportal_http" not in outside.content + proxied.content


def test_the_allow_list_takes_networks_and_ipv6() -> None:
    networks = ["10.1.0.0/16", "::1/128"]

    assert address_allowed("10.1.200.3", networks) is True
    assert address_allowed("::1", networks) is True
    assert address_allowed("10.2.0.1", networks) is False
    assert address_allowed("127.0.0.1", networks) is False
    assert address_allowed("not-an-address", networks) is False


def test_an_allowed_network_from_settings_is_served(client: Client, settings) -> None:
    settings.LENDPORTAL_METRICS_ALLOWED_IPS = ["10.9.0.0/16"]

    assert client.get("/metrics", REMOTE_ADDR="10.9.4.2").status_code == 200
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 is no longer listed


def test_a_request_is_counted_by_view_name_with_its_status_and_queries(client: Client) -> None:
    before = scrape(client)

    client.get("/healthz")
    client.get("/no-such-page/7")

    after = scrape(client)
    count = "lendportal_http_request_duration_seconds_count"
    healthz = {"view": "healthz", "method": "GET", "status": "200"}
    assert value(after, count, **healthz) - value(before, count, **healthz) == 1
    unmatched = {"view": "<unmatched>", "method": "GET", "status": "404"}
    assert value(after, count, **unmatched) - value(before, count, **unmatched) == 1
    metrics = {"view": "metrics", "method": "GET", "status": "200"}
    assert value(after, count, **metrics) - value(before, count, **metrics) == 1  # the first
    queries = "lendportal_http_request_db_queries"
    assert (
        value(after, f"{queries}_count", view="healthz")
        - value(before, f"{queries}_count", view="healthz")
        == 1
    )
    assert (
        value(after, f"{queries}_sum", view="healthz")
        - value(before, f"{queries}_sum", view="healthz")
        == 1
    )  # SELECT 1
    text = client.get("/metrics").content.decode()
    assert "/no-such-page" not in text  # never a path


def test_a_cob_chunk_shows_its_duration_and_rows_per_step(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        draw(principal="10000.00", term=12)
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": DRAW_DATE})
    chunk = cob_run_open(business_date=DRAW_DATE).chunks.get()
    before = scrape(client)

    cob_chunk_process(chunk_id=chunk.pk)
    cob_chunk_process(chunk_id=chunk.pk)  # done already: not counted again

    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("lendportal_cob_chunk_duration_seconds_count") == 1
    assert delta("lendportal_cob_chunk_duration_seconds_sum") > 0
    assert delta("lendportal_cob_step_duration_seconds_count", step="accrual") == 1
    assert delta("lendportal_cob_step_duration_seconds_count", step="outbox") == 1
    assert delta("lendportal_cob_step_rows_total", step="loans") == Loan.objects.count() == 1
    assert delta("lendportal_cob_step_rows_total", step="close_paid") == 0
    assert ("lendportal_cob_step_rows_total", frozenset({("step", "accrual")})) not in after


def test_the_queue_lengths_are_read_from_the_broker_when_scraped(client: Client) -> None:
    broker = redis.Redis.from_url(cache_url_for_broker(django_settings.CELERY_BROKER_URL))
    queue = "lendportal-metrics-test"
    broker.delete(queue)
    broker.rpush(queue, "a", "b", "c")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(django_settings.CELERY_TASK_ROUTES, "tests.metrics", {"queue": queue})
            samples = scrape(client)
    finally:
        broker.delete(queue)

    assert value(samples, "lendportal_celery_queue_length", queue=queue) == 3
    assert value(samples, "lendportal_celery_broker_up") == 1
    for name in celery_queue_names():
        assert ("lendportal_celery_queue_length", frozenset({("queue", name)})) in samples
    assert celery_queue_names() == ["cob", "default"]


def test_a_broker_that_does_not_answer_leaves_the_lengths_out(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    samples = scrape(client)

    assert value(samples, "lendportal_celery_broker_up") == 0
    assert not [key for key in samples if key[0] == "lendportal_celery_queue_length"]
