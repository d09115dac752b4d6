"""The demo's revolving account (PRODUCT §10): two months of purchases at the Demo Shop, bills,
a bill paid in full and one paid at its minimum, lived day by day through the revolving close.

The installment borrower (a Demo Shop customer) opens a 花呗-style account 75 days before the
open business date, with her statement day 14 days before it. Each day of the history opens
as the business date, its purchases are captured and its payments posted, and the revolving
part of close of business closes it (bills cut on the statement day, revolving interest and
penalty as §10 says): the back office's account page and the portal's bills show a real
history, and the page scan of every back-office page opens them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from loans.calendar.models import BusinessDate
from loans.management.seeding.demo.state import BEIJING, Demo
from loans.revolving.models import RevolvingAccount, RevolvingPaymentChannel, RevolvingProduct
from loans.revolving.services.accounts import revolving_account_open
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture, order_create
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.reminders import bill_owing

PRODUCT_CODE = "huabei"
OPENED_DAYS_AGO = 75
STATEMENT_DAYS_AGO = 14
# Days before the open date: (amount, what, installment months or None).
PURCHASES = {
    70: ("1299.00", "手机壳与耳机 Phone case and earphones", None),
    52: ("3600.00", "笔记本电脑 Laptop, 6 months", 6),
    40: ("458.50", "运动鞋 Running shoes", None),
    25: ("2199.00", "智能手表 Smart watch", None),
    6: ("89.90", "图书 Books", None),
}


def revolving_create(demo: Demo) -> RevolvingAccount:
    """Open the installment borrower's account and live its history through the last close."""
    RevolvingProduct.objects.get_or_create(code=PRODUCT_CODE, defaults={"name": "花呗"})
    opened = demo.today - timedelta(days=OPENED_DAYS_AGO)
    statement_day = min((demo.today - timedelta(days=STATEMENT_DAYS_AGO)).day, 28)
    account = revolving_account_open(
        borrower=demo.borrowers["installment"],
        product_code=PRODUCT_CODE,
        statement_day=statement_day,
        as_of=opened,
    )
    try:
        for day in _days(opened, demo.last_closed):
            BusinessDate.objects.filter(id=1).update(current_date=day)
            _live(demo, account, day)
            revolving_day_close(business_date=day)
    finally:
        BusinessDate.objects.filter(id=1).update(current_date=demo.today)
    demo.say(
        f"Revolving account {account.pk} (statement day {statement_day}): "
        f"{len(PURCHASES)} purchases, bills paid in full and at the minimum."
    )
    return account


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _live(demo: Demo, account: RevolvingAccount, day: date) -> None:
    days_ago = (demo.today - day).days
    if days_ago in PURCHASES:
        _buy(demo, account, day, *PURCHASES[days_ago])
    bill = account.statements.filter(due_date=day).first()
    if bill is None:
        return
    # The first bill paid in full on its due date, the next at its minimum.
    owing = bill_owing(statement=bill)
    first = not account.statements.filter(statement_date__lt=bill.statement_date).exists()
    amount = owing.amount if first else owing.minimum
    if amount > 0:
        revolving_payment_post(
            account_id=account.pk,
            amount=amount,
            channel=RevolvingPaymentChannel.PARTNER,
            reference=f"DEMO-BILL-{bill.pk}",
            now=_at(day, 11),
        )


def _buy(
    demo: Demo, account: RevolvingAccount, day: date, amount: str, what: str, term: int | None
) -> None:
    assert demo.partner is not None  # noqa: S101 - seed() creates the Demo Shop first
    order, _ = order_create(
        partner=demo.partner,
        account=account,
        merchant_order_id=f"DEMO-{day:%Y%m%d}",
        amount=Decimal(amount),
        description=what,
        now=_at(day, 15),
        plan_term=term,
    )
    order_capture(order_id=order.pk, now=_at(day, 15, 2))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)
