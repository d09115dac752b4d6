"""The finance queue in the admin (PRODUCT §11): settlement differences, open first, with both
sides' amounts and the action that resolves each; finance resolves one with a note, audited."""

# The Chinese sentences use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import ADMINISTRATOR, COLLECTIONS_AGENT, FINANCE, LOAN_OFFICER
from loans.payments.models import DifferenceState, SettlementDifference
from loans.payments.settlement.imports import settlement_import
from tests.functional.backoffice.conftest import client_for
from tests.integration.payments.settlement_world import (
    DAY,
    attempt_for,
    line,
    loan_on_day,
    settlement_csv,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:payments_settlementdifference_changelist")


@pytest.fixture
def queued() -> list[SettlementDifference]:
    """Two open differences, and one of an earlier file of the day that they replaced."""
    attempt = attempt_for(loan_on_day(), amount="1234.50")
    settlement_import(
        name="first.csv", content=settlement_csv(line("AD-EARLIER", "CHARGE", "3.00"))
    )
    settlement_import(
        name="settlement-2027-02-15.csv",
        content=settlement_csv(
            line("AD-NOT-OURS", "CHARGE", "12345.60"),
            line(attempt.key, "CHARGE", "1200.00", "FAILED"),
        ),
    )
    return list(SettlementDifference.objects.filter(state=DifferenceState.OPEN).order_by("id"))


def resolve_url(difference: SettlementDifference) -> str:
    return reverse("admin:payments_settlementdifference_resolve", args=[difference.pk])


def test_finance_sees_the_queue_open_first_with_readable_amounts_and_actions(staff, queued):
    response = client_for(staff[FINANCE]).get(QUEUE)

    content = response.content.decode()
    assert response.status_code == 200
    assert "¥12,345.60 SUCCEEDED" in content  # the file's side
    assert "not listed" in content  # the first file lacked the attempt (now superseded)
    assert "no record" in content  # we have no record of AD-NOT-OURS
    assert "¥1,200.00 FAILED" in content
    assert "¥1,234.50 PENDING" in content  # our side of the other amount
    assert "Ask the gateway for this transaction: we have no record of it." in content
    assert "The amounts differ: ask the gateway which is right" in content
    # Open first: both open rows come before the superseded one.
    assert content.index("AD-NOT-OURS") < content.index("AD-EARLIER")
    assert content.index(queued[1].our_key) < content.index("AD-EARLIER")
    assert "Waiting now" in content
    assert "NOT_OURS" in content


def test_the_queue_filters_by_kind_difference_state_and_date(staff, queued):
    client = client_for(staff[FINANCE])

    response = client.get(
        QUEUE,
        {
            "state__exact": "OPEN",
            "kind__exact": "CHARGE",
            "difference__exact": "AMOUNT",
            "settlement_date__gte": DAY.isoformat(),
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert queued[1].our_key in content
    assert "AD-NOT-OURS" not in content
    assert "AD-EARLIER" not in content


def test_resolving_with_a_note_closes_the_difference_and_is_audited(staff, queued):
    client = client_for(staff[FINANCE])
    difference = queued[0]

    page = client.get(resolve_url(difference))
    response = client.post(resolve_url(difference), {"note": "Gateway reversed it, ticket 42"})

    assert page.status_code == 200
    assert "Ask the gateway for this transaction" in page.content.decode()
    assert response.status_code == 302
    difference.refresh_from_db()
    assert difference.state == DifferenceState.RESOLVED
    assert difference.resolved_by == staff[FINANCE]
    assert difference.note == "Gateway reversed it, ticket 42"
    assert difference.resolved_at is not None
    [event] = AuditEvent.objects.filter(action="settlement.resolve")
    assert event.actor == staff[FINANCE]
    assert event.target_id == str(difference.pk)
    assert event.details == {
        "settlement_date": "2027-02-15",
        "kind": "CHARGE",
        "difference": "NOT_OURS",
        "action": "ASK_GATEWAY",
        "file": difference.file_id,
    }
    assert "ticket" not in str(event.details)  # the note stays on the difference


def test_a_note_is_required_and_a_resolved_difference_stays_resolved(staff, queued):
    client = client_for(staff[FINANCE])
    difference = queued[0]

    blank = client.post(resolve_url(difference), {"note": "   "})

    assert blank.status_code == 200
    difference.refresh_from_db()
    assert difference.state == DifferenceState.OPEN
    client.post(resolve_url(difference), {"note": "done"})
    again = client.post(resolve_url(difference), {"note": "again"})
    assert f"Difference {difference.pk} is not open." in again.content.decode()
    assert AuditEvent.objects.filter(action="settlement.resolve").count() == 1
    difference.refresh_from_db()
    assert difference.note == "done"


@pytest.mark.parametrize("role", [LOAN_OFFICER, COLLECTIONS_AGENT])
def test_staff_without_the_finance_permission_cannot_see_or_resolve(staff, queued, role):
    client = client_for(staff[role])

    assert client.get(QUEUE).status_code == 403
    assert client.post(resolve_url(queued[0]), {"note": "x"}).status_code == 403
    assert not SettlementDifference.objects.filter(state=DifferenceState.RESOLVED).exists()
    assert not AuditEvent.objects.filter(action="settlement.resolve").exists()


def test_administrators_may_resolve_too(staff, queued):
    response = client_for(staff[ADMINISTRATOR]).post(resolve_url(queued[1]), {"note": "ok"})

    assert response.status_code == 302
    assert SettlementDifference.objects.get(pk=queued[1].pk).state == DifferenceState.RESOLVED
    assert queued[1].our_amount == Decimal("1234.50")


def test_the_settlement_files_page_lists_the_imports(staff, queued):
    response = client_for(staff[FINANCE]).get(reverse("admin:payments_settlementfile_changelist"))

    assert response.status_code == 200
    assert "settlement-2027-02-15.csv" in response.content.decode()


def test_the_queue_speaks_chinese_by_default(staff, queued):
    client = client_for(staff[FINANCE])

    content = client.get(QUEUE, headers={"accept-language": "zh-hans"}).content.decode()

    assert "向支付通道查询此笔交易：我方无此记录。" in content
    assert "金额不一致：向支付通道核实正确金额" in content
    assert "对账文件有，我方无记录" in content
