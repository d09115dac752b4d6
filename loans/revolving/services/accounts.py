"""Opening a revolving account on a credit line (PRODUCT §10)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from loans.errors import LendingError
from loans.revolving.models import RevolvingAccount, RevolvingProduct
from loans.servicing.models import CreditLine, CreditLineStatus


class RevolvingAccountNotOpened(LendingError):
    code = "revolving_account_not_opened"


@transaction.atomic
def revolving_account_open(
    *, credit_line_id: int, product: RevolvingProduct, statement_day: int = 1, as_of: date
) -> RevolvingAccount:
    """Open the line's revolving account with its statement day (1 to 28), dated ``as_of``.

    Raises RevolvingAccountNotOpened when the line is frozen, already has one, the product is
    withdrawn or the day is out of range; nothing is written then.
    """
    line = CreditLine.objects.select_for_update().get(pk=credit_line_id)
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
