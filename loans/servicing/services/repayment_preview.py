"""What a repayment would do, shown to the borrower before confirming (PRODUCT §2.5).

The preview runs the real ``repayment_post`` and rolls it back (``dry_run``), so what the
borrower is shown is exactly what confirming will post on the same date: the allocation, the
advance or prepaid principal, and the new schedule of a prepayment. Nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loans.domain.prepayment import PrepaymentMode
from loans.servicing.models import Loan, LoanStatus, RepaymentChannel
from loans.servicing.services.dry_run import dry_run
from loans.servicing.services.repayments import repayment_post

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PreviewRow:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


@dataclass(frozen=True, slots=True)
class RepaymentPreview:
    """The effect of paying ``amount`` on a date (CNY)."""

    amount: Decimal
    allocated: dict[str, Decimal]
    advance: Decimal
    prepaid_principal: Decimal
    overpayment: Decimal
    pays_off: bool
    advance_used: Decimal  # of the advance held before, what this payment's plan applies
    schedule_before: tuple[PreviewRow, ...]
    schedule_after: tuple[PreviewRow, ...]
    total_interest_before: Decimal
    total_interest_after: Decimal

    @property
    def interest_saved(self) -> Decimal:
        return self.total_interest_before - self.total_interest_after


def repayment_preview(
    *, loan: Loan, amount: Decimal, as_of: date, prepayment_mode: PrepaymentMode | None = None
) -> RepaymentPreview:
    """Return what posting ``amount`` on ``as_of`` would do; write nothing (``dry_run``).

    Raises RepaymentRefused exactly as ``repayment_post`` would.
    """
    before = _schedule(loan)
    interest_before = _total_interest(loan)
    advance_before = Loan.objects.values_list("advance_amount", flat=True).get(pk=loan.pk)

    def post_and_read() -> RepaymentPreview:
        repayment = repayment_post(
            loan=loan,
            amount=amount,
            value_date=as_of,
            as_of=as_of,
            channel=RepaymentChannel.PORTAL,
            prepayment_mode=prepayment_mode,
        )
        status, advance_after = Loan.objects.values_list("status", "advance_amount").get(pk=loan.pk)
        return RepaymentPreview(
            amount=amount,
            allocated=_allocated(repayment.allocation.get("parts", [])),
            advance=repayment.advance_amount,
            prepaid_principal=repayment.prepaid_principal_amount,
            overpayment=repayment.overpayment_amount,
            pays_off=status == LoanStatus.PAID_OFF,
            advance_used=max(ZERO, advance_before + repayment.advance_amount - advance_after),
            schedule_before=before,
            schedule_after=_schedule(loan),
            total_interest_before=interest_before,
            total_interest_after=_total_interest(loan),
        )

    return dry_run(post_and_read)


def _allocated(parts: list[dict[str, str | int]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for part in parts:
        component = str(part["component"])
        totals[component] = totals.get(component, ZERO) + Decimal(str(part["amount"]))
    return totals


def _schedule(loan: Loan) -> tuple[PreviewRow, ...]:
    rows = loan.installments.filter(paid_date__isnull=True).order_by("number")
    return tuple(
        PreviewRow(
            number=row.number,
            due_date=row.due_date,
            principal=row.principal_amount - row.principal_paid_amount,
            interest=max(ZERO, row.interest_amount - row.interest_paid_amount),
            fee=max(ZERO, row.fee_amount - row.fee_paid_amount),
        )
        for row in rows
    )


def _total_interest(loan: Loan) -> Decimal:
    return sum((row.interest_amount for row in loan.installments.all()), ZERO)
