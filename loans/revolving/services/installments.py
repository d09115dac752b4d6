"""Bill installment (账单分期, PRODUCT §10): the borrower turns all or part of a bill's unpaid
revolving principal into 3, 6, 9 or 12 monthly installments (method INSTALLMENT_FEE, the
product's fee table), as ``loans.domain.revolving.installments.bill_installment`` decides.

The quote shows the fee and the APR before confirming; the APR is checked against the cap. On
confirming, under the account's lock: the amount leaves the bill's own revolving principal and
the base of its minimum (the minimum falls), and the plan and its installments are written;
installment k goes on the k-th bill after the converted one (the statement cut bills it, and
posts the fee then: Dr FEE_RECEIVABLE, Cr FEE_INCOME). The principal stays revolving principal
receivable (no journal entry now) and keeps counting against the limit until it is paid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from loans.calendar.selectors import business_date_held
from loans.domain.dates import add_months
from loans.domain.errors import DomainError
from loans.domain.revolving.calendar import next_statement_date
from loans.domain.revolving.installments import (
    InstallmentQuote,
    bill_installment,
    installment_quote,
)
from loans.domain.revolving.state import FeePayer as DomainFeePayer
from loans.domain.revolving.state import InstallmentPlan as DomainPlan
from loans.errors import LendingError
from loans.revolving.models import (
    FeePayer,
    InstallmentPlan,
    Order,
    PlanInstallment,
    PlanKind,
    RevolvingAccount,
    RevolvingAccountStatus,
    Statement,
)
from loans.revolving.services.state import (
    account_bills,
    account_state,
    bills_write,
    product_terms,
)

logger = logging.getLogger(__name__)


class BillInstallmentRefused(LendingError):
    code = "bill_installment_refused"


class BillInstallmentConflict(BillInstallmentRefused):
    """The caller's reference was used before for another plan."""

    code = "duplicate_reference"


@dataclass(frozen=True)
class PlanRow:
    """One installment of a quote, as shown before confirming."""

    number: int
    statement_date: date
    principal: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.fee


@dataclass(frozen=True)
class PlanQuote:
    """What a plan costs: the APR first (PRODUCT §2.2), the fee, the installments."""

    amount: Decimal
    term: int
    borrower_apr: Decimal
    fee_per_installment: Decimal
    borrower_fees: Decimal
    merchant_fees: Decimal
    rows: tuple[PlanRow, ...]

    @property
    def total(self) -> Decimal:
        """What the borrower repays in all."""
        return self.amount + self.borrower_fees


def quote_of(quote: InstallmentQuote) -> PlanQuote:
    """The domain's quote as the doors show it."""
    merchant = quote.fee_payer.value == FeePayer.MERCHANT
    return PlanQuote(
        amount=quote.schedule.principal,
        term=quote.schedule.term,
        borrower_apr=quote.borrower_apr,
        fee_per_installment=quote.fee_per_installment,
        borrower_fees=quote.borrower_fees,
        merchant_fees=quote.merchant_fees,
        rows=tuple(
            PlanRow(i.number, i.due_date, i.principal, Decimal("0.00") if merchant else i.fee)
            for i in quote.schedule.installments
        ),
    )


def bill_installment_quote(*, statement: Statement, amount: Decimal, term: int) -> PlanQuote:
    """Quote turning ``amount`` of ``statement`` into ``term`` installments (not checked against
    the bill; ``bill_installment_create`` checks). Raises BillInstallmentRefused for a term
    outside the fee table, an amount not in whole fen, or an APR above the cap."""
    terms = product_terms(statement.account.product)
    try:
        quote = installment_quote(
            amount=amount,
            term=term,
            first_statement_date=add_months(statement.statement_date, 1),
            terms=terms,
        )
    except DomainError as exc:
        raise BillInstallmentRefused(str(exc)) from exc
    return quote_of(quote)


def purchase_installment_quote(*, order: Order, as_of: date) -> PlanQuote | None:
    """The plan of an order on installments (交易分期) if captured on ``as_of``: installment 1
    on the next bill, the fees the borrower's (0 on a merchant-subsidised plan, whose APR is 0).
    None for an order without a plan. Raises BillInstallmentRefused above the cap."""
    if order.plan_term is None:
        return None
    account = order.account
    try:
        quote = installment_quote(
            amount=order.amount,
            term=order.plan_term,
            first_statement_date=next_statement_date(
                after=as_of, statement_day=account.statement_day
            ),
            terms=product_terms(account.product),
            fee_payer=DomainFeePayer.MERCHANT
            if order.merchant_subsidised
            else DomainFeePayer.BORROWER,
        )
    except DomainError as exc:
        raise BillInstallmentRefused(str(exc)) from exc
    return quote_of(quote)


def bill_installment_open(*, account: RevolvingAccount, as_of: date) -> Statement | None:
    """The bill the borrower may turn into installments on ``as_of``, or None: the latest bill,
    from the day after its statement date through its due date, with revolving principal of its
    own still unpaid of at least the product's minimum (¥100)."""
    latest = Statement.objects.filter(account=account).order_by("-statement_date").first()
    if latest is None or not latest.statement_date < as_of <= latest.due_date:
        return None
    minimum = product_terms(account.product).bill_installment_minimum
    if latest.revolving_principal_unpaid_amount < minimum:
        return None
    return latest


@transaction.atomic
def bill_installment_create(
    *,
    account_id: int,
    statement_date: date,
    amount: Decimal,
    term: int,
    reference: str,
    now: datetime,
) -> tuple[InstallmentPlan, bool]:
    """Turn ``amount`` of the bill of ``statement_date`` into ``term`` installments on the open
    business date; the same reference again returns the first plan. Returns (plan, created).

    Raises BillInstallmentConflict for a reference used for another plan, and
    BillInstallmentRefused when the domain refuses (no such bill, past its due date, less than
    ¥100 or more than the bill's unpaid revolving principal, a term outside the fee table, an
    APR above the cap) or the account is closed; nothing is written then.
    """
    account = (
        RevolvingAccount.objects.select_for_update()
        .select_related("product", "credit_line")
        .get(pk=account_id)
    )
    earlier = InstallmentPlan.objects.filter(account=account, reference=reference).first()
    if earlier is not None:
        return _replayed(earlier, statement_date, amount, term), False
    if account.status != RevolvingAccountStatus.ACTIVE:
        raise BillInstallmentRefused("The revolving account is closed.")
    as_of = business_date_held()
    bills = account_bills(account)
    state = account_state(account, bills, [], plans=[])
    try:
        new_state, plan = bill_installment(
            state,
            statement_date=statement_date,
            amount=amount,
            term=term,
            as_of=as_of,
            terms=product_terms(account.product),
        )
    except DomainError as exc:
        raise BillInstallmentRefused(str(exc)) from exc
    statement = next(s for s in bills if s.statement_date == statement_date)
    bills_write(bills, new_state.bills)
    Statement.objects.filter(pk=statement.pk).update(
        converted_amount=statement.converted_amount + amount
    )
    row = plan_write(
        account,
        plan,
        kind=PlanKind.BILL,
        statement=statement,
        reference=reference,
        as_of=as_of,
        now=now,
    )
    logger.info(
        "bill of %s on revolving account %s: %s in %s installments (plan %s)",
        statement_date,
        account.pk,
        amount,
        term,
        row.pk,
    )
    return row, True


def _replayed(
    plan: InstallmentPlan, statement_date: date, amount: Decimal, term: int
) -> InstallmentPlan:
    same_bill = plan.statement is not None and plan.statement.statement_date == statement_date
    if not (same_bill and plan.amount == amount and plan.term == term):
        raise BillInstallmentConflict(
            f"The reference {plan.reference} was used for plan {plan.pk} "
            f"({plan.amount} in {plan.term} installments)."
        )
    return plan


def plan_write(
    account: RevolvingAccount,
    plan: DomainPlan,
    *,
    kind: PlanKind,
    reference: str,
    as_of: date,
    now: datetime,
    statement: Statement | None = None,
    order_id: int | None = None,
) -> InstallmentPlan:
    """Write the domain's plan and its installments for ``account``."""
    first = plan.installments[0]
    row = InstallmentPlan.objects.create(
        account=account,
        kind=kind,
        statement=statement,
        order_id=order_id,
        amount=plan.amount,
        term=plan.term,
        fee_rate=plan.fee_rate,
        fee_payer=plan.fee_payer.value,
        fee_per_installment_amount=first.fee,
        borrower_apr=plan.borrower_apr,
        value_date=as_of,
        reference=reference,
        created_at=now,
    )
    PlanInstallment.objects.bulk_create(
        PlanInstallment(
            plan=row,
            account=account,
            number=i.number,
            statement_date=i.statement_date,
            principal_amount=i.principal,
            fee_amount=i.fee,
        )
        for i in plan.installments
    )
    return row
