"""Maker-checker requests and their replay (PRODUCT §2.4, §6; issue #6).

A maker asks (``*_request``); a different checker approves (``approval_approve``) or rejects
(``approval_reject``, with a reason). Approving replays the request's payload through the
service that would have done it directly: ``loan_disburse``, ``write_off_post``, ``waiver_post``,
``adjustment_post``, ``product_change_apply``. The decision and the replay share one
transaction under the request's row lock, so an approval executes exactly once.

Who may ask and who may decide each kind are permissions (``loans.request_<kind>``,
``loans.approve_<kind>``) given to roles in accounts.roles; these services check them too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from loans.approvals.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from loans.approvals.services.approvals import (
    ApprovalRefused,
    approval_decide,
    approval_open,
    approval_permission_require,
)
from loans.domain.allocation import Component
from loans.domain.delinquency import write_off_eligible
from loans.errors import LendingError
from loans.ledger.periods import month_parse, period_reopen, period_reopen_check
from loans.origination.models import LoanProduct
from loans.origination.services.drawdown import DisbursementRefused, loan_cancel, loan_disburse
from loans.origination.services.products import (
    product_change_apply,
    product_changes_to_payload,
    product_validate,
    product_with_changes,
)
from loans.servicing.models import Loan, LoanStatus
from loans.servicing.services.adjustments import Adjustment, adjustment_check, adjustment_post
from loans.servicing.services.collections import (
    WriteOffRefused,
    waiver_check,
    waiver_post,
    write_off_post,
)


class ProductChangeRefused(LendingError):
    code = "product_change_refused"


_require = approval_permission_require


# --- requests ----------------------------------------------------------------------------------


@transaction.atomic
def waiver_request(
    *,
    loan: Loan,
    installment_number: int,
    component: Component,
    amount: Decimal,
    officer: User,
    reason: str,
) -> ApprovalRequest:
    """Ask a second officer to waive penalty, fee or interest owed on one installment.

    Checked now and again on approval. Raises ApprovalNotPermitted, WaiverRefused,
    ApprovalRefused (one pending waiver per loan).
    """
    _require(officer, ApprovalKind.WAIVER, "request")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    waiver_check(
        loan=loan, installment_number=installment_number, component=component, amount=amount
    )
    payload = {
        "installment_number": installment_number,
        "component": component.value,
        "amount": str(amount),
    }
    return approval_open(
        kind=ApprovalKind.WAIVER, officer=officer, reason=reason, loan=loan, payload=payload
    )


@transaction.atomic
def adjustment_request(
    *, loan: Loan, adjustment: Adjustment, officer: User, reason: str
) -> ApprovalRequest:
    """Ask a second officer to post a manual ledger adjustment on a loan.

    Raises ApprovalNotPermitted, AdjustmentRefused, ApprovalRefused.
    """
    _require(officer, ApprovalKind.MANUAL_ADJUSTMENT, "request")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    adjustment_check(loan=loan, adjustment=adjustment)
    return approval_open(
        kind=ApprovalKind.MANUAL_ADJUSTMENT,
        officer=officer,
        reason=reason,
        loan=loan,
        payload=adjustment.to_payload(),
    )


@transaction.atomic
def product_change_request(
    *, product: LoanProduct, changes: dict[str, Any], officer: User, reason: str = ""
) -> ApprovalRequest:
    """Ask a second officer to change a product's settings (only the fields that differ).

    Raises ApprovalNotPermitted, ProductChangeRefused (nothing changes, or the changed product
    would break the caps: as at approval), ApprovalRefused (a change is already pending).
    """
    _require(officer, ApprovalKind.PRODUCT_CHANGE, "request")
    payload = product_changes_to_payload(
        {name: value for name, value in changes.items() if getattr(product, name) != value}
    )
    if not payload:
        raise ProductChangeRefused("Nothing to change.")
    try:
        product_validate(product_with_changes(product, payload))
    except ValidationError as error:
        raise ProductChangeRefused("; ".join(error.messages)) from error
    return approval_open(
        kind=ApprovalKind.PRODUCT_CHANGE,
        officer=officer,
        reason=reason,
        product=product,
        payload=payload,
    )


@transaction.atomic
def disbursement_request(*, loan: Loan, officer: User, reason: str = "") -> ApprovalRequest:
    """Ask for a second officer's approval to disburse a large pending loan.

    Raises ApprovalNotPermitted without ``loans.request_disbursement``, DisbursementRefused.
    """
    approval_permission_require(officer, ApprovalKind.DISBURSEMENT, "request")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.PENDING_DISBURSEMENT:
        raise DisbursementRefused(f"Loan {loan.pk} is {loan.status}, not pending disbursement.")
    return approval_open(loan=loan, kind=ApprovalKind.DISBURSEMENT, officer=officer, reason=reason)


@transaction.atomic
def write_off_request(*, loan: Loan, officer: User, as_of: date, reason: str) -> ApprovalRequest:
    """Ask a second officer to write a loan off; it must be ``write_off_days`` past due.

    Raises ApprovalNotPermitted (without ``loans.request_write_off``), WriteOffRefused.
    """
    approval_permission_require(officer, ApprovalKind.WRITE_OFF, "request")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.ACTIVE:
        raise WriteOffRefused(f"Loan {loan.pk} is {loan.status}.")
    if not write_off_eligible(days_past_due=loan.days_past_due, write_off_days=loan.write_off_days):
        raise WriteOffRefused(
            f"Loan {loan.pk} is {loan.days_past_due} days past due; write-off needs "
            f"{loan.write_off_days}."
        )
    return approval_open(loan=loan, kind=ApprovalKind.WRITE_OFF, officer=officer, reason=reason)


@transaction.atomic
def period_reopen_request(*, month: date, officer: User, reason: str) -> ApprovalRequest:
    """Ask a second officer to reopen a closed accounting period (issue #19, PRODUCT §13).

    Raises ApprovalNotPermitted, PeriodCloseRefused (the month is not closed), ApprovalRefused
    (no reason given, or a reopening of the month already waits).
    """
    _require(officer, ApprovalKind.PERIOD_REOPEN, "request")
    if not reason.strip():
        raise ApprovalRefused("Give the reason for reopening the period.")
    period = period_reopen_check(month=month)  # locks the period: one request at a time
    key = f"{period.month:%Y-%m}"
    if ApprovalRequest.objects.filter(
        kind=ApprovalKind.PERIOD_REOPEN, status=ApprovalStatus.PENDING, payload__month=key
    ).exists():
        raise ApprovalRefused(f"Reopening {key} already waits for a second officer.")
    return approval_open(
        kind=ApprovalKind.PERIOD_REOPEN, officer=officer, reason=reason, payload={"month": key}
    )


# --- decisions ---------------------------------------------------------------------------------


def _loan_of(request: ApprovalRequest) -> Loan:
    if request.loan is None:  # the database requires a loan on every kind but PRODUCT_CHANGE
        raise ApprovalRefused(f"Request {request.pk} names no loan.")
    return request.loan


def _disburse(request: ApprovalRequest, officer: User, as_of: date) -> None:
    loan_disburse(loan=_loan_of(request), as_of=as_of, user=officer)


def _write_off(request: ApprovalRequest, officer: User, as_of: date) -> None:
    write_off_post(loan_id=_loan_of(request).pk, officer=officer, as_of=as_of, memo=request.reason)


def _waive(request: ApprovalRequest, officer: User, as_of: date) -> None:
    waiver_post(
        loan=_loan_of(request),
        installment_number=int(request.payload["installment_number"]),
        component=Component(request.payload["component"]),
        amount=Decimal(request.payload["amount"]),
        as_of=as_of,
        user=officer,
        reason=request.reason,
    )


def _adjust(request: ApprovalRequest, officer: User, as_of: date) -> None:
    adjustment_post(
        loan=_loan_of(request),
        adjustment=Adjustment.from_payload(request.payload),
        as_of=as_of,
        user=officer,
        memo=request.reason,
    )


def _change_product(request: ApprovalRequest, officer: User, as_of: date) -> None:
    if request.product is None:
        raise ApprovalRefused(f"Request {request.pk} names no product.")
    try:
        product_change_apply(product=request.product, payload=request.payload, user=officer)
    except ValidationError as error:
        raise ProductChangeRefused("; ".join(error.messages)) from error


def _reopen_period(request: ApprovalRequest, officer: User, as_of: date) -> None:
    period_reopen(month=month_parse(request.payload["month"]), user=officer, reason=request.reason)


REPLAY: dict[str, Callable[[ApprovalRequest, User, date], None]] = {
    ApprovalKind.DISBURSEMENT: _disburse,
    ApprovalKind.WRITE_OFF: _write_off,
    ApprovalKind.WAIVER: _waive,
    ApprovalKind.MANUAL_ADJUSTMENT: _adjust,
    ApprovalKind.PRODUCT_CHANGE: _change_product,
    ApprovalKind.PERIOD_REOPEN: _reopen_period,
}


@transaction.atomic
def approval_approve(*, request: ApprovalRequest, officer: User, as_of: date) -> ApprovalRequest:
    """Approve a pending request as the second officer and replay it through its service.

    Exactly once: the request row is locked and must still be pending. When the replay is
    refused (the loan moved on, a cap changed) nothing is written and the request stays
    pending. Raises ApprovalNotPermitted, MakerCheckerViolation, ApprovalRefused and the
    replayed service's refusals.
    """
    kind = ApprovalKind(request.kind)
    _require(officer, kind, "approve")
    decided = approval_decide(request=request, kind=kind, officer=officer, approve=True)
    REPLAY[kind](decided, officer, as_of)
    return decided


@transaction.atomic
def approval_reject(*, request: ApprovalRequest, officer: User, reason: str) -> ApprovalRequest:
    """Reject a pending request as the second officer; the reason is kept.

    A rejected disbursement cancels the loan and frees its amount on the credit line; other
    kinds change nothing but the request. Raises ApprovalNotPermitted, ApprovalRefused,
    MakerCheckerViolation.
    """
    kind = ApprovalKind(request.kind)
    _require(officer, kind, "approve")
    if not reason.strip():
        raise ApprovalRefused("Give the reason for the rejection.")
    decided = approval_decide(
        request=request, kind=kind, officer=officer, approve=False, note=reason
    )
    if kind == ApprovalKind.DISBURSEMENT:
        loan_cancel(loan=_loan_of(decided))
    return decided


def _grouped(amount: Decimal | str) -> str:
    """``25000.00`` as ``25,000.00``: the messages put the ¥ in front (issue #23)."""
    return f"{Decimal(amount):,.2f}"


def approval_effect(request: ApprovalRequest) -> list[str]:
    """Describe, for the confirmation page, what approving ``request`` will do."""
    payload = request.payload
    loan = request.loan
    if request.kind == ApprovalKind.DISBURSEMENT and loan is not None:
        return [
            _("Disburse loan %(loan)s: ¥%(amount)s to card %(card)s.")
            % {
                "loan": loan.pk,
                "amount": _grouped(loan.principal_amount),
                "card": loan.borrower.bank_card_masked,
            },
            _("The loan becomes active and its schedule starts on the business date."),
        ]
    if request.kind == ApprovalKind.WRITE_OFF and loan is not None:
        return [
            _("Write off loan %(loan)s: ¥%(principal)s of principal to credit losses.")
            % {"loan": loan.pk, "principal": _grouped(loan.principal_outstanding_amount)},
            _("Interest ¥%(interest)s, fees ¥%(fee)s and penalty ¥%(penalty)s are reversed.")
            % {
                "interest": _grouped(loan.interest_receivable_amount),
                "fee": _grouped(loan.fee_receivable_amount),
                "penalty": _grouped(loan.penalty_receivable_amount),
            },
            _("The borrower's credit line is frozen."),
        ]
    if request.kind == ApprovalKind.WAIVER and loan is not None:
        return [
            _("Waive ¥%(amount)s of %(component)s on installment %(number)s of loan %(loan)s.")
            % {
                "amount": _grouped(payload["amount"]),
                "component": payload["component"].lower(),
                "number": payload["installment_number"],
                "loan": loan.pk,
            }
        ]
    if request.kind == ApprovalKind.MANUAL_ADJUSTMENT and loan is not None:
        return [
            _("Post on loan %(loan)s: debit %(debit)s, credit %(credit)s, ¥%(amount)s.")
            % {"loan": loan.pk, **payload, "amount": _grouped(payload["amount"])}
        ]
    if request.kind == ApprovalKind.PRODUCT_CHANGE and request.product is not None:
        return [
            _("Product %(code)s: %(field)s from %(old)s to %(new)s.")
            % {
                "code": request.product.code,
                "field": name,
                "old": getattr(request.product, name),
                "new": value,
            }
            for name, value in payload.items()
        ]
    if request.kind == ApprovalKind.PERIOD_REOPEN:
        return [
            _("Reopen the accounting period %(month)s: entries may be booked in it again.")
            % {"month": payload["month"]}
        ]
    return []


def rejection_effect(request: ApprovalRequest) -> str:
    """Describe, for the confirmation page, what rejecting ``request`` will do."""
    if request.kind == ApprovalKind.DISBURSEMENT:
        return _("The loan is cancelled and its amount is freed on the credit line.")
    return _("Nothing is posted; the request is closed with your reason.")
