"""A revolving account as the domain sees it (``loans.domain.revolving.state.AccountState``),
read from the database, and the product's terms as ``RevolvingTerms``.

The services that move money on one account (payments, bill installments, refunds, the credit
balance) read the account under its lock, let the domain decide, and write the result back.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import F

from loans.domain.revolving.state import (
    AccountState,
    Bill,
    FeePayer,
    InstallmentPlan,
    PlanInstallment,
    PlanKind,
    Purchase,
)
from loans.domain.revolving.terms import RevolvingTerms
from loans.revolving.models import InstallmentPlan as PlanRow
from loans.revolving.models import (
    Order,
    OrderStatus,
    RevolvingAccount,
    RevolvingProduct,
    Statement,
)


def product_terms(product: RevolvingProduct) -> RevolvingTerms:
    """The product's price and days as the domain's terms (raises what RevolvingTerms raises)."""
    rates = tuple(
        sorted((int(term), Decimal(rate)) for term, rate in product.installment_fee_rates.items())
    )
    return RevolvingTerms(
        daily_rate=product.daily_rate,
        due_days=product.due_days,
        minimum_payment_rate=product.minimum_payment_rate,
        grace_days=product.grace_days,
        penalty_multiplier=product.penalty_multiplier,
        rate_cap=product.rate_cap,
        installment_fee_rates=rates,
    )


def unbilled_orders(account: RevolvingAccount) -> list[Order]:
    """The plain purchases not billed yet that still owe something, oldest first."""
    return list(
        Order.objects.filter(
            account=account,
            status=OrderStatus.CAPTURED,
            statement__isnull=True,
            plan_term__isnull=True,
            amount__gt=F("refunded_amount") + F("paid_amount"),
        ).order_by("captured_at", "id")
    )


def account_bills(account: RevolvingAccount) -> list[Statement]:
    """The account's bills, oldest first."""
    return list(Statement.objects.filter(account=account).order_by("statement_date"))


def account_state(
    account: RevolvingAccount,
    bills: list[Statement],
    orders: list[Order],
    *,
    plans: list[PlanRow] | None = None,
    plan_orders: Sequence[Order] = (),
) -> AccountState:
    """The account as the domain sees it: ``bills`` (oldest first), the unbilled ``orders``,
    the plans with unbilled installments (read here unless given) and the orders on them."""
    if plans is None:
        plans = open_plans(account)
    return AccountState(
        credit_limit=account.credit_line.limit_amount,
        statement_day=account.statement_day,
        opened_on=account.opened_date,
        purchases=tuple(
            [_purchase(account, o) for o in orders]
            + [_plan_purchase(account, o) for o in plan_orders]
        ),
        plans=tuple(plan_domain(p) for p in plans),
        bills=tuple(bill_domain(s) for s in bills),
        unbilled_interest=account.unbilled_interest_amount,
        unbilled_penalty=account.unbilled_penalty_amount,
        credit_balance=account.credit_balance_amount,
        last_statement_date=account.last_statement_date,
    )


def open_plans(account: RevolvingAccount) -> list[PlanRow]:
    """The account's plans that still have an installment not billed yet, with installments."""
    return list(
        PlanRow.objects.filter(account=account, installments__statement__isnull=True)
        .distinct()
        .prefetch_related("installments")
        .order_by("id")
    )


def _purchase(account: RevolvingAccount, order: Order) -> Purchase:
    return Purchase(
        purchase_id=str(order.pk),
        purchase_date=order.captured_date or account.opened_date,
        amount=order.amount,
        refunded=order.refunded_amount,
        unbilled_principal=order.amount - order.refunded_amount - order.paid_amount,
    )


def _plan_purchase(account: RevolvingAccount, order: Order) -> Purchase:
    return Purchase(
        purchase_id=str(order.pk),
        purchase_date=order.captured_date or account.opened_date,
        amount=order.amount,
        refunded=order.refunded_amount,
        plan_id=plan_id_of_order(order),
    )


def plan_id_of_order(order: Order) -> str:
    """The domain's id of the plan an order is on (its plan's primary key)."""
    return str(order.plan.pk)


def plan_domain(plan: PlanRow) -> InstallmentPlan:
    """A plan row and its installments as the domain's plan."""
    return InstallmentPlan(
        plan_id=str(plan.pk),
        kind=PlanKind(plan.kind),
        amount=plan.amount,
        term=plan.term,
        fee_rate=plan.fee_rate,
        fee_payer=FeePayer(plan.fee_payer),
        borrower_apr=plan.borrower_apr,
        installments=tuple(
            PlanInstallment(i.number, i.statement_date, i.principal_amount, i.fee_amount)
            for i in sorted(plan.installments.all(), key=lambda row: row.number)
        ),
    )


def bill_domain(statement: Statement) -> Bill:
    """A bill row as the domain's bill (what it still owes)."""
    return Bill(
        statement_date=statement.statement_date,
        due_date=statement.due_date,
        pay_by_date=statement.pay_by_date,
        revolving_principal=statement.revolving_principal_unpaid_amount,
        installment_principal=statement.installment_principal_unpaid_amount,
        fees=statement.fees_unpaid_amount,
        interest=statement.interest_unpaid_amount,
        penalty=statement.penalty_unpaid_amount,
        minimum_unpaid=statement.minimum_unpaid_amount,
        minimum_base=statement.revolving_principal_amount - statement.converted_amount,
        bears_interest=statement.bears_interest,
    )


BILL_UNPAID_FIELDS = [
    "revolving_principal_unpaid_amount",
    "installment_principal_unpaid_amount",
    "fees_unpaid_amount",
    "interest_unpaid_amount",
    "penalty_unpaid_amount",
    "minimum_unpaid_amount",
]


def bills_write(rows: list[Statement], bills: tuple[Bill, ...]) -> None:
    """Write the domain's bills back onto their rows (same order): the unpaid parts."""
    for row, bill in zip(rows, bills, strict=True):
        row.revolving_principal_unpaid_amount = bill.revolving_principal
        row.installment_principal_unpaid_amount = bill.installment_principal
        row.fees_unpaid_amount = bill.fees
        row.interest_unpaid_amount = bill.interest
        row.penalty_unpaid_amount = bill.penalty
        row.minimum_unpaid_amount = bill.minimum_unpaid
    Statement.objects.bulk_update(rows, BILL_UNPAID_FIELDS)
