"""The back office's page to ask for reopening a closed accounting period (issue #19): the
maker's side of PERIOD_REOPEN; the month reopens only when a second officer approves."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import COLLECTIONS_AGENT, FINANCE, roles_sync, staff_member_create
from loans.approvals.models import ApprovalRequest
from loans.ledger.models import AccountingPeriod
from tests.factories.accounts import totp_enable

pytestmark = pytest.mark.django_db

PAGE = "/admin/portfolio/periods/reopen/"


def client_for(user: User) -> Client:
    totp_enable(user)  # the back office lets in staff with a second factor only
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def closed_january() -> AccountingPeriod:
    return AccountingPeriod.objects.create(
        month=date(2027, 1, 1), closed=True, closed_at=timezone.now()
    )


def test_finance_asks_to_reopen_and_the_request_waits_for_a_second_officer(closed_january):
    roles_sync()
    maker = staff_member_create(username="maker", password="x", role=FINANCE)
    client = client_for(maker)
    assert reverse("backoffice:period_reopen") == PAGE

    page = client.get(PAGE).text
    assert '<option value="2027-01">2027-01</option>' in page
    assert PAGE in client.get(reverse("admin:index")).text  # linked from the work home

    response = client.post(PAGE, {"month": "2027-01", "reason": "late bank statement"})

    assert response.status_code == 302
    request = ApprovalRequest.objects.get(kind="PERIOD_REOPEN")
    assert (request.payload, request.requested_by, request.status) == (
        {"month": "2027-01"},
        maker,
        "PENDING",
    )
    assert AccountingPeriod.objects.get().closed  # not before a second officer approves
    page = client.get(PAGE).text
    assert "late bank statement" in page
    # A second request for the month is refused on the page, not stored.
    again = client.post(PAGE, {"month": "2027-01", "reason": "again"}).text
    assert "already waits for a second officer" in again
    assert ApprovalRequest.objects.count() == 1


def test_a_reason_is_required(closed_january):
    roles_sync()
    maker = staff_member_create(username="maker", password="x", role=FINANCE)

    page = client_for(maker).post(PAGE, {"month": "2027-01", "reason": " "}).text

    assert "This field is required." in page
    assert not ApprovalRequest.objects.exists()


def test_staff_without_the_permission_are_refused(closed_january):
    roles_sync()
    agent = staff_member_create(username="agent", password="x", role=COLLECTIONS_AGENT)

    assert client_for(agent).get(PAGE).status_code == 403
