"""Back-office fixtures (#6): staff in every role (with TOTP for sign-in tests), a loan and the
business date for the desk's pages, and a back office with one item in every queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from accounts.roles import (
    ADMINISTRATOR,
    COLLECTIONS_AGENT,
    FINANCE,
    LOAN_OFFICER,
    RISK_MANAGER,
    ROLE_PERMISSIONS,
    roles_sync,
    staff_member_create,
)
from loans.approvals.models import ApprovalRequest
from loans.approvals.services.maker_checker import (
    adjustment_request,
    disbursement_request,
    product_change_request,
    waiver_request,
    write_off_request,
)
from loans.domain.allocation import Component
from loans.ledger.models import AccountCode
from loans.origination.models import ApplicationStatus, CreditApplication
from loans.servicing.models import Loan
from loans.servicing.services.adjustments import Adjustment
from loans.servicing.services.daily import loan_interest_accrue
from tests.factories.accounts import borrower_create, totp_enable
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, ProductFactory, draw

AS_OF = date(2027, 1, 20)


@pytest.fixture
def staff(db) -> dict[str, User]:
    """One staff member per role (accounts.roles), by role name, each with TOTP set up."""
    roles_sync()
    members = {
        role: staff_member_create(username=f"staff-{index}", password="x", role=role)
        for index, role in enumerate(ROLE_PERMISSIONS)
    }
    for member in members.values():
        totp_enable(member)
    return members


@pytest.fixture
def as_of(db) -> date:
    return business_date_set(AS_OF)


@pytest.fixture
def loan(as_of) -> Loan:
    return draw(principal="10000.00", term=12, as_of=DRAW_DATE)


def client_for(user: User) -> Client:
    client = Client(headers={"accept-language": "en"})  # the pages default to Chinese
    client.force_login(user)
    return client


# --- queues and maker-checker -------------------------------------------------------------


ROLES = (LOAN_OFFICER, RISK_MANAGER, COLLECTIONS_AGENT, FINANCE, ADMINISTRATOR)


def staff_member(username: str, role: str) -> User:
    roles_sync()
    user = staff_member_create(
        username=username, password="staff-pass-1", role=role, email=f"{username}@example.com"
    )
    return user


@dataclass
class World:
    application: CreditApplication
    pending_loan: Loan
    disbursement: ApprovalRequest
    write_off: ApprovalRequest
    waiver: ApprovalRequest
    adjustment: ApprovalRequest
    product_change: ApprovalRequest


def referred_application() -> CreditApplication:
    return CreditApplication.objects.create(
        borrower=borrower_create(),
        applied_date=DRAW_DATE,
        status=ApplicationStatus.REFERRED,
        scorecard_version=1,
        inputs={},
        score=50,
        grade="C",
        reasons=["BORDERLINE_SCORE"],
    )


def world_build() -> World:
    """One item in every queue, each requested by a maker of the right role."""
    makers = {role: staff_member(f"maker-{i}", role) for i, role in enumerate(ROLES)}
    product = ProductFactory.create()
    accrued = draw(principal="3000.00", term=3, product=product)
    for offset in range(5):
        loan_interest_accrue(loan=accrued, as_of=DRAW_DATE + timedelta(days=offset))
    overdue = draw(principal="2000.00", term=3, product=product)
    Loan.objects.filter(pk=overdue.pk).update(days_past_due=200)
    return World(
        application=referred_application(),
        pending_loan=draw(principal="25000.00", product=product),
        disbursement=disbursement_request(
            loan=draw(principal="26000.00", product=product), officer=makers[LOAN_OFFICER]
        ),
        write_off=write_off_request(
            loan=overdue, officer=makers[COLLECTIONS_AGENT], as_of=DRAW_DATE, reason="200 DPD"
        ),
        waiver=waiver_request(
            loan=accrued,
            installment_number=1,
            component=Component.INTEREST,
            amount=Decimal("1.00"),
            officer=makers[COLLECTIONS_AGENT],
            reason="goodwill",
        ),
        adjustment=adjustment_request(
            loan=accrued,
            adjustment=Adjustment(
                AccountCode.WAIVERS, AccountCode.OVERPAYMENT_LIABILITY, Decimal("5.00")
            ),
            officer=makers[FINANCE],
            reason="goodwill",
        ),
        product_change=product_change_request(
            product=product, changes={"grace_days": 5}, officer=makers[RISK_MANAGER]
        ),
    )


@pytest.fixture
def world() -> World:
    return world_build()


@pytest.fixture
def staff_client(client):
    """A client signed in as a new staff member of ``role``, who has TOTP."""

    def sign_in(role: str, username: str = "checker") -> User:
        user = staff_member(username, role)
        totp_enable(user)
        client.force_login(user)
        return user

    return sign_in
