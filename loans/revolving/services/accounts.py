"""Opening a revolving account on a credit line (PRODUCT §10)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import Borrower
from loans.errors import LendingError
from loans.revolving.models import RevolvingAccount, RevolvingProduct
from loans.servicing.models import CreditLine, CreditLineStatus


class RevolvingAccountNotOpened(LendingError):
    code = "revolving_account_not_opened"


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
