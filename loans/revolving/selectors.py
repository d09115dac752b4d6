"""Reads of revolving credit for the doors: accounts as a borrower or a partner sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from accounts.models import Borrower
from loans.revolving.models import (
    FeePayer,
    InstallmentPlan,
    Order,
    OrderStatus,
    PlanInstallment,
    RevolvingAccount,
    RevolvingPayment,
    Statement,
)

ZERO = Decimal("0.00")


def revolving_account_of(*, borrower: Borrower) -> RevolvingAccount | None:
    """The borrower's revolving account, with its credit line and product, or None."""
    return (
        RevolvingAccount.objects.select_related("credit_line", "product")
        .filter(credit_line__borrower=borrower)
        .first()
    )


def revolving_account_exists(*, user_id: int) -> bool:
    """Whether the user is a borrower with a revolving account (the portal's "Bills" link)."""
    return RevolvingAccount.objects.filter(credit_line__borrower__user_id=user_id).exists()


@dataclass(frozen=True, slots=True)
class OwedAfter:
    """What a payment of ``amount`` leaves, by PRODUCT §10's allocation order (see
    ``RevolvingOwed.after``): still owed on the bills, the minimum still unpaid, the purchases
    not billed yet it pays, and what becomes credit balance."""

    amount: Decimal
    in_full_amount: Decimal
    minimum_amount: Decimal
    unbilled_paid_amount: Decimal
    to_credit_amount: Decimal


@dataclass(frozen=True, slots=True)
class RevolvingOwed:
    """What a revolving account owes now, as the borrower pays it (PRODUCT §10), in CNY.

    ``bills_amount``: every bill's own parts still unpaid (so the statement balance left: the
    latest bill's total carries the earlier bills' unpaid parts); ``charges_since_amount``: the
    interest and penalty charged since the last bill (the next bill carries them). Paying in
    full is both: allocation takes penalty and interest first, so without the charges since
    the bill some of its principal would stay unpaid (and bear interest). ``minimum_amount``:
    the minimum still unpaid on all bills; ``unbilled_amount``: the plain purchases not billed
    yet, still unpaid.
    """

    bills_amount: Decimal
    charges_since_amount: Decimal
    minimum_amount: Decimal
    unbilled_amount: Decimal
    credit_balance_amount: Decimal
    credit_limit_amount: Decimal
    available_amount: Decimal

    @property
    def in_full_amount(self) -> Decimal:
        """Pay in full: what the bills still owe, with the charges since the last bill."""
        return self.bills_amount + self.charges_since_amount

    @property
    def everything_amount(self) -> Decimal:
        """All a payment can pay now: the bills in full and the purchases not billed yet."""
        return self.in_full_amount + self.unbilled_amount

    @property
    def most_amount(self) -> Decimal:
        """The most a portal payment may be: everything owed now and, beyond it, as much as the
        credit limit kept as credit balance (more is a typing slip, not a prepayment)."""
        return self.everything_amount + self.credit_limit_amount

    @property
    def paid(self) -> bool:
        """Nothing is owed on the bills (nor charged since them)."""
        return self.in_full_amount == ZERO

    def after(self, amount: Decimal) -> OwedAfter:
        """What paying ``amount`` leaves, exactly as ``payment_allocate`` takes it: everything
        of ``in_full_amount`` comes before the purchases not billed yet, every fen counts toward
        the unpaid minimum, and what nothing takes is credit balance. No rounding."""
        to_bills = min(amount, self.in_full_amount)
        to_unbilled = min(amount - to_bills, self.unbilled_amount)
        return OwedAfter(
            amount=amount,
            in_full_amount=self.in_full_amount - to_bills,
            minimum_amount=max(ZERO, self.minimum_amount - amount),
            unbilled_paid_amount=to_unbilled,
            to_credit_amount=amount - to_bills - to_unbilled,
        )


def revolving_owed_for(*, account: RevolvingAccount) -> RevolvingOwed:
    """What ``account`` owes now (``RevolvingOwed``), read as stored: two aggregates."""
    bills = Statement.objects.filter(account=account).aggregate(
        unpaid=Coalesce(
            Sum(
                F("revolving_principal_unpaid_amount")
                + F("installment_principal_unpaid_amount")
                + F("fees_unpaid_amount")
                + F("interest_unpaid_amount")
                + F("penalty_unpaid_amount")
            ),
            ZERO,
        ),
        minimum=Coalesce(Sum("minimum_unpaid_amount"), ZERO),
    )
    unbilled = Order.objects.filter(
        account=account,
        status=OrderStatus.CAPTURED,
        statement__isnull=True,
        plan_term__isnull=True,
    ).aggregate(left=Coalesce(Sum(F("amount") - F("refunded_amount") - F("paid_amount")), ZERO))[
        "left"
    ]
    line = account.credit_line
    return RevolvingOwed(
        bills_amount=bills["unpaid"],
        charges_since_amount=account.unbilled_interest_amount + account.unbilled_penalty_amount,
        minimum_amount=bills["minimum"],
        unbilled_amount=unbilled,
        credit_balance_amount=account.credit_balance_amount,
        credit_limit_amount=line.limit_amount,
        available_amount=line.available_amount,
    )


@dataclass(frozen=True, slots=True)
class PaymentParts:
    """Where a revolving payment went, as a receipt shows it: by part (PENALTY, INTEREST, FEE,
    PRINCIPAL: billed and unbilled principal together) and what became credit balance."""

    parts: dict[str, Decimal]
    to_credit_amount: Decimal


_RECEIPT_PART = {
    "PENALTY": "PENALTY",
    "INTEREST": "INTEREST",
    "FEES": "FEE",
    "INSTALLMENT_PRINCIPAL": "PRINCIPAL",
    "REVOLVING_PRINCIPAL": "PRINCIPAL",
}


def revolving_payment_parts(payment: RevolvingPayment) -> PaymentParts:
    """The parts ``payment`` paid, from its stored allocation lines; the rest is credit."""
    parts: dict[str, Decimal] = {}
    for line in payment.allocation:
        key = _RECEIPT_PART[str(line["part"])]
        parts[key] = parts.get(key, ZERO) + Decimal(str(line["amount"]))
    return PaymentParts(parts=parts, to_credit_amount=payment.amount - sum(parts.values(), ZERO))


@dataclass(frozen=True)
class RevolvingBoard:
    """What the borrower's bills page shows: the account, the latest bill and its purchases,
    the purchases not billed yet, the earlier bills (newest first), the minimum still to pay
    on all bills, the installment plans with installments still to bill (newest first), and
    what is still owed now (``owed``: what the page's pay buttons offer)."""

    account: RevolvingAccount
    available: Decimal
    latest: Statement | None
    latest_purchases: list[Order]
    unbilled: list[Order]
    earlier: list[Statement]
    minimum_unpaid: Decimal
    plans: list[InstallmentPlan]
    owed: RevolvingOwed


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
        owed=revolving_owed_for(account=account),
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
    posted at each cut (Dr SUBSIDY_RECEIVABLE, Cr FEE_INCOME)."""
    if plan.fee_payer != FeePayer.MERCHANT:
        return Decimal("0.00")
    total = plan.installments.aggregate(total=Sum("fee_amount"))["total"]
    return total or Decimal("0.00")


def merchant_subsidies_billed(*, start: date, end: date) -> dict[int, Decimal]:
    """Per partner, the subsidised-plan fees billed on statement dates in [start, end): what
    each partner owes for 免息 plans on those dates (the cut posted them: Dr SUBSIDY_RECEIVABLE
    in the account's sub-ledger, Cr FEE_INCOME; the settlement withholds them)."""
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
