"""Staff roles as Django groups (PRODUCT §1: staff work in the Django admin).

Each role is data: a group name and the model permissions it holds, written as
``"app_label.model": (actions...)`` with the actions of Django's default permissions (``view``,
``add``, ``change``, ``delete``), or the full codename of a custom permission of that model
(any other name, e.g. ``reveal_borrower_identity``). ``roles_sync()`` makes the
groups say exactly that, and running it again changes nothing. Models are named by label, not
imported: accounts sits below loans in the import layers. The back-office issue (#6) refines
these sets and tests them as a matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from accounts.audit import audit_record
from accounts.models import User

LOAN_OFFICER = "Loan officer"
RISK_MANAGER = "Risk manager"
COLLECTIONS_AGENT = "Collections agent"
FINANCE = "Finance"
ADMINISTRATOR = "Administrator"

ALL_PERMISSIONS = "*"  # every permission of every installed app

VIEW = ("view",)
DEFAULT_ACTIONS = ("view", "add", "change", "delete")

# What every role reads to find its way around a borrower and a loan.
_LOAN_FILE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "accounts.borrower": VIEW,
        "accounts.partner": VIEW,
        "origination.loanproduct": VIEW,
        "servicing.creditline": VIEW,
        "servicing.loan": VIEW,
        "servicing.installment": VIEW,
        "servicing.repayment": VIEW,
        "approvals.approvalrequest": VIEW,
        "backoffice.decidedapproval": VIEW,  # the approvals history
        "calendar.businessdate": VIEW,
        # Auto-debit (#17): the day's runs and every attempt, read-only.
        "payments.collectionrun": VIEW,
        "payments.collectionattempt": VIEW,
        # Revolving credit (#18): accounts, checkout orders, bills and payments, read-only.
        "revolving.revolvingproduct": VIEW,
        "revolving.revolvingaccount": VIEW,
        "revolving.order": VIEW,
        "revolving.statement": VIEW,
        "revolving.revolvingpayment": VIEW,
    }
)

# Maker-checker (issue #6): who asks for each kind of request and who decides it. Actions other
# than Django's default four are permission codenames (loans.approvals.models.APPROVAL_PERMISSIONS).
ROLE_PERMISSIONS: Mapping[str, Mapping[str, tuple[str, ...]] | str] = MappingProxyType(
    {
        # Reviews referred applications; requests and (as the second officer) approves
        # disbursements above the threshold; approves waivers and write-offs.
        LOAN_OFFICER: MappingProxyType(
            {
                **_LOAN_FILE,
                "origination.creditapplication": ("view", "review_creditapplication"),
                "backoffice.referredapplication": VIEW,
                "backoffice.pendingdisbursement": VIEW,
                "backoffice.pendingapproval": VIEW,
                "approvals.approvalrequest": (
                    "view",
                    "request_disbursement",
                    "approve_disbursement",
                    "approve_write_off",
                    "approve_waiver",
                ),
                "origination.payout": VIEW,
                # The loan page (#6): offline repayments, the ledger, reveal for identity checks.
                "servicing.repayment": ("view", "add"),
                "ledger.journalentry": VIEW,
                "ledger.journalline": VIEW,
                "servicing.contactnote": VIEW,
                "servicing.promisetopay": VIEW,
                "accounts.borrower": ("view", "reveal_borrower_identity"),
                # Closes a revolving account at the borrower's request (nothing owed).
                "revolving.revolvingaccount": ("view", "change"),
            }
        ),
        # Owns the products and the credit policy: product changes need a second risk manager.
        RISK_MANAGER: MappingProxyType(
            {
                **_LOAN_FILE,
                "origination.loanproduct": ("view", "add", "change"),
                # Lines frozen by close of business at the freeze days past due (#16).
                "servicing.creditline": ("view", "unfreeze_creditline"),
                "origination.creditapplication": ("view", "review_creditapplication"),
                "backoffice.referredapplication": VIEW,
                "backoffice.pendingapproval": VIEW,
                "approvals.approvalrequest": (
                    "view",
                    "request_product_change",
                    "approve_product_change",
                    "approve_write_off",
                    "approve_waiver",
                ),
                "ledger.journalentry": VIEW,
                "ledger.journalline": VIEW,
                # The dashboard, and supervising collections: assigning agents (#6).
                "reporting.portfolioday": ("view", "view_portfolio"),
                "backoffice.overdueloan": VIEW,
                "servicing.collectionassignment": ("view", "add", "change"),
                "servicing.contactnote": VIEW,
                "servicing.promisetopay": VIEW,
            }
        ),
        # Works the overdue queues: asks for waivers and write-offs, never decides them.
        COLLECTIONS_AGENT: MappingProxyType(
            {
                **_LOAN_FILE,
                "backoffice.pendingapproval": VIEW,
                "approvals.approvalrequest": ("view", "request_waiver", "request_write_off"),
                # The worklist (#6): take loans, note contacts and promises to pay.
                "backoffice.overdueloan": VIEW,
                "servicing.collectionassignment": ("view", "add"),
                "servicing.contactnote": ("view", "add"),
                "servicing.promisetopay": ("view", "add"),
            }
        ),
        # Payouts, the ledger and reconciliation; manual adjustments with a second finance user.
        FINANCE: MappingProxyType(
            {
                **_LOAN_FILE,
                "origination.payout": VIEW,
                "ledger.journalentry": VIEW,
                "ledger.journalline": VIEW,
                "backoffice.pendingapproval": VIEW,
                "approvals.approvalrequest": (
                    "view",
                    "request_manual_adjustment",
                    "approve_manual_adjustment",
                    # Closed accounting periods (#19): reopened by a second finance user.
                    "request_period_reopen",
                    "approve_period_reopen",
                ),
                # Cash received outside the portal and its corrections; the dashboard (#6).
                "servicing.repayment": ("view", "add", "reverse_repayment"),
                "reporting.portfolioday": ("view", "view_portfolio"),
                # The finance queue (#17): settlement differences, resolved with a note.
                "payments.settlementdifference": ("view", "change"),
                "payments.settlementfile": VIEW,
                # Partner settlement (#18): what each partner is owed per day, its payout.
                "payments.merchantsettlement": VIEW,
                "payments.merchantsettlementday": VIEW,
            }
        ),
        ADMINISTRATOR: ALL_PERMISSIONS,
    }
)


class UnknownPermission(Exception):
    """A role names a model or an action that has no permission row."""


@transaction.atomic
def roles_sync() -> None:
    """Create or update one group per role with exactly the role's permissions.

    Idempotent: a second run finds nothing to change. Creates missing permission rows first
    (as ``migrate`` does), so it works on a database migrated without post-migrate signals.
    Raises UnknownPermission when a role names a permission that does not exist.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(wanted))


def _permissions(wanted: Mapping[str, tuple[str, ...]] | str) -> list[Permission]:
    if wanted == ALL_PERMISSIONS:
        return list(Permission.objects.all())
    if isinstance(wanted, str):
        raise UnknownPermission(f"Unknown permission set {wanted!r}.")
    query = Q(pk__in=[])
    codenames: set[tuple[str, str]] = set()
    for label, actions in wanted.items():
        app_label, model = label.split(".")
        for action in actions:
            codename = f"{action}_{model}" if action in DEFAULT_ACTIONS else action
            codenames.add((app_label, codename))
            query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = codenames - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise UnknownPermission(f"No such permissions: {sorted(missing)}.")
    return found


@transaction.atomic
def staff_member_create(*, username: str, password: str, role: str, email: str = "") -> User:
    """Create a staff user (admin access, no superuser) in the group of ``role``.

    Run ``roles_sync()`` first. Raises Group.DoesNotExist for an unknown role.
    """
    group = Group.objects.get(name=role)
    user = User.objects.create_user(
        username=username, password=password, email=email, is_staff=True
    )
    user.groups.add(group)
    staff_email_verify(user=user)
    audit_record(actor=None, action="user.roles_change", target=user, details={"added": [role]})
    return user


def staff_email_verify(*, user: User) -> None:
    """Mark a staff member's address verified: the administrator who created the account
    vouches for it, and allauth's mandatory verification would otherwise block the sign-in."""
    from allauth.account.models import EmailAddress

    if user.email:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )


@transaction.atomic
def role_assign(*, user: User, role: str, actor: User | None = None) -> None:
    """Add a user to the group of ``role`` and audit it. Raises Group.DoesNotExist."""
    before = set(user.groups.values_list("name", flat=True))
    user.groups.add(Group.objects.get(name=role))
    roles_change_record(actor=actor, user=user, before=before)


def roles_change_record(*, actor: User | None, user: User, before: set[str]) -> None:
    """Audit a change of ``user``'s groups from ``before`` to what they are now (if any)."""
    after = set(user.groups.values_list("name", flat=True))
    if after != before:
        audit_record(
            actor=actor,
            action="user.roles_change",
            target=user,
            details={"added": sorted(after - before), "removed": sorted(before - after)},
        )
