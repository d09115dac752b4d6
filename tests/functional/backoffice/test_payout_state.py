"""Officers see a payout's state and, once refused, the bank's reason (issue #17, PRODUCT §11):
on the loan page (desk), on the loan's admin page and in the payouts admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.roles import FINANCE, LOAN_OFFICER
from loans.origination.models import Payout
from loans.origination.services.payouts import payout_fail
from tests.factories.loans import DRAW_DATE
from tests.functional.backoffice.conftest import client_for

pytestmark = pytest.mark.django_db


def _refuse(loan) -> Payout:
    return payout_fail(
        payout=Payout.objects.get(loan=loan),
        code="NAME_MISMATCH",
        reason="Holder name differs from the account",
        as_of=DRAW_DATE + timedelta(days=1),
    )


def test_the_loan_page_shows_the_payout_and_why_it_failed(staff, loan):
    desk = reverse("admin:servicing_loan_desk", args=[loan.pk])
    officer = client_for(staff[LOAN_OFFICER])
    assert (
        '<span class="payout">Sent to the bank · ¥10,000.00' in officer.get(desk).content.decode()
    )

    _refuse(loan)

    content = officer.get(desk).content.decode()
    assert f"Loan {loan.pk}: Cancelled" in content
    assert '<span class="cancel-reason">Payout failed</span>' in content
    assert '<span class="payout">Failed · ¥10,000.00 · ' in content
    assert "· Name does not match the account: Holder name differs from the account (" in content


def test_the_loan_admin_page_shows_the_cancel_reason_and_payout_state(staff, loan):
    _refuse(loan)

    response = client_for(staff[LOAN_OFFICER]).get(
        reverse("admin:servicing_loan_change", args=[loan.pk])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Payout failed" in content
    assert "Failed (Name does not match the account: Holder name differs from the account)" in (
        content
    )


def test_the_payouts_admin_lists_failures_with_their_reason(staff, loan):
    _refuse(loan)
    url = reverse("admin:origination_payout_changelist")

    response = client_for(staff[FINANCE]).get(url, {"failure_code__exact": "NAME_MISMATCH"})

    content = response.content.decode()
    assert response.status_code == 200
    assert f">Loan {loan.pk}</a>" in content  # links to the loan page, no raw status (#23)
    assert "Name does not match the account" in content
    assert "Holder name differs from the account" in content
