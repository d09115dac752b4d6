"""The idempotency replay counter (issue #21): a replayed answer counts, a first answer and a
refused reuse of the key do not; /metrics shows it with the API view's name."""

from __future__ import annotations

import pytest
from django.test import Client

from loans.metrics import metrics_registry
from tests.factories.api import partner_loan

pytestmark = pytest.mark.django_db


def replays() -> float:
    return metrics_registry().get_sample_value("lendportal_idempotency_replays_total") or 0.0


def requests(status: str) -> float:
    labels = {"view": "api:repayment-create", "method": "POST", "status": status}
    count = "lendportal_http_request_duration_seconds_count"
    return metrics_registry().get_sample_value(count, labels) or 0.0


def _pay(api, loan, amount="916.80"):
    return api.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": amount, "reference": "order-77"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )


def test_only_a_replayed_answer_is_counted(api, acme) -> None:
    loan = partner_loan(acme.partner)
    before = replays()
    created, refused = requests("201"), requests("422")

    first = _pay(api, loan)
    after_first = replays()
    again = _pay(api, loan)
    after_again = replays()
    reused = _pay(api, loan, amount="10.00")

    assert (first.status_code, again.status_code, reused.status_code) == (201, 201, 422)
    assert after_first - before == 0
    assert after_again - before == 1
    assert replays() - before == 1
    assert (requests("201") - created, requests("422") - refused) == (2, 1)
    text = Client().get("/metrics").content.decode()
    assert f"\nlendportal_idempotency_replays_total {replays()}\n" in text
