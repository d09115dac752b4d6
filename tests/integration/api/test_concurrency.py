"""Real parallel requests against a live server (STYLE.md: real transactions, no wrapper).

50 identical repayments with one Idempotency-Key post exactly one repayment; the others get the
replay or 409. Two different repayments at once on one loan both post, one after the other.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests

from loans.api.models import IdempotencyRecord
from loans.events.models import OutboxEvent
from loans.ledger.reconciliation import books_reconcile
from loans.servicing.models import Loan, Repayment
from tests.factories.api import api_partner, business_date_set, partner_loan

pytestmark = pytest.mark.django_db(transaction=True)


def _parallel(count: int, call) -> list[requests.Response]:
    barrier = threading.Barrier(count)

    def run(index: int) -> requests.Response:
        barrier.wait(timeout=30)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def setup(live_server):
    business_date_set()
    partner = api_partner()
    loan = partner_loan(partner.partner)
    url = f"{live_server.url}/api/v1/loans/{loan.pk}/repayments"
    return partner, loan, url


def test_fifty_identical_requests_post_exactly_one_repayment(setup):
    partner, loan, url = setup
    headers = {"Authorization": f"Bearer {partner.token}", "Idempotency-Key": "checkout-42"}
    body = {"amount": "500.00", "reference": "order-42"}

    responses = _parallel(50, lambda _: requests.post(url, json=body, headers=headers, timeout=60))

    statuses = sorted({r.status_code for r in responses})
    assert set(statuses) <= {201, 409}, [r.text for r in responses if r.status_code >= 500]
    created = [r for r in responses if r.status_code == 201]
    assert created
    assert len({r.json()["id"] for r in created}) == 1
    assert sum(1 for r in created if "Idempotent-Replayed" not in r.headers) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.json()["error"]["code"] == "idempotency_key_in_flight"
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="repayment.posted").count() == 1
    # After the first commits, a retry always gets the replay.
    again = requests.post(url, json=body, headers=headers, timeout=60)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_two_different_repayments_at_once_both_post(setup):
    partner, loan, url = setup
    amounts = ["300.00", "450.00"]

    def pay(index: int) -> requests.Response:
        return requests.post(
            url,
            json={"amount": amounts[index], "reference": f"r{index}"},
            headers={"Authorization": f"Bearer {partner.token}", "Idempotency-Key": f"k{index}"},
            timeout=60,
        )

    responses = _parallel(2, pay)

    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    posted = Repayment.objects.filter(loan=loan)
    assert sorted(r.amount for r in posted) == [Decimal("300.00"), Decimal("450.00")]
    assert Loan.objects.get(pk=loan.pk).advance_amount == Decimal("750.00")
    assert [(r.name, r.failures) for r in books_reconcile() if not r.ok] == []
