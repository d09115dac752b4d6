"""What a checker sees before deciding a request (issue #23): who borrows, on which line and
grade, why the line was granted, who asked and why, how much and where it goes.

One query (the request with its loan, borrower, credit line and the application that granted
it, and the maker); labels come from ``loans.backoffice.readable``, so no code or JSON reaches
the page. The amounts stay ``Decimal``; the template formats them (``yuan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import User
from loans.approvals.models import ApprovalKind, ApprovalRequest
from loans.approvals.services.maker_checker import approval_effect
from loans.backoffice.readable import code_label
from loans.ledger.models import AccountCode
from loans.servicing.models import CreditLine, Loan

COMPONENT_LABELS = {
    "PRINCIPAL": "principal",
    "INTEREST": "interest",
    "FEE": "fee",
    "PENALTY": "penalty",
}


@dataclass(frozen=True, slots=True)
class ApprovalContext:
    approval: ApprovalRequest
    borrower_name: str
    borrower_id_masked: str
    credit_line: CreditLine | None
    grade: str
    decision_reasons: list[str]  # translated labels of the line's credit decision
    maker: str
    maker_reason: str
    amount: Decimal | None
    destination: str
    effect: list[str]


def user_label(user: User | None) -> str:
    """``username (Full Name)``, or the username alone."""
    if user is None:
        return "-"
    full_name = user.get_full_name()
    return f"{user.username} ({full_name})" if full_name else user.username


def approval_context_get(*, approval_id: int) -> ApprovalContext:
    """Return the context of request ``approval_id`` (raises ApprovalRequest.DoesNotExist)."""
    approval = ApprovalRequest.objects.select_related(
        "loan__borrower",
        "loan__credit_line__application",
        "loan__product",
        "product",
        "requested_by",
        "decided_by",
    ).get(pk=approval_id)
    return _context_of(approval)


def disbursement_request_context(*, loan_id: int, officer: User) -> ApprovalContext:
    """The same context for the maker, before the disbursement request exists (not saved)."""
    loan = Loan.objects.select_related("borrower", "credit_line__application", "product").get(
        pk=loan_id
    )
    return _context_of(
        ApprovalRequest(kind=ApprovalKind.DISBURSEMENT, loan=loan, requested_by=officer)
    )


def _context_of(approval: ApprovalRequest) -> ApprovalContext:
    loan = approval.loan
    line = loan.credit_line if loan is not None else None
    amount, destination = _amount_and_destination(approval)
    return ApprovalContext(
        approval=approval,
        borrower_name=loan.borrower.full_name if loan else "-",
        borrower_id_masked=loan.borrower.id_number_masked if loan else "-",
        credit_line=line,
        grade=line.grade if line else "-",
        decision_reasons=[code_label(code) for code in (line.application.reasons if line else [])],
        maker=user_label(approval.requested_by),
        maker_reason=approval.reason,
        amount=amount,
        destination=destination,
        effect=approval_effect(approval),
    )


def _amount_and_destination(approval: ApprovalRequest) -> tuple[Decimal | None, str]:
    loan, payload = approval.loan, approval.payload
    if loan is None:  # a product change moves no money
        return None, _("No money moves: the product's settings change.")
    if approval.kind == ApprovalKind.DISBURSEMENT:
        return loan.principal_amount, _("Paid to the borrower's bank card %(card)s") % {
            "card": loan.borrower.bank_card_masked
        }
    if approval.kind == ApprovalKind.WRITE_OFF:
        return loan.principal_outstanding_amount, _(
            "Principal outstanding moved to credit losses; the credit line is frozen"
        )
    if approval.kind == ApprovalKind.WAIVER:
        component = str(payload.get("component", ""))
        return Decimal(str(payload["amount"])), _(
            "Waived from the %(component)s of installment %(number)s"
        ) % {
            "component": _(COMPONENT_LABELS.get(component, component.lower())),
            "number": payload.get("installment_number"),
        }
    if approval.kind == ApprovalKind.MANUAL_ADJUSTMENT:
        return Decimal(str(payload["amount"])), _("Ledger: debit %(debit)s, credit %(credit)s") % {
            "debit": _account_label(payload["debit"]),
            "credit": _account_label(payload["credit"]),
        }
    return None, "-"


def _account_label(code: str) -> str:
    return _(AccountCode(code).label) if code in AccountCode.values else code
