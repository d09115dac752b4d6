"""The set-based cut (loans.revolving.services.statements) and the payment service equal the
domain's statement_cut and payment_allocate to the fen (issue #18: "the set-based COB equals
the domain model"), over a seeded random portfolio: accounts on every statement day, purchases
on random days of three months, partial refunds before billing, payments of random amounts up
to what is owed, each date's bills cut after its events as close of business does.

Only what is built is compared: no installment, interest or penalty exists yet on a revolving
account, so the domain's state is cut without its day_close in between (which charges
interest on unpaid bills). The domain cuts every statement date; the database writes
no bill of nothing, so a missing row must be a bill of 0.00.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest

from loans.calendar.models import BusinessDate
from loans.domain.revolving.allocation import payment_allocate
from loans.domain.revolving.purchases import purchase_capture
from loans.domain.revolving.refunds import refund_apply
from loans.domain.revolving.state import AccountState, debt_outstanding, open_account
from loans.domain.revolving.statement import Statement as DomainStatement
from loans.domain.revolving.statement import statement_cut
from loans.domain.revolving.terms import RevolvingTerms
from loans.revolving.models import Order, RevolvingPayment, RevolvingPaymentChannel, Statement
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund
from loans.revolving.services.statements import statements_cut
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

OPENED = date(2027, 3, 15)  # shop_with_account opens every account on this date
LAST = date(2027, 6, 20)
TERMS = RevolvingTerms()


def _day_events(
    rng: random.Random, shops: list[Shop], day: date, serial: list[int]
) -> list[tuple[Any, ...]]:
    events: list[tuple[Any, ...]] = []
    for shop in shops:
        if rng.random() < 0.12:
            serial[0] += 1
            amount = Decimal(rng.randint(1, 100_000)) / 100
            events.append(("buy", shop, serial[0], amount))
        unbilled = [
            o for o in Order.objects.filter(account=shop.account, statement__isnull=True)
            if o.amount > o.refunded_amount
        ]  # fmt: skip
        if unbilled and rng.random() < 0.05:
            order = rng.choice(unbilled)
            left = int((order.amount - order.refunded_amount - order.paid_amount) * 100)
            if left > 0:
                events.append(("refund", shop, order, Decimal(rng.randint(1, left)) / 100))
        if rng.random() < 0.06:
            events.append(("pay", shop, f"P-{day}", rng.random()))
    return events


def _apply(event: tuple[Any, ...], day: date, states: dict[int, AccountState]) -> None:
    kind, shop, *rest = event
    now = datetime(day.year, day.month, day.day, 4, tzinfo=UTC)
    account = shop.account.pk
    if kind == "buy":
        number, amount = rest
        order = order_capture(order_id=shop.order(f"{amount}", number, now=now).pk, now=now)
        states[account] = purchase_capture(
            states[account],
            purchase_id=str(order.pk),
            purchase_date=day,
            amount=amount,
            terms=TERMS,
        )
    elif kind == "refund":
        order, amount = rest
        order_refund(order_id=order.pk, merchant_refund_id=f"RF-{day}", amount=amount, now=now)
        states[account], _ = refund_apply(states[account], purchase_id=str(order.pk), amount=amount)
    else:
        reference, share = rest
        owed = debt_outstanding(states[account])
        amount = (owed * Decimal(str(share))).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        if amount <= 0:
            return
        revolving_payment_post(
            account_id=account,
            amount=amount,
            channel=RevolvingPaymentChannel.PARTNER,
            reference=reference,
            now=now,
        )
        states[account], _ = payment_allocate(states[account], amount=amount)


def _as_row(bill: DomainStatement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.cycle_start,
        bill.due_date,
        bill.pay_by_date,
        bill.previous_unpaid,
        bill.new_revolving_principal,
        bill.revolving_principal,
        bill.balance,
        bill.minimum_payment,
    )


def _db_row(bill: Statement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.cycle_start,
        bill.due_date,
        bill.pay_by_date,
        bill.previous_unpaid_amount,
        bill.new_revolving_principal_amount,
        bill.revolving_principal_amount,
        bill.balance_amount,
        bill.minimum_payment_amount,
    )


def test_three_months_of_random_purchases_and_refunds_bill_as_the_domain_does() -> None:
    rng = random.Random(20270405)
    shops = [shop_with_account(statement_day=rng.randint(1, 28)) for _ in range(24)]
    states = {
        s.account.pk: open_account(
            credit_limit=Decimal("30000.00"),
            statement_day=s.account.statement_day,
            opened_on=OPENED,
        )
        for s in shops
    }
    expected: dict[tuple[int, date], DomainStatement] = {}
    serial = [0]
    day = OPENED
    while day <= LAST:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        for event in _day_events(rng, shops, day, serial):
            _apply(event, day, states)
        statements_cut(statement_date=day)  # as close of business closes the date
        for account, state in states.items():
            if day.day == state.statement_day and day > OPENED:
                states[account], bill = statement_cut(state, statement_date=day, terms=TERMS)
                expected[(account, day)] = bill
        day += timedelta(days=1)

    written = {(b.account_id, b.statement_date): _db_row(b) for b in Statement.objects.all()}
    for key, bill in expected.items():
        if bill.balance == 0:
            assert key not in written, key
        else:
            assert written.pop(key) == _as_row(bill), key
    assert written == {}  # no bill the domain did not cut
    for account, state in states.items():  # what each bill still owes after the payments
        owed = {b.statement_date: (b.unpaid, b.minimum_unpaid) for b in state.bills}
        for row in Statement.objects.filter(account_id=account):
            got = (row.unpaid_amount, row.minimum_unpaid_amount)
            assert got == owed.pop(row.statement_date), (account, row.statement_date)
        assert all(unpaid == 0 for unpaid, _ in owed.values())  # bills of nothing
    assert sum(1 for b in expected.values() if b.balance > 0) > 40  # the test saw real bills
    assert RevolvingPayment.objects.count() > 20  # and real payments
    assert_books_reconcile()
