"""Close of business of revolving accounts (loans.revolving.services.close) equals the domain's
simulator to the fen (issue #18), over a seeded random portfolio played night by night for five
months: accounts on every statement day, random purchases, refunds before billing, and
borrowers who pay in full before the due date, pay the minimum on the due date, pay the minimum
late (after the grace days too), pay random amounts, or pay nothing.

Each night the services' figures are compared with the domain's ``day_close`` of that night
(interest, penalty, days past due, bucket, what waits for the next bill), and at the end every
bill and the whole history with ``simulator.simulate`` replayed from the accepted events.
Some nights are closed twice: the second close changes nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db.models import Sum

from loans.calendar.models import BusinessDate
from loans.domain.money import sum_amounts
from loans.domain.revolving.allocation import payment_allocate
from loans.domain.revolving.interest import day_close
from loans.domain.revolving.purchases import purchase_capture
from loans.domain.revolving.refunds import refund_apply
from loans.domain.revolving.simulator import (
    Event,
    PaymentEvent,
    PurchaseEvent,
    RefundEvent,
    simulate,
)
from loans.domain.revolving.state import AccountState, debt_outstanding, open_account
from loans.domain.revolving.state import total_minimum_unpaid as minimum_owed
from loans.domain.revolving.statement import Statement as DomainStatement
from loans.domain.revolving.statement import statement_cut
from loans.domain.revolving.terms import RevolvingTerms
from loans.ledger.models import EntryType, JournalLine
from loans.revolving.models import (
    Order,
    RevolvingAccount,
    RevolvingPayment,
    RevolvingPaymentChannel,
    Statement,
)
from loans.revolving.services.close import revolving_day_close
from loans.revolving.services.orders import order_capture
from loans.revolving.services.payments import revolving_payment_post
from loans.revolving.services.refunds import order_refund
from tests.integration.books import assert_books_reconcile
from tests.integration.revolving.world import Shop, shop_with_account

pytestmark = pytest.mark.django_db

OPENED = date(2027, 3, 15)  # shop_with_account opens every account on this date
LAST = date(2027, 8, 20)
TERMS = RevolvingTerms()
PERSONAS = ("full", "minimum", "late", "random", "nothing")


@dataclass
class Borrower:
    shop: Shop
    persona: str
    days_before_due: int  # "full": pays this many days before the due date
    days_late: int  # "late": pays the minimum this many days after the due date
    state: AccountState
    events: list[Event]

    @property
    def account_id(self) -> int:
        return self.shop.account.pk


def _borrowers(rng: random.Random) -> list[Borrower]:
    borrowers = []
    for n in range(30):
        shop = shop_with_account(statement_day=rng.randint(1, 28))
        state = open_account(
            credit_limit=Decimal("30000.00"),
            statement_day=shop.account.statement_day,
            opened_on=OPENED,
        )
        persona = PERSONAS[n % len(PERSONAS)]
        borrowers.append(
            Borrower(shop, persona, rng.randint(0, 8), rng.randint(1, 25), state, events=[])
        )
    return borrowers


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def _buy(b: Borrower, day: date, serial: int, amount: Decimal) -> None:
    order = b.shop.order(f"{amount}", serial, now=_now(day))
    order_capture(order_id=order.pk, now=_now(day))
    b.state = purchase_capture(
        b.state, purchase_id=str(order.pk), purchase_date=day, amount=amount, terms=TERMS
    )
    b.events.append(PurchaseEvent(day, str(order.pk), amount))


def _refund(b: Borrower, day: date, rng: random.Random) -> None:
    unbilled = [
        o
        for o in Order.objects.filter(account=b.shop.account, statement__isnull=True)
        if o.amount > o.refunded_amount + o.paid_amount
    ]
    if not unbilled:
        return
    order = rng.choice(unbilled)
    left = int((order.amount - order.refunded_amount - order.paid_amount) * 100)
    amount = Decimal(rng.randint(1, left)) / 100
    order_refund(order_id=order.pk, merchant_refund_id=f"RF-{day}", amount=amount, now=_now(day))
    b.state, _ = refund_apply(b.state, purchase_id=str(order.pk), amount=amount)
    b.events.append(RefundEvent(day, str(order.pk), amount))


def _pay(b: Borrower, day: date, amount: Decimal) -> None:
    amount = min(amount, debt_outstanding(b.state))
    if amount <= 0:
        return
    revolving_payment_post(
        account_id=b.account_id,
        amount=amount,
        channel=RevolvingPaymentChannel.PARTNER,
        reference=f"P-{day}",
        now=_now(day),
    )
    b.state, _ = payment_allocate(b.state, amount=amount)
    b.events.append(PaymentEvent(day, amount))


def _payment_due(b: Borrower, day: date, rng: random.Random) -> Decimal:
    """What the borrower pays today, by persona (0: nothing)."""
    state = b.state
    latest = state.bills[-1] if state.bills else None
    if b.persona == "random":
        share = Decimal(str(rng.random())) if rng.random() < 0.06 else Decimal(0)
        return (debt_outstanding(state) * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if latest is None or b.persona == "nothing":
        return Decimal(0)
    if b.persona == "full" and day == latest.due_date - timedelta(days=b.days_before_due):
        billed = sum_amounts(bill.unpaid for bill in state.bills)
        return sum_amounts((billed, state.unbilled_interest, state.unbilled_penalty))
    if b.persona == "minimum" and day == latest.due_date:
        return minimum_owed(state)
    if b.persona == "late" and day == latest.due_date + timedelta(days=b.days_late):
        return minimum_owed(state)
    return Decimal(0)


def _night(day: date, borrowers: list[Borrower]) -> dict[int, tuple[object, ...]]:
    """The domain's close of ``day`` for every account: what the services must show after it."""
    expected: dict[int, tuple[object, ...]] = {}
    for b in borrowers:
        if day.day == b.state.statement_day and day > OPENED:
            b.state, _ = statement_cut(b.state, statement_date=day, terms=TERMS)
        b.state, charges = day_close(b.state, as_of=day, terms=TERMS)
        expected[b.account_id] = (
            charges.days_past_due,
            str(charges.bucket),
            b.state.unbilled_interest,
            b.state.unbilled_penalty,
        )
    return expected


def _bill_row(bill: DomainStatement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.due_date,
        bill.previous_unpaid,
        bill.new_revolving_principal,
        bill.new_interest,
        bill.new_penalty,
        bill.revolving_principal,
        bill.interest,
        bill.penalty,
        bill.balance,
        bill.minimum_payment,
    )


def _db_bill_row(bill: Statement) -> tuple[object, ...]:
    return (
        bill.statement_date,
        bill.due_date,
        bill.previous_unpaid_amount,
        bill.new_revolving_principal_amount,
        bill.new_interest_amount,
        bill.new_penalty_amount,
        bill.revolving_principal_amount,
        bill.interest_amount,
        bill.penalty_amount,
        bill.balance_amount,
        bill.minimum_payment_amount,
    )


def _charged() -> dict[tuple[int, date, str], Decimal]:
    """The interest and penalty the nights posted, per account, date and kind."""
    rows = (
        JournalLine.objects.filter(
            revolving_account__isnull=False,
            entry__entry_type__in=[EntryType.INTEREST_ACCRUAL, EntryType.PENALTY],
        )
        .values_list("revolving_account_id", "entry__value_date", "entry__entry_type")
        .annotate(total=Sum("amount"))
    )
    return {(a, d, t): total for a, d, t, total in rows}


def test_five_months_of_nights_charge_as_the_domain_does() -> None:
    rng = random.Random(20270815)
    borrowers = _borrowers(rng)
    serial = 0
    day = OPENED
    reruns = 0
    while day <= LAST:
        BusinessDate.objects.filter(id=1).update(current_date=day)
        for b in borrowers:
            if rng.random() < 0.12:
                serial += 1
                _buy(b, day, serial, Decimal(rng.randint(1, 100_000)) / 100)
            if rng.random() < 0.04:
                _refund(b, day, rng)
            _pay(b, day, _payment_due(b, day, rng))
        revolving_day_close(business_date=day)  # as close of business closes the date
        if rng.random() < 0.1:  # a second close of the same night does nothing
            again = revolving_day_close(business_date=day)
            assert (again["revolving_bills"], again["revolving_accounts_charged"]) == (0, 0)
            reruns += 1
        expected = _night(day, borrowers)
        got = {
            a.pk: (a.days_past_due, a.bucket, a.unbilled_interest_amount, a.unbilled_penalty_amount)
            for a in RevolvingAccount.objects.filter(pk__in=expected)
        }
        assert got == expected, day
        day += timedelta(days=1)

    charged = _charged()
    for b in borrowers:
        simulation = simulate(
            credit_limit=Decimal("30000.00"),
            statement_day=b.state.statement_day,
            opened_on=OPENED,
            through=LAST,
            events=b.events,
            terms=TERMS,
        )
        assert simulation.state == b.state  # the test's own nights are the simulator's
        assert all(not d.refused for d in simulation.days)
        for d in simulation.days:  # each night's interest and penalty, posted to the fen
            for kind, amount in (
                (EntryType.INTEREST_ACCRUAL, d.charges.interest),
                (EntryType.PENALTY, d.charges.penalty),
            ):
                assert charged.pop((b.account_id, d.on, kind), Decimal(0)) == amount, (
                    b.persona,
                    d.on,
                    kind,
                )
        bills = {s.statement_date: s for s in simulation.statements if s.balance > 0}
        rows = Statement.objects.filter(account_id=b.account_id).order_by("statement_date")
        assert [_db_bill_row(r) for r in rows] == [_bill_row(s) for s in bills.values()]
        owed = {bill.statement_date: bill for bill in simulation.state.bills}
        for row in rows:  # what each bill still owes, and whether it bears interest
            bill = owed[row.statement_date]
            assert (row.unpaid_amount, row.minimum_unpaid_amount, row.bears_interest) == (
                bill.unpaid,
                bill.minimum_unpaid,
                bill.bears_interest,
            )
    assert charged == {}  # nothing posted that the domain did not charge

    # The portfolio saw what it had to: free bills, interest, penalty, every bucket up to M3.
    by_persona: dict[str, Decimal] = defaultdict(Decimal)
    for b in borrowers:
        by_persona[b.persona] += b.state.unbilled_interest + sum_amounts(
            bill.interest for bill in b.state.bills
        )
    history = [JournalLine.objects.filter(entry__entry_type=t).count() for t in _KINDS]
    assert by_persona["full"] == 0
    assert by_persona["minimum"] > 0
    assert all(count > 20 for count in history)
    assert RevolvingAccount.objects.filter(days_past_due__gt=60).exists()
    assert RevolvingPayment.objects.count() > 80
    assert reruns > 5
    assert_books_reconcile()


_KINDS = (EntryType.INTEREST_ACCRUAL, EntryType.PENALTY)
