"""Opening a revolving account on a credit line (PRODUCT §10)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import Borrower, User
from loans.errors import LendingError
from loans.revolving.models import (
    Order,
    OrderStatus,
    RevolvingAccount,
    RevolvingAccountStatus,
    RevolvingProduct,
)
from loans.revolving.selectors import revolving_owed_for
from loans.servicing.models import CreditLine, CreditLineStatus


class RevolvingAccountNotOpened(LendingError):
    code = "revolving_account_not_opened"


class RevolvingAccountNotClosed(LendingError):
    code = "revolving_account_not_closed"


@transaction.atomic
def revolving_account_open(
    *, borrower: Borrower, product_code: str, statement_day: int = 1, as_of: date
) -> RevolvingAccount:
    """Open the revolving account on the borrower's credit line, of the product with that code,
    with its statement day (1 to 28), dated ``as_of``.

    Raises RevolvingAccountNotOpened when the borrower has no line, the line is frozen or has
    an account already, the product is unknown or withdrawn, or the day is out of range;
    nothing is written then.
    """
    line = CreditLine.objects.select_for_update().filter(borrower=borrower).first()
    product = RevolvingProduct.objects.filter(code=product_code).first()
    if line is None:
        raise RevolvingAccountNotOpened("The borrower has no credit line.")
    if product is None:
        raise RevolvingAccountNotOpened(f"There is no revolving product {product_code}.")
    if line.status != CreditLineStatus.ACTIVE:
        raise RevolvingAccountNotOpened("The credit line is frozen: no revolving account.")
    if RevolvingAccount.objects.filter(credit_line=line).exists():
        raise RevolvingAccountNotOpened("The credit line already has a revolving account.")
    if not product.is_active:
        raise RevolvingAccountNotOpened(f"The product {product.code} is withdrawn.")
    if not 1 <= statement_day <= 28:
        raise RevolvingAccountNotOpened("The statement day is a day of the month from 1 to 28.")
    return RevolvingAccount.objects.create(
        credit_line=line, product=product, statement_day=statement_day, opened_date=as_of
    )


@transaction.atomic
def revolving_account_close(
    *, account_id: int, as_of: date, officer: User | None = None
) -> RevolvingAccount:
    """Close the revolving account at the borrower's request, dated ``as_of``.

    Only an account that owes nothing and holds nothing closes: no unpaid bill, no purchase or
    plan principal, no interest or penalty since the last bill, no credit balance (refunded
    first), no order waiting for the borrower. Closed, it takes no order, payment or plan, and
    the bureau reports it ``C`` from that month (PRODUCT §13); its credit line stays, for cash
    loans. An officer's closing is audited. Raises RevolvingAccountNotClosed with the reason;
    nothing is written then.
    """
    account = (
        RevolvingAccount.objects.select_for_update()
        .select_related("credit_line", "product")
        .get(pk=account_id)
    )
    _closing_check(account)
    account.status = RevolvingAccountStatus.CLOSED
    account.closed_date = as_of
    account.save(update_fields=["status", "closed_date"])
    if officer is not None:
        audit_record(
            actor=officer,
            action="revolving_account.closed",
            target=account,
            details={"closed_date": as_of.isoformat()},
        )
    return account


def _closing_check(account: RevolvingAccount) -> None:
    if account.status == RevolvingAccountStatus.CLOSED:
        raise RevolvingAccountNotClosed("The revolving account is closed already.")
    owed = revolving_owed_for(account=account)
    # principal_amount holds every unpaid purchase's principal, billed, unbilled or on a plan
    if owed.bills_amount + owed.charges_since_amount + account.principal_amount > 0:
        raise RevolvingAccountNotClosed(
            "The account still owes money (bills, purchases or installments): it closes once "
            "everything is paid."
        )
    if account.credit_balance_amount > 0:
        raise RevolvingAccountNotClosed(
            f"The account holds a credit balance of ¥{account.credit_balance_amount:,.2f}: "
            "refund it first."
        )
    if Order.objects.filter(account=account, status=OrderStatus.CREATED).exists():
        raise RevolvingAccountNotClosed("An order is waiting for the borrower's confirmation.")
