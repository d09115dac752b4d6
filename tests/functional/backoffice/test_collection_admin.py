"""The auto-debit run in the back office (PRODUCT §11: "with progress in the admin"): a run's
page counts its attempts by chunk and status and sums what it took; the attempts list finds an
attempt by its key; officers only read them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from accounts.roles import COLLECTIONS_AGENT, FINANCE
from loans.payments.collection.planning import collection_plan
from loans.payments.collection.sending import collection_chunk_send
from loans.payments.fake_gateway import FakeGateway
from loans.payments.models import AttemptStatus, CollectionAttempt, CollectionRun
from tests.functional.backoffice.conftest import client_for
from tests.integration.payments.collection_world import DUE, bj, bound_loan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake(settings) -> Iterator[FakeGateway]:
    settings.LENDPORTAL_GATEWAY_BACKEND = "loans.payments.fake_gateway.FakeGateway"
    FakeGateway.reset(seed=1)
    yield FakeGateway()
    FakeGateway.reset()


def test_a_runs_page_shows_its_progress_and_what_it_collected(staff):
    paid = bound_loan()
    refused = bound_loan(balance=0)
    owed = paid.due()
    run = collection_plan(business_date=DUE)
    collection_chunk_send(run_id=run.pk, chunk=0, now=bj(DUE, 8, 5))

    url = reverse("admin:payments_collectionrun_change", args=[run.pk])
    page = client_for(staff[FINANCE]).get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<div class="readonly">¥{owed:,.2f}</div>' in html  # collected: the one that succeeded
    statuses = sorted(a.status for a in CollectionAttempt.objects.filter(loan=refused.loan))
    assert statuses == [AttemptStatus.FAILED, AttemptStatus.PLANNED]  # and its retry
    footer = html.split("<tfoot>")[1].split("</tfoot>")[0]
    counts = [int(c.split("</td>")[0]) for c in footer.split("<td>")[1:]]
    by_status = dict(zip(AttemptStatus.values, counts, strict=True))
    assert by_status == {
        "PLANNED": 1,  # the retry at 12:00
        "SENDING": 0,
        "PENDING": 0,
        "SUCCEEDED": 1,
        "FAILED": 1,
        "CANCELLED": 0,
    }


def test_an_empty_run_says_so(staff):
    run = CollectionRun.objects.create(business_date=DUE)
    url = reverse("admin:payments_collectionrun_change", args=[run.pk])
    page = client_for(staff[FINANCE]).get(url)
    assert "No attempt was planned for this date." in page.content.decode()


def test_an_agent_finds_an_attempt_by_its_key_and_cannot_change_it(staff):
    bound = bound_loan()
    run = collection_plan(business_date=DUE)
    attempt = CollectionAttempt.objects.get(run=run, loan=bound.loan)
    client = client_for(staff[COLLECTIONS_AGENT])

    found = client.get(reverse("admin:payments_collectionattempt_changelist"), {"q": attempt.key})

    assert found.status_code == 200
    assert attempt.key in found.content.decode()
    change = reverse("admin:payments_collectionattempt_change", args=[attempt.pk])
    posted = client.post(change, {"status": AttemptStatus.CANCELLED})
    assert posted.status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PLANNED
