"""Frozen credit lines in the back office (issue #16): the list says why and since when; risk
managers unfreeze with a reason through an intermediate page, others are not offered it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import COLLECTIONS_AGENT, RISK_MANAGER
from loans.servicing.models import CreditLine, CreditLineStatus, FreezeReason
from tests.factories.loans import borrower_with_line
from tests.functional.backoffice.conftest import client_for

pytestmark = pytest.mark.django_db

LINES = reverse("admin:servicing_creditline_changelist")
FROZEN_ON = date(2027, 1, 10)


@pytest.fixture
def frozen(as_of) -> CreditLine:
    line = CreditLine.objects.get(borrower=borrower_with_line())
    CreditLine.objects.filter(pk=line.pk).update(
        status=CreditLineStatus.FROZEN, frozen_reason=FreezeReason.PAST_DUE, frozen_on=FROZEN_ON
    )
    return line


def _actions(response) -> list[str]:
    form = response.context["action_form"]  # None when the user may take no action
    return [] if form is None else [name for name, _label in form.fields["action"].choices]


def test_the_list_shows_why_and_since_when(staff, frozen):
    page = client_for(staff[COLLECTIONS_AGENT]).get(LINES, {"frozen_reason": "PAST_DUE"})

    assert "Past due" in page.text
    assert "Jan. 10, 2027" in page.text
    assert "unfreeze" not in _actions(page)


def test_a_risk_manager_unfreezes_with_a_reason_recorded(staff, frozen):
    client = client_for(staff[RISK_MANAGER])
    assert "unfreeze" in _actions(client.get(LINES))

    asked = client.post(LINES, {"action": "unfreeze", "_selected_action": [frozen.pk]})
    assert asked.status_code == 200
    assert "Unfreeze credit lines" in asked.text
    assert CreditLine.objects.get(pk=frozen.pk).status == CreditLineStatus.FROZEN

    done = client.post(
        LINES,
        {"action": "unfreeze", "_selected_action": [frozen.pk], "reason": "Paid, called in"},
        follow=True,
    )

    assert "Credit lines unfrozen: 1." in done.text
    line = CreditLine.objects.get(pk=frozen.pk)
    assert (line.status, line.frozen_reason, line.frozen_on) == (CreditLineStatus.ACTIVE, "", None)
    event = AuditEvent.objects.get(action="credit_line.unfreeze")
    assert event.actor == staff[RISK_MANAGER]
    assert event.details["reason"] == "Paid, called in"


def test_a_reason_with_a_mobile_number_is_refused_and_nothing_changes(staff, frozen):
    done = client_for(staff[RISK_MANAGER]).post(
        LINES,
        {"action": "unfreeze", "_selected_action": [frozen.pk], "reason": "called 13800138000"},
        follow=True,
    )

    assert "Credit lines unfrozen" not in done.text
    assert CreditLine.objects.get(pk=frozen.pk).status == CreditLineStatus.FROZEN
    assert not AuditEvent.objects.filter(action="credit_line.unfreeze").exists()
