"""Permission matrix of the desk's pages and actions (#6): each role of accounts.roles against
each page, allowed exactly where ROLE_PERMISSIONS says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import (
    ADMINISTRATOR,
    COLLECTIONS_AGENT,
    FINANCE,
    LOAN_OFFICER,
    RISK_MANAGER,
)
from tests.functional.backoffice.conftest import client_for

pytestmark = pytest.mark.django_db

ALL = {LOAN_OFFICER, RISK_MANAGER, COLLECTIONS_AGENT, FINANCE, ADMINISTRATOR}

# (page, method, URL name, takes the loan id, roles allowed)
MATRIX = [
    ("loan page", "get", "admin:servicing_loan_desk", True, ALL),
    ("reveal", "post", "admin:servicing_loan_desk_reveal", True, {LOAN_OFFICER, ADMINISTRATOR}),
    (
        "offline repayment",
        "get",
        "admin:servicing_loan_desk_repayment",
        True,
        {LOAN_OFFICER, FINANCE, ADMINISTRATOR},
    ),
    (
        "reverse repayment",
        "get",
        "admin:servicing_loan_desk_reverse",
        True,
        {FINANCE, ADMINISTRATOR},
    ),
    (
        "promise to pay",
        "get",
        "admin:servicing_loan_desk_promise",
        True,
        {COLLECTIONS_AGENT, ADMINISTRATOR},
    ),
    (
        "contact note",
        "get",
        "admin:servicing_loan_desk_note",
        True,
        {COLLECTIONS_AGENT, ADMINISTRATOR},
    ),
    (
        "write-off request",
        "get",
        "admin:servicing_loan_desk_write_off",
        True,
        {COLLECTIONS_AGENT, ADMINISTRATOR},
    ),
    (
        "waiver request",
        "get",
        "admin:servicing_loan_desk_waive",
        True,
        {COLLECTIONS_AGENT, ADMINISTRATOR},
    ),
    (
        "collections worklist",
        "get",
        "admin:backoffice_overdueloan_changelist",
        False,
        {RISK_MANAGER, COLLECTIONS_AGENT, ADMINISTRATOR},
    ),
    ("dashboard", "get", "backoffice:portfolio", False, {RISK_MANAGER, FINANCE, ADMINISTRATOR}),
    ("CSV", "get", "backoffice:portfolio_csv", False, {RISK_MANAGER, FINANCE, ADMINISTRATOR}),
]


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_reaches_exactly_its_pages(staff, loan, role):
    client = client_for(staff[role])
    outcomes = {}
    for page, method, name, takes_loan, _allowed in MATRIX:
        url = reverse(name, args=[loan.pk] if takes_loan else [])
        outcomes[page] = getattr(client, method)(url).status_code

    expected = {page: 200 if role in allowed else 403 for page, _m, _n, _l, allowed in MATRIX}
    assert outcomes == expected
    reveals = AuditEvent.objects.filter(action="borrower.reveal").count()
    assert reveals == (1 if expected["reveal"] == 200 else 0)


def test_a_refused_action_post_writes_nothing(staff, loan):
    response = client_for(staff[COLLECTIONS_AGENT]).post(
        reverse("admin:servicing_loan_desk_repayment", args=[loan.pk]),
        {"amount": "100.00", "value_date": "2027-01-20", "confirm": "1"},
    )

    assert response.status_code == 403
    assert not loan.repayments.exists()
    # Only the fixture's role assignments are on record: the refused action wrote nothing.
    assert not AuditEvent.objects.exclude(action="user.roles_change").exists()
