"""Posting a payment on a revolving account (PRODUCT §10): allocated by the domain
(``loans.domain.revolving.allocation.payment_allocate``) over the account as the database holds
it, then written back: each bill's unpaid parts and its share of the minimum, the purchases not
billed yet, the account's and the line's principal (the limit comes back by the principal
paid), the account's interest and penalty charged since the last cut, and one journal entry
(Dr cash, Cr penalty, interest, fee and revolving principal receivable).

What is left once everything owed now is paid (future plan installments are not prepaid)
becomes the account's credit balance: Cr OVERPAYMENT_LIABILITY in its sub-ledger. The credit
is used by the next purchase and by the next bill (``credit_balance_use``, the domain's
``credit_apply``: Dr OVERPAYMENT_LIABILITY, Cr the receivables it pays), and refunded to the
borrower on request (``credit_balance_refund``: Dr OVERPAYMENT_LIABILITY, Cr cash).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loans.calendar.selectors import business_date_held
from loans.domain.money import ZERO
from loans.domain.revolving.allocation import (
    AllocationLine,
    Part,
    PaymentAllocation,
    credit_apply,
    payment_allocate,
)
from loans.domain.revolving.state import AccountState, Purchase
from loans.errors import LendingError
from loans.ledger.models import AccountCode, EntryType
from loans.ledger.services import Line, credit, debit, entry_post
from loans.revolving.models import (
    CreditRefund,
    Order,
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingPayment,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.state import (
    account_bills,
    account_state,
    bills_write,
    unbilled_orders,
)
from loans.servicing.models import CreditLine

logger = logging.getLogger(__name__)


class RevolvingPaymentRefused(LendingError):
    code = "revolving_payment_refused"


class RevolvingPaymentDuplicate(RevolvingPaymentRefused):
    """The payer's reference was used before for another amount."""

    code = "duplicate_reference"


class CreditRefundRefused(LendingError):
    code = "credit_refund_refused"


class CreditRefundDuplicate(CreditRefundRefused):
    """The caller's reference was used before for another amount."""

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
    returns the first. Returns (payment, created). What is left after everything owed now
    becomes credit balance.

    Raises RevolvingPaymentDuplicate for a reference used with another amount, and
    RevolvingPaymentRefused for an amount not in whole fen or not positive; nothing is
    written then.
    """
    account = RevolvingAccount.objects.select_for_update().get(pk=account_id)
    earlier = RevolvingPayment.objects.filter(account=account, reference=reference).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise RevolvingPaymentDuplicate(
                f"The reference {reference} was used for a payment of {earlier.amount}."
            )
        return earlier, False
    _payment_check(amount)
    if account.status != RevolvingAccountStatus.ACTIVE:
        raise RevolvingPaymentRefused("The revolving account is closed: it takes no payment.")
    bills = account_bills(account)
    orders = unbilled_orders(account)
    state = account_state(account, bills, orders, plans=[])
    new_state, allocation = payment_allocate(state, amount=amount)
    allocation_write(account, bills, orders, new_state, allocation)
    as_of = business_date_held()
    entry = entry_post(
        entry_type=EntryType.REPAYMENT,
        value_date=as_of,
        lines=[
            debit(AccountCode.CASH, amount),
            *allocation_credits(allocation),
            credit(AccountCode.OVERPAYMENT_LIABILITY, allocation.to_credit),
        ],
        revolving_account_id=account.pk,
        memo=f"Payment on revolving account {account.pk}",
    )
    payment = RevolvingPayment.objects.create(
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
    logger.info("payment %s of %s on revolving account %s", payment.pk, amount, account.pk)
    return payment, True


def _payment_check(amount: Decimal) -> None:
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RevolvingPaymentRefused("A payment is a positive amount in whole fen.")


def allocation_write(
    account: RevolvingAccount,
    bills: list[Statement],
    orders: list[Order],
    new_state: AccountState,
    allocation: PaymentAllocation,
) -> None:
    """Write an allocation's result back (the account is locked by the caller): the bills, the
    unbilled purchases, the account's unbilled charges, credit balance and principal, and the
    line's used amount (the limit comes back by the principal paid)."""
    bills_write(bills, new_state.bills)
    _orders_write(orders, new_state.purchases)
    principal_paid = principal_of(allocation)
    RevolvingAccount.objects.filter(pk=account.pk).update(
        unbilled_interest_amount=new_state.unbilled_interest,
        unbilled_penalty_amount=new_state.unbilled_penalty,
        credit_balance_amount=new_state.credit_balance,
        principal_amount=F("principal_amount") - principal_paid,
    )
    if principal_paid:
        CreditLine.objects.filter(pk=account.credit_line_id).update(
            used_amount=F("used_amount") - principal_paid, updated_at=timezone.now()
        )


def principal_of(allocation: PaymentAllocation) -> Decimal:
    """The principal (revolving and installment) an allocation pays."""
    return allocation.total_for(Part.REVOLVING_PRINCIPAL) + allocation.total_for(
        Part.INSTALLMENT_PRINCIPAL
    )


def allocation_credits(allocation: PaymentAllocation) -> list[Line]:
    """The receivables an allocation pays, as credit lines."""
    return [
        credit(AccountCode.PENALTY_RECEIVABLE, allocation.total_for(Part.PENALTY)),
        credit(AccountCode.INTEREST_RECEIVABLE, allocation.total_for(Part.INTEREST)),
        credit(AccountCode.FEE_RECEIVABLE, allocation.total_for(Part.FEES)),
        credit(AccountCode.REVOLVING_RECEIVABLE, principal_of(allocation)),
    ]


def _orders_write(orders: list[Order], purchases: tuple[Purchase, ...]) -> None:
    left = {p.purchase_id: p.unbilled_principal for p in purchases}
    for order in orders:
        order.paid_amount = order.amount - order.refunded_amount - left[str(order.pk)]
    Order.objects.bulk_update(orders, ["paid_amount"])


def credit_balance_use(account: RevolvingAccount, *, as_of: date) -> Decimal:
    """Use the account's credit balance on what it owes now (the domain's ``credit_apply``);
    the account is locked by the caller. Returns the amount used (0 with no credit)."""
    if account.credit_balance_amount <= 0:
        return ZERO
    bills = account_bills(account)
    orders = unbilled_orders(account)
    state = account_state(account, bills, orders, plans=[])
    new_state, allocation = credit_apply(state)
    if not allocation.allocated:
        return ZERO
    allocation_write(account, bills, orders, new_state, allocation)
    entry_post(
        entry_type=EntryType.ADVANCE_APPLIED,
        value_date=as_of,
        lines=[
            debit(AccountCode.OVERPAYMENT_LIABILITY, allocation.allocated),
            *allocation_credits(allocation),
        ],
        revolving_account_id=account.pk,
        memo=f"Credit balance used on revolving account {account.pk}",
    )
    logger.info("credit of %s used on revolving account %s", allocation.allocated, account.pk)
    return allocation.allocated


@transaction.atomic
def credit_balance_refund(
    *, account_id: int, amount: Decimal, reference: str, now: datetime
) -> tuple[CreditRefund, bool]:
    """Refund ``amount`` of the account's credit balance to the borrower on the open business
    date (Dr OVERPAYMENT_LIABILITY, Cr cash); the same reference again returns the first.
    Returns (refund, created).

    Raises CreditRefundDuplicate for a reference used with another amount, and
    CreditRefundRefused for an amount not positive whole fen or above the credit balance.
    """
    account = RevolvingAccount.objects.select_for_update().get(pk=account_id)
    earlier = CreditRefund.objects.filter(account=account, reference=reference).first()
    if earlier is not None:
        if earlier.amount != amount:
            raise CreditRefundDuplicate(
                f"The reference {reference} was used for a refund of {earlier.amount}."
            )
        return earlier, False
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise CreditRefundRefused("A refund is a positive amount in whole fen.")
    if amount > account.credit_balance_amount:
        raise CreditRefundRefused(
            f"The credit balance is {account.credit_balance_amount}: {amount} cannot be refunded."
        )
    as_of = business_date_held()
    entry = entry_post(
        entry_type=EntryType.REFUND,
        value_date=as_of,
        lines=[debit(AccountCode.OVERPAYMENT_LIABILITY, amount), credit(AccountCode.CASH, amount)],
        revolving_account_id=account.pk,
        memo=f"Credit balance refunded, revolving account {account.pk}",
    )
    RevolvingAccount.objects.filter(pk=account.pk).update(
        credit_balance_amount=F("credit_balance_amount") - amount
    )
    refund = CreditRefund.objects.create(
        account=account,
        amount=amount,
        value_date=as_of,
        reference=reference,
        entry=entry,
        created_at=now,
    )
    logger.info("credit of %s refunded on revolving account %s", amount, account.pk)
    return refund, True


def _line(line: AllocationLine) -> dict[str, str | None]:
    """One allocation line as JSON: step and part by name, amounts as strings."""
    return {
        "step": line.step.name,
        "part": line.part.name,
        "statement_date": line.statement_date.isoformat() if line.statement_date else None,
        "purchase_id": line.purchase_id,
        "amount": f"{line.amount:.2f}",
    }
