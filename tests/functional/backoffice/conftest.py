"""Staff in each role, a loan, and the business date, for the back-office desk's pages (#6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, roles_sync, staff_member_create
from loans.models import Loan
from tests.factories.api import business_date_set
from tests.factories.loans import DRAW_DATE, draw

AS_OF = date(2027, 1, 20)


@pytest.fixture
def staff(db) -> dict[str, User]:
    """One staff member per role (accounts.roles), by role name."""
    roles_sync()
    return {
        role: staff_member_create(username=f"staff-{index}", password="x", role=role)
        for index, role in enumerate(ROLE_PERMISSIONS)
    }


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
