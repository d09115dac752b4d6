"""Posting a payment on a revolving account (PRODUCT §10): allocated by the domain
(``loans.domain.revolving.allocation.payment_allocate``) over the account as the database holds
it, then written back: each bill's unpaid parts and its share of the minimum, the purchases not
billed yet, the account's and the line's principal (the limit comes back by the principal
paid), the account's interest and penalty charged since the last cut, and one journal entry
(Dr cash, Cr penalty, interest and revolving principal receivable).

No fee is charged on revolving accounts yet, and a credit balance is not kept yet: a payment
above what is owed is refused (docs/revolving.md).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loans.calendar.selectors import business_date_held
from loans.domain.revolving.allocation import (
    AllocationLine,
    Part,
    PaymentAllocation,
    payment_allocate,
)
from loans.domain.revolving.state import AccountState, Bill, Purchase, debt_outstanding
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import credit, debit, entry_post
from loans.revolving.models import (
    Order,
    OrderStatus,
    RevolvingAccount,
    RevolvingPayment,
    RevolvingPaymentChannel,
    Statement,
)
from loans.servicing.models import CreditLine

logger = logging.getLogger(__name__)


class RevolvingPaymentRefused(LendingError):
    code = "revolving_payment_refused"


class RevolvingPaymentDuplicate(RevolvingPaymentRefused):
    """The payer's reference was used before for another amount."""

    code = "duplicate_reference"


@transaction.atomic
def revolving_payment_post(
    *,
    account_id: int,
    amount: Decimal,
    channel: RevolvingPaymentChannel,
    reference: str,
    now: datetime,
) -> tuple[RevolvingPayment, bool]:
    """Post a payment of ``amount`` on the open business date; the same reference again
    returns the first. Returns (payment, created).

    Raises RevolvingPaymentDuplicate for a reference used with another amount, and
    RevolvingPaymentRefused for an amount not in whole fen, not positive, or above what is
    owed; nothing is written then.
    """
    account = RevolvingAccount.objects.select_for_update().get(pk=account_id)
    earlier = RevolvingPayment.objects.filter(account=account, reference=reference).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise RevolvingPaymentDuplicate(
                f"The reference {reference} was used for a payment of {earlier.amount}."
            )
        return earlier, False
    bills = list(Statement.objects.filter(account=account).order_by("statement_date"))
    orders = list(_unbilled(account))
    state = _state(account, bills, orders)
    _payment_check(amount, debt_outstanding(state))
    new_state, allocation = payment_allocate(state, amount=amount)
    _bills_write(bills, new_state.bills)
    _orders_write(orders, new_state.purchases)
    RevolvingAccount.objects.filter(pk=account.pk).update(
        unbilled_interest_amount=new_state.unbilled_interest,
        unbilled_penalty_amount=new_state.unbilled_penalty,
    )
    payment = _post(account, amount, allocation, channel, reference, now)
    logger.info("payment %s of %s on revolving account %s", payment.pk, amount, account.pk)
    return payment, True


def _unbilled(account: RevolvingAccount) -> list[Order]:
    """The purchases not billed yet that still owe something, oldest first."""
    return list(
        Order.objects.filter(
            account=account,
            status=OrderStatus.CAPTURED,
            statement__isnull=True,
            amount__gt=F("refunded_amount") + F("paid_amount"),
        ).order_by("captured_at", "id")
    )


def _state(account: RevolvingAccount, bills: list[Statement], orders: list[Order]) -> AccountState:
    """The account as the domain sees it (no plans or credit exist yet)."""
    return AccountState(
        credit_limit=account.credit_line.limit_amount,
        statement_day=account.statement_day,
        opened_on=account.opened_date,
        purchases=tuple(
            Purchase(
                purchase_id=str(o.pk),
                purchase_date=o.captured_date or account.opened_date,
                amount=o.amount,
                refunded=o.refunded_amount,
                unbilled_principal=o.amount - o.refunded_amount - o.paid_amount,
            )
            for o in orders
        ),
        bills=tuple(_bill(s) for s in bills),
        unbilled_interest=account.unbilled_interest_amount,
        unbilled_penalty=account.unbilled_penalty_amount,
        last_statement_date=account.last_statement_date,
    )


def _bill(statement: Statement) -> Bill:
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
        minimum_base=statement.revolving_principal_amount,
        bears_interest=statement.bears_interest,
    )


def _payment_check(amount: Decimal, owed: Decimal) -> None:
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RevolvingPaymentRefused("A payment is a positive amount in whole fen.")
    if amount > owed:
        raise RevolvingPaymentRefused(
            f"A payment of {amount} is more than the {owed} owed; nothing was posted."
        )


def _bills_write(rows: list[Statement], bills: tuple[Bill, ...]) -> None:
    for row, bill in zip(rows, bills, strict=True):
        row.revolving_principal_unpaid_amount = bill.revolving_principal
        row.installment_principal_unpaid_amount = bill.installment_principal
        row.fees_unpaid_amount = bill.fees
        row.interest_unpaid_amount = bill.interest
        row.penalty_unpaid_amount = bill.penalty
        row.minimum_unpaid_amount = bill.minimum_unpaid
    Statement.objects.bulk_update(
        rows,
        [
            "revolving_principal_unpaid_amount",
            "installment_principal_unpaid_amount",
            "fees_unpaid_amount",
            "interest_unpaid_amount",
            "penalty_unpaid_amount",
            "minimum_unpaid_amount",
        ],
    )


def _orders_write(orders: list[Order], purchases: tuple[Purchase, ...]) -> None:
    left = {p.purchase_id: p.unbilled_principal for p in purchases}
    for order in orders:
        order.paid_amount = order.amount - order.refunded_amount - left[str(order.pk)]
    Order.objects.bulk_update(orders, ["paid_amount"])


def _post(
    account: RevolvingAccount,
    amount: Decimal,
    allocation: PaymentAllocation,
    channel: RevolvingPaymentChannel,
    reference: str,
    now: datetime,
) -> RevolvingPayment:
    principal = allocation.total_for(Part.REVOLVING_PRINCIPAL) + allocation.total_for(
        Part.INSTALLMENT_PRINCIPAL
    )
    interest = allocation.total_for(Part.INTEREST)
    penalty = allocation.total_for(Part.PENALTY)
    if principal + interest + penalty != amount:  # pragma: no cover - no fee exists yet
        raise RuntimeError("A revolving payment went to a fee, which does not exist yet.")
    as_of = business_date_held()
    CreditLine.objects.filter(pk=account.credit_line_id).update(
        used_amount=F("used_amount") - principal, updated_at=timezone.now()
    )
    RevolvingAccount.objects.filter(pk=account.pk).update(
        principal_amount=F("principal_amount") - principal
    )
    entry = entry_post(
        entry_type=EntryType.REPAYMENT,
        value_date=as_of,
        lines=[
            debit(AccountCode.CASH, amount),
            credit(AccountCode.PENALTY_RECEIVABLE, penalty),
            credit(AccountCode.INTEREST_RECEIVABLE, interest),
            credit(AccountCode.REVOLVING_RECEIVABLE, principal),
        ],
        revolving_account_id=account.pk,
        memo=f"Payment on revolving account {account.pk}",
    )
    return RevolvingPayment.objects.create(
        account=account,
        amount=amount,
        value_date=as_of,
        channel=channel,
        reference=reference,
        allocation=[_line(line) for line in allocation.lines],
        minimum_paid_amount=allocation.minimum_paid,
        entry=entry,
        created_at=now,
    )


def _line(line: AllocationLine) -> dict[str, str | None]:
    """One allocation line as JSON: step and part by name, amounts as strings."""
    return {
        "step": line.step.name,
        "part": line.part.name,
        "statement_date": line.statement_date.isoformat() if line.statement_date else None,
        "purchase_id": line.purchase_id,
        "amount": f"{line.amount:.2f}",
    }
