"""The loan page's actions as data (issue #6): a label, an admin URL and a permission each.

Another module adds an action with ``loan_action_register`` (the approvals work adds waiver
requests this way); the page lists the ones the user may take on that loan, so a button is
never shown to someone whose POST would be refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from loans.servicing.models import Loan, LoanStatus


def _active(loan: Loan) -> bool:
    return loan.status == LoanStatus.ACTIVE


def _has_repayments(loan: Loan) -> bool:
    return loan.status in (LoanStatus.ACTIVE, LoanStatus.PAID_OFF)


@dataclass(frozen=True, slots=True)
class LoanAction:
    key: str
    label: str | Promise
    url_name: str  # an admin URL name taking the loan id
    permission: str
    applies: Callable[[Loan], bool] = _active


@dataclass(frozen=True, slots=True)
class ActionLink:
    key: str
    label: str | Promise
    url: str


LOAN_ACTIONS: list[LoanAction] = [
    LoanAction(
        "offline_repayment",
        _("Record an offline repayment"),
        "admin:servicing_loan_desk_repayment",
        "servicing.add_repayment",
    ),
    LoanAction(
        "reverse_repayment",
        _("Reverse a repayment"),
        "admin:servicing_loan_desk_reverse",
        "servicing.reverse_repayment",
        _has_repayments,
    ),
    LoanAction(
        "promise_to_pay",
        _("Note a promise to pay"),
        "admin:servicing_loan_desk_promise",
        "servicing.add_promisetopay",
    ),
    LoanAction(
        "contact_note",
        _("Add a contact note"),
        "admin:servicing_loan_desk_note",
        "servicing.add_contactnote",
    ),
    # Both need a second approver: they open a request for the approvals queue (#6).
    LoanAction(
        "waiver_request",
        _("Request a waiver"),
        "admin:servicing_loan_desk_waive",
        "approvals.request_waiver",
    ),
    LoanAction(
        "write_off_request",
        _("Request write-off"),
        "admin:servicing_loan_desk_write_off",
        "approvals.request_write_off",
    ),
]


def loan_action_register(action: LoanAction) -> None:
    """Add an action to every loan page (replacing one with the same key)."""
    LOAN_ACTIONS[:] = [a for a in LOAN_ACTIONS if a.key != action.key] + [action]


def loan_action(key: str) -> LoanAction:
    return next(action for action in LOAN_ACTIONS if action.key == key)


def loan_actions_for(*, user: User, loan: Loan) -> list[ActionLink]:
    """Return the actions ``user`` may take on ``loan`` now, as links."""
    return [
        ActionLink(action.key, action.label, reverse(action.url_name, args=[loan.pk]))
        for action in LOAN_ACTIONS
        if user.has_perm(action.permission) and action.applies(loan)
    ]
