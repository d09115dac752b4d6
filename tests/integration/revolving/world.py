"""A borrower with a credit line, a revolving account on it and a partner shop (issue #18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from accounts.models import Partner
from loans.calendar.models import BusinessDate
from loans.revolving.models import Order, RevolvingAccount, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.orders import order_create
from loans.servicing.models import CreditLine
from tests.factories.accounts import PartnerFactory, borrower_create
from tests.factories.loans import credit_line_for

TODAY = date(2027, 3, 15)
NOW = datetime(2027, 3, 15, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@dataclass
class Shop:
    partner: Partner
    account: RevolvingAccount
    line: CreditLine

    def order(self, amount: str, number: int = 1, *, now: datetime = NOW) -> Order:
        order, _ = order_create(
            partner=self.partner,
            account=self.account,
            merchant_order_id=f"SHOP-{number:04d}",
            amount=Decimal(amount),
            description="小米手机 Redmi Note",
            now=now,
        )
        return order


def shop_with_account(*, limit: str = "30000.00", statement_day: int = 1) -> Shop:
    BusinessDate.objects.update_or_create(id=1, defaults={"current_date": TODAY})
    line = credit_line_for(borrower_create(), limit=Decimal(limit))
    product, _ = RevolvingProduct.objects.get_or_create(code="huabei", defaults={"name": "花呗"})
    account = revolving_account_open(
        borrower=line.borrower,
        product_code=product.code,
        statement_day=statement_day,
        as_of=TODAY,
    )
    return Shop(PartnerFactory.create(), account, line)
