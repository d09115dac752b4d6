"""`manage.py seed_demo` (PRODUCT §8): every loan state, every role, books that reconcile."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Model

from accounts.models import Borrower, Partner, User
from accounts.roles import ROLE_PERMISSIONS, roles_sync
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.calendar.models import BusinessDate
from loans.ledger.models import JournalEntry, JournalLine
from loans.origination.models import (
    ApplicationStatus,
    CreditApplication,
    LoanProduct,
    Payout,
    PayoutStatus,
)
from loans.servicing.models import Loan, LoanStatus, Repayment, RepaymentStatus

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_USERS = {
    "Administrator": {"admin"},
    "Loan officer": {"officer", "officer2"},
    "Risk manager": {"risk"},
    "Collections agent": {"collections"},
    "Finance": {"finance"},
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        User, Group, Partner, Borrower, LoanProduct, CreditApplication, Loan, Repayment,
        JournalEntry, JournalLine, Payout, ApprovalRequest,
    ]  # fmt: skip
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.fixture
def seeded() -> str:
    return seed()


def test_seed_creates_a_loan_in_every_state(seeded):
    assert set(Loan.objects.values_list("status", flat=True)) == set(LoanStatus.values)
    assert Loan.objects.filter(status=LoanStatus.ACTIVE, days_past_due=0).exists()
    overdue = Loan.objects.get(status=LoanStatus.ACTIVE, days_past_due__gt=0)
    assert overdue.bucket != "CURRENT"
    assert overdue.interest_receivable_amount > 0
    written_off = Loan.objects.get(status=LoanStatus.WRITTEN_OFF)
    assert written_off.days_past_due >= 180
    approval = ApprovalRequest.objects.get(loan=written_off, kind=ApprovalKind.WRITE_OFF)
    assert approval.requested_by.username == "collections"
    assert approval.decided_by is not None
    assert approval.decided_by.username == "officer2"
    pending = Loan.objects.get(status=LoanStatus.PENDING_DISBURSEMENT)
    assert pending.principal_amount > 20000
    assert ApprovalRequest.objects.filter(
        loan=pending, kind=ApprovalKind.DISBURSEMENT, status=ApprovalStatus.PENDING
    ).exists()


def test_seed_has_history_a_prepayment_a_reversal_and_settled_payouts(seeded):
    assert Repayment.objects.filter(status=RepaymentStatus.REVERSED).count() == 1
    assert Repayment.objects.filter(prepaid_principal_amount__gt=0).count() == 1
    assert Repayment.objects.count() >= 8
    assert Payout.objects.count() == 5  # every disbursed loan
    assert not Payout.objects.exclude(status=PayoutStatus.SETTLED).exists()
    business_date = BusinessDate.objects.get().current_date
    assert not Loan.objects.filter(drawn_date__gt=business_date).exists()
    assert Loan.objects.filter(drawn_date__lt=business_date - timedelta(days=180)).exists()


def test_seed_decides_applications_of_every_kind(seeded):
    statuses = set(CreditApplication.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    declined = CreditApplication.objects.get(status=ApplicationStatus.DECLINED)
    assert "INCOME_TOO_LOW" in declined.reasons
    referred = CreditApplication.objects.get(status=ApplicationStatus.REFERRED)
    assert "IDENTITY_CONFLICT" in referred.reasons


def test_seed_creates_the_roles_with_their_users(seeded):
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
    for role, usernames in ROLE_USERS.items():
        members = set(Group.objects.get(name=role).user_set.values_list("username", flat=True))
        assert members == usernames
    assert User.objects.get(username="admin").is_superuser
    staff_names = ["officer", "officer2", "risk", "collections", "finance"]
    staff = User.objects.filter(username__in=staff_names)
    assert staff.count() == len(staff_names)
    assert all(user.is_staff and not user.is_superuser for user in staff)
    assert all(user.check_password("lendportal-demo") for user in staff)
    risk = User.objects.get(username="risk")
    assert risk.has_perm("origination.change_loanproduct")
    assert not User.objects.get(username="collections").has_perm("origination.change_loanproduct")


def test_seed_creates_the_products_and_the_partner(seeded):
    cash = LoanProduct.objects.get(code="CASH")
    assert sorted(cash.methods) == ["EQUAL_INSTALLMENT", "EQUAL_PRINCIPAL"]
    assert cash.terms == [3, 6, 9, 12, 18, 24]
    assert cash.rates_by_grade == {
        "A": "0.072000", "B": "0.108000", "C": "0.144000", "D": "0.180000", "E": "0.239000",
    }  # fmt: skip
    installment = LoanProduct.objects.get(code="INSTALLMENT")
    assert (installment.methods, installment.terms) == (["INSTALLMENT_FEE"], [3, 6, 12])
    assert str(installment.fee_rate) == "0.006000"
    assert Partner.objects.get(code="demo-shop").name == "Demo Shop"
    assert Borrower.objects.filter(partner__code="demo-shop").exists()
    assert Borrower.objects.count() >= 8


def test_the_seeded_books_reconcile(seeded):
    out = StringIO()
    call_command("reconcile", stdout=out)  # raises CommandError when they do not

    assert "The books reconcile." in out.getvalue()


def test_a_second_run_with_if_empty_changes_nothing(seeded):
    before = counts()

    output = seed("--if-empty")

    assert "nothing to do" in output
    assert counts() == before


def test_a_second_run_without_the_flag_changes_nothing_either(seeded):
    before = counts()

    seed()

    assert counts() == before


def test_roles_sync_is_idempotent(seeded):
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}

    roles_sync()

    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert after == before
