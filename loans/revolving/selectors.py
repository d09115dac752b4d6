"""Reads of revolving credit for the doors: accounts as a borrower or a partner sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from accounts.models import Borrower
from loans.revolving.models import (
    FeePayer,
    InstallmentPlan,
    Order,
    OrderStatus,
    PlanInstallment,
    RevolvingAccount,
    Statement,
)


def revolving_account_of(*, borrower: Borrower) -> RevolvingAccount | None:
    """The borrower's revolving account, with its credit line and product, or None."""
    return (
        RevolvingAccount.objects.select_related("credit_line", "product")
        .filter(credit_line__borrower=borrower)
        .first()
    )


@dataclass(frozen=True)
class RevolvingBoard:
    """What the borrower's bills page shows: the account, the latest bill and its purchases,
    the purchases not billed yet, the earlier bills (newest first), the minimum still to pay
    on all bills, and the installment plans with installments still to bill (newest first)."""

    account: RevolvingAccount
    available: Decimal
    latest: Statement | None
    latest_purchases: list[Order]
    unbilled: list[Order]
    earlier: list[Statement]
    minimum_unpaid: Decimal
    plans: list[InstallmentPlan]


def revolving_board_for(*, account: RevolvingAccount, bills: int = 12) -> RevolvingBoard:
    """The bills page of ``account``: the last ``bills`` bills at most."""
    statements = list(Statement.objects.filter(account=account).order_by("-statement_date")[:bills])
    latest = statements[0] if statements else None
    captured = Order.objects.filter(account=account, status=OrderStatus.CAPTURED).select_related(
        "partner"
    )
    return RevolvingBoard(
        account=account,
        available=account.credit_line.available_amount,
        latest=latest,
        latest_purchases=list(captured.filter(statement=latest).order_by("captured_at"))
        if latest is not None
        else [],
        unbilled=list(
            captured.filter(statement__isnull=True, plan_term__isnull=True).order_by("-captured_at")
        ),
        earlier=statements[1:],
        minimum_unpaid=Statement.objects.filter(account=account).aggregate(
            total=Coalesce(Sum("minimum_unpaid_amount"), Decimal("0.00"))
        )["total"],
        plans=plans_open(account=account),
    )


def plans_open(*, account: RevolvingAccount) -> list[InstallmentPlan]:
    """The account's plans with an installment not billed yet, newest first, each with its
    installments, its bill or its order (``left`` = principal not billed yet)."""
    return list(
        InstallmentPlan.objects.filter(account=account, installments__statement__isnull=True)
        .annotate(left=Sum("installments__principal_amount"))
        .select_related("statement", "order__partner")
        .order_by("-id")
    )


def plan_subsidy(plan: InstallmentPlan) -> Decimal:
    """What the partner owes for ``plan``: the fees of a merchant-subsidised plan (免息), less
    those refunds took off; 0.00 when the borrower pays the fees. The fees billed so far are
    posted at each cut (Dr MERCHANT_PAYABLE, Cr FEE_INCOME)."""
    if plan.fee_payer != FeePayer.MERCHANT:
        return Decimal("0.00")
    total = plan.installments.aggregate(total=Sum("fee_amount"))["total"]
    return total or Decimal("0.00")


def merchant_subsidies_billed(*, start: date, end: date) -> dict[int, Decimal]:
    """Per partner, the subsidised-plan fees billed on statement dates in [start, end): what
    each partner owes for 免息 plans on those dates (its settlement withholds them; the cut
    posted them: Dr MERCHANT_PAYABLE in the account's sub-ledger, Cr FEE_INCOME)."""
    rows = (
        PlanInstallment.objects.filter(
            plan__fee_payer=FeePayer.MERCHANT,
            statement__isnull=False,
            statement_date__gte=start,
            statement_date__lt=end,
        )
        .values_list("plan__order__partner_id")
        .annotate(total=Sum("fee_amount"))
    )
    return dict(rows)
