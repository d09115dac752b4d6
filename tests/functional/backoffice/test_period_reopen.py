"""Reopening a closed accounting period in the back office's approvals queue (issue #19)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import FINANCE
from loans.approvals.models import ApprovalStatus
from loans.approvals.services.maker_checker import period_reopen_request
from loans.ledger.models import AccountingPeriod
from tests.functional.backoffice.conftest import staff_member

pytestmark = pytest.mark.django_db


def test_a_second_finance_officer_reopens_the_period_from_the_queue(client, staff_client) -> None:
    AccountingPeriod.objects.create(month=date(2027, 1, 1), closed_at=timezone.now())
    maker = staff_member("maker", FINANCE)
    request = period_reopen_request(
        month=date(2027, 1, 1), officer=maker, reason="late bank statement"
    )
    staff_client(FINANCE, "checker")
    url = reverse("admin:backoffice_pendingapproval_approve", args=[request.pk])

    page = client.get(url)
    assert page.status_code == 200
    # The back office speaks Chinese by default.
    assert "重新开放会计期间 2027-01" in page.content.decode()
    assert "late bank statement" in page.content.decode()

    client.post(url, {"confirm": "yes"})
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    period = AccountingPeriod.objects.get(month=date(2027, 1, 1))
    assert not period.closed
    assert period.reopened_by is not None
    assert period.reopened_by.username == "checker"


def test_the_maker_sees_no_approve_button_on_their_own_request(client, staff_client) -> None:
    AccountingPeriod.objects.create(month=date(2027, 1, 1), closed_at=timezone.now())
    maker = staff_client(FINANCE, "maker")
    request = period_reopen_request(month=date(2027, 1, 1), officer=maker, reason="audit fix")
    url = reverse("admin:backoffice_pendingapproval_approve", args=[request.pk])
    client.post(url, {"confirm": "yes"})
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert AccountingPeriod.objects.get(month=date(2027, 1, 1)).closed
