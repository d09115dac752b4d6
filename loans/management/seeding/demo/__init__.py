"""Demo data for a development site (PRODUCT §8): what ``manage.py seed_demo`` creates.

All through the services: the open business date, the staff roles and one user per role, the
CASH and INSTALLMENT products, a partner, borrowers with credit decisions of every kind
(``borrowers``), loans in every state with months of history (``loans``), and a revolving
account with two months of bills (``revolving``). Development only: every password is public.
See README, "Demo data".
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Min

from accounts.models import Partner
from accounts.roles import (
    ADMINISTRATOR,
    role_assign,
    roles_sync,
    staff_email_verify,
    staff_member_create,
)
from accounts.services import demo_admin_create
from loans.calendar.models import BusinessDate
from loans.calendar.selectors import business_date_current
from loans.domain.schedule import RepaymentMethod
from loans.ledger.models import JournalEntry
from loans.management.seeding.demo.borrowers import applications_decline_and_refer
from loans.management.seeding.demo.loans import loans_create
from loans.management.seeding.demo.revolving import revolving_create
from loans.management.seeding.demo.state import DEMO_ADMIN, STAFF, STAFF_PASSWORD, Demo
from loans.origination.models import LoanProduct, Payout, PayoutStatus
from loans.origination.services.payouts import payout_send
from loans.origination.services.products import product_save
from loans.reporting.services.portfolio_days import portfolio_days_refresh
from loans.reporting.services.roll_rates import roll_rates_refresh

__all__ = ["DEMO_ADMIN", "STAFF", "Demo", "business_date_open", "seed", "seed_finish"]

FIRST_BUSINESS_DATE = date(2026, 12, 1)
GRADE_RATES = {"A": "0.072", "B": "0.108", "C": "0.144", "D": "0.18", "E": "0.239"}


def business_date_open() -> date:
    """Return the open business date; a new database opens on 2026-12-01, not the clock's."""
    if not BusinessDate.objects.filter(pk=1).exists():
        BusinessDate.objects.create(pk=1, current_date=FIRST_BUSINESS_DATE)
    return business_date_current()


def seed(demo: Demo) -> None:
    demo.say(f"Business date {demo.today}.")
    staff_create(demo)
    products_create(demo)
    demo.partner = Partner.objects.create(code="demo-shop", name="Demo Shop")
    demo.say("Partner Demo Shop (demo-shop).")
    loans_create(demo)
    revolving_create(demo)
    applications_decline_and_refer(demo)


def seed_finish() -> None:
    """What follows the seed's transaction: waiting payouts sent, the dashboard's summaries."""
    # The payouts go to the bank on commit (loan_disburse). Inside a caller's transaction
    # (a test) that commit has not happened: send what is still waiting now.
    for payout_id in Payout.objects.filter(status=PayoutStatus.SENT).values_list("pk", flat=True):
        payout_send(payout_id=payout_id)
    # The dashboard's flows and roll rates come from the summaries that close of business
    # writes; the demo's history was posted directly, so they are written once here.
    first = JournalEntry.objects.aggregate(first=Min("value_date"))["first"]
    if first is not None:
        portfolio_days_refresh(first=first, last=business_date_current())
    roll_rates_refresh(as_of=business_date_current() - timedelta(days=1))  # the last close


def staff_create(demo: Demo) -> None:
    roles_sync()
    password = os.environ.get("DEMO_ADMIN_PASSWORD", STAFF_PASSWORD)
    admin = demo_admin_create(username=DEMO_ADMIN, password=password, email="admin@example.com")
    staff_email_verify(user=admin)  # allauth's sign-in needs a verified address
    role_assign(user=admin, role=ADMINISTRATOR)
    demo.staff[DEMO_ADMIN] = admin
    for username, role in STAFF:
        demo.staff[username] = staff_member_create(
            username=username, password=STAFF_PASSWORD, role=role, email=f"{username}@example.com"
        )
    demo.say(f"Roles and staff: {DEMO_ADMIN}, " + ", ".join(f"{u} ({r})" for u, r in STAFF) + ".")


def products_create(demo: Demo) -> None:
    demo.products["CASH"] = product_save(
        product=LoanProduct(
            code="CASH",
            name="Cash loan",
            name_zh="现金贷",
            methods=[RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL],
            terms=[3, 6, 9, 12, 18, 24],
            rates_by_grade={grade: f"{Decimal(rate):.6f}" for grade, rate in GRADE_RATES.items()},
        )
    )
    demo.products["INSTALLMENT"] = product_save(
        product=LoanProduct(
            code="INSTALLMENT",
            name="Installment plan",
            name_zh="分期付",
            methods=[RepaymentMethod.INSTALLMENT_FEE],
            terms=[3, 6, 12],
            annual_rate=Decimal("0"),
            fee_rate=Decimal("0.006"),
        )
    )
    demo.say("Products CASH (equal installment, equal principal) and INSTALLMENT (fee).")
